#!/usr/bin/env node
/**
 * `npm run test:live`: runs the live suites (vitest.live.config.ts) against a real account, or
 * against the emulator when ALICLOUD_FEDERATION_ENDPOINT points at one. Without
 * ALICLOUD_FEDERATION_LIVE=1 (and ALICLOUD_FEDERATION_LIVE_ACCOUNT, and credentials) it says why
 * and exits 0 without running anything. Every object the run makes is named from a fresh
 * per-run prefix (ALICLOUD_FEDERATION_LIVE_PREFIX, `aflive-<UTC yyyymmddhhmm>-<4 hex>-`).
 * Plain JavaScript so that the gate costs nothing when live mode is off.
 */
const { spawnSync } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const { join } = require("node:path");

function refusal(env) {
  if (env.ALICLOUD_FEDERATION_LIVE !== "1") {
    return "live mode is off: set ALICLOUD_FEDERATION_LIVE=1, ALICLOUD_FEDERATION_LIVE_ACCOUNT and credentials (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET) to run the suites against a real account";
  }
  if (!env.ALICLOUD_FEDERATION_LIVE_ACCOUNT?.trim()) {
    return "ALICLOUD_FEDERATION_LIVE_ACCOUNT is not set: name the account id(s) live mode may touch";
  }
  if (!env.ALIBABA_CLOUD_ACCESS_KEY_ID || !env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
    return "no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET";
  }
  return undefined;
}

const why = refusal(process.env);
if (why) {
  console.log(`test:live: nothing run. ${why}`);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 12);
const prefix = `aflive-${stamp}-${randomBytes(2).toString("hex")}-`;
const target = process.env.ALICLOUD_FEDERATION_ENDPOINT || "the public Alibaba Cloud endpoints";
console.log(
  `test:live: account(s) ${process.env.ALICLOUD_FEDERATION_LIVE_ACCOUNT}, ${target}, prefix ${prefix}`,
);
const root = join(__dirname, "..");
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.live.config.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ALICLOUD_FEDERATION_LIVE_PREFIX: prefix },
});
// What "skipped" means here: the count vitest printed is every test live mode left out.
console.log(
  "test:live: 'skipped' counts the tests left to the emulator (fault injection, the request log and call counts, the emulator's clock, test identity providers the real STS cannot reach, a second account) and those whose optional ALICLOUD_FEDERATION_LIVE_* variable is unset; test/live/suites.ts names the files left to the emulator whole, with why",
);
process.exit(run.status ?? 1);
