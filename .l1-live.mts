// Runs npm run test:live against a fresh emulator, as liveMode.test.ts does; args: extra env as K=V.
import { execFileSync, spawn } from "node:child_process";
import { startEmulator } from "/work/wt/l1/emulator/index.ts";
const main = async () => {
  const e = await startEmulator();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(ALICLOUD_FEDERATION_|ALIBABA_CLOUD_)/.test(k) && v) env[k] = v;
  Object.assign(env, {
    ALICLOUD_FEDERATION_LIVE: "1", ALICLOUD_FEDERATION_LIVE_ACCOUNT: e.accountId, ALICLOUD_FEDERATION_ENDPOINT: e.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: e.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: e.accessKeySecret,
    ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE: e.eiamInstanceId, ALICLOUD_FEDERATION_LIVE_ENGINE: "0", NO_COLOR: "1",
  });
  for (const a of process.argv.slice(2)) { const i = a.indexOf("="); env[a.slice(0, i)] = a.slice(i + 1); }
  const t0 = Date.now();
  const child = spawn(process.execPath, ["scripts/live.cjs"], { cwd: "/work/wt/l1", env, stdio: "inherit" });
  child.on("exit", async (code) => {
    console.log(`exit ${code} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const st = JSON.stringify(await e.state());
    console.log("leftover aflive:", (st.match(/aflive-\d{12}-[0-9a-f]{4}-[A-Za-z0-9-]*/g) ?? []).slice(0, 20));
    await e.close();
    process.exit(0);
  });
};
void main();
