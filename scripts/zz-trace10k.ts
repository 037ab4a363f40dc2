import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTrustTestbed } from "../testing";
import { engineEnv, localStack, REPO_ROOT } from "./engine";
async function main() {
  const binDir = path.join(os.homedir(), ".pulumi/versions/3.259.0/bin");
  const testbed = await startTrustTestbed({ emulator: { latencyMs: 20, limits: { ram: { maxUsersPerAccount: 11000 } } } });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-trace-"));
  const env = { ...engineEnv({ binDir, stateDir, endpoint: testbed.emulator.url, accessKeyId: testbed.emulator.accessKeyId, accessKeySecret: testbed.emulator.accessKeySecret, passphrase: "bench" }), ...testbed.env };
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 2000 });
  const workDir = path.join(REPO_ROOT, "bench", "scim-directory");
  const { stack } = await localStack({ binDir, workDir, stackName: "trace10k", env });
  const file = path.join(stateDir, "people.csv");
  const rows = Array.from({ length: 10000 }, (_, i) => `user${i},User ${i},emp-${String(i).padStart(5, "0")}`);
  fs.writeFileSync(file, `userName,displayName,externalId\n${rows.join("\n")}\n`);
  await stack.setConfig("directory", { value: file });
  let t = Date.now(); await stack.up({ parallel: 16 }); console.log("up", Date.now() - t);
  fs.writeFileSync(path.join(stateDir, "done"), "");
  console.log(JSON.stringify({ stateDir, workDir, file, env: Object.fromEntries(Object.entries(env).filter(([k]) => /PULUMI|ALICLOUD|ALIBABA/.test(k))) }));
  // keep emulator alive for manual commands
  await new Promise((r) => setTimeout(r, 600000));
}
main();
