/**
 * `npm run bench`: how fast `pulumi up` provisions a directory over SCIM.
 *
 * For 10, 100 and 1000 users, against the emulator with a fixed latency per
 * call, through the real engine: wall time, API calls by kind, token
 * requests, and the ratio of wall time to the ideal (calls x latency /
 * parallelism). Then the same with 20% of calls throttled, which must finish
 * with no failed resource. And the engine's own floor: the same program with
 * a no-op dynamic resource, so the overhead of the engine itself is visible.
 *
 * Prints numbers; asserts only what the issue requires (one token request
 * per provider process, no failed resource). Not a test: timings vary.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../emulator";
import { engineEnv, ensurePulumi, localStack, REPO_ROOT } from "./engine";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 16);
const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const THROTTLE_RATIO = 0.2;

interface Run {
  program: "scim" | "noop" | "noop-full" | "noop-same";
  users: number;
  throttled: boolean;
  wallMs: number;
  calls: Record<string, number>;
  failedCalls: number;
  tokenRequests: number;
  created: number;
}

function directoryFile(dir: string, n: number): string {
  const file = path.join(dir, `people-${n}.csv`);
  const lines = ["userName,displayName,externalId"];
  for (let i = 0; i < n; i++) lines.push(`user${i},User ${i},emp-${String(i).padStart(5, "0")}`);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

async function runOnce(
  binDir: string,
  program: "scim" | "noop" | "noop-full" | "noop-same",
  users: number,
  throttled: boolean,
  dir: string,
): Promise<Run> {
  const emulator: Emulator = await startEmulator({ port: 0, latencyMs: LATENCY_MS });
  if (throttled) await emulator.injectFault({ kind: "throttle", ratio: THROTTLE_RATIO });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-"));
  const env = engineEnv({
    binDir,
    stateDir,
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    passphrase: "bench",
  });
  // Throttled runs need room to retry; waits stay short so the run measures the service, not the back-off cap.
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 2000 });
  const workDir = path.join(REPO_ROOT, "bench", program === "scim" ? "scim" : "noop");
  const stackName = `bench-${program}-${users}-${throttled ? "t" : "p"}`;
  const { stack } = await localStack({ binDir, workDir, stackName, env });
  try {
    await stack.setConfig("directory", { value: directoryFile(dir, users) });
    if (program === "noop-full") await stack.setConfig("shape", { value: "full" });
    if (program === "noop-same") await stack.setConfig("shape", { value: "same" });
    await emulator.clearRequests();
    const start = performance.now();
    const res = await stack.up({ parallel: PARALLEL });
    const wallMs = performance.now() - start;
    const log = await emulator.requests();
    // Successful calls by kind; refused (throttled) attempts are counted apart.
    const calls: Record<string, number> = {};
    for (const r of log) if (r.status > 0 && r.status < 400) calls[r.action] = (calls[r.action] ?? 0) + 1;
    return {
      program,
      users,
      throttled,
      wallMs,
      calls,
      failedCalls: log.filter((r) => r.status >= 400 || r.status === 0).length,
      tokenRequests: log.filter((r) => r.action === "Token" && r.status < 400).length,
      created: res.summary.resourceChanges?.create ?? 0,
    };
  } finally {
    await stack.destroy({ parallel: PARALLEL }).catch(() => undefined);
    await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
    await emulator.close();
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  const binDir = ensurePulumi();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-dir-"));
  console.log(
    `SCIM provisioning benchmark: latency ${LATENCY_MS} ms per call, --parallel ${PARALLEL}, real engine\n`,
  );
  const rows: string[] = [];
  const header =
    "users | program       | wall s | successful calls (by kind)                               | throttled | tokens | ideal s | wall/ideal | min floor s | shape floor s | floor s | wall/floor";
  rows.push(header, "-".repeat(header.length));
  let ok = true;
  for (const users of SIZES) {
    const minFloor = await runOnce(binDir, "noop", users, false, dir);
    const shapeFloor = await runOnce(binDir, "noop-full", users, false, dir);
    const floor = await runOnce(binDir, "noop-same", users, false, dir);
    for (const throttled of [false, true]) {
      const r = await runOnce(binDir, "scim", users, throttled, dir);
      const totalCalls = Object.values(r.calls).reduce((a, v) => a + v, 0);
      const idealMs = (totalCalls * LATENCY_MS) / PARALLEL;
      const kinds = Object.entries(r.calls)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      rows.push(
        [
          String(users).padStart(5),
          (throttled ? "scim, 20% thr" : "scim").padEnd(13),
          seconds(r.wallMs).padStart(6),
          kinds.padEnd(56),
          String(r.failedCalls).padStart(9),
          String(r.tokenRequests).padStart(6),
          seconds(idealMs).padStart(7),
          (r.wallMs / idealMs).toFixed(2).padStart(10),
          seconds(minFloor.wallMs).padStart(11),
          seconds(shapeFloor.wallMs).padStart(13),
          seconds(floor.wallMs).padStart(7),
          (r.wallMs / floor.wallMs).toFixed(2).padStart(10),
        ].join(" | "),
      );
      // users + the app; every one created, one token for the one provider process.
      if (r.created < users + 1) {
        ok = false;
        rows.push(`  !! only ${r.created} of ${users + 1} resources were created`);
      }
      if (r.tokenRequests !== 1) {
        ok = false;
        rows.push(`  !! ${r.tokenRequests} token requests; expected exactly 1 per provider process`);
      }
    }
    console.log(rows.join("\n"));
    rows.length = 2;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    "\nideal = successful calls x latency / parallelism. floor = the same program with a no-op dynamic resource:\n" +
      "the same resources, inputs (the app's client id and secret, a Pulumi secret) and output shape, a provider with\n" +
      "the same seven methods as ours, and no API call. shape floor = the same provider with only a user name as\n" +
      "input; min floor = a provider with only create, the smallest a dynamic resource can be.",
  );
  if (!ok) {
    console.error("\nBENCHMARK FAILED its requirements (see !! lines).");
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
