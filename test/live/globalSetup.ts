/**
 * Live mode's setup: refuse an account not named in ALICLOUD_FEDERATION_LIVE_ACCOUNT before any
 * suite runs, and afterwards remove everything this run's prefix names (whatever a failed suite
 * left), reporting what had to be removed.
 */
import { checkAccount } from "./account";
import { sweep } from "./sweep";
import { liveRefusal, targetFromEnv } from "./target";

export default async function setup(): Promise<() => Promise<void>> {
  const refusal = liveRefusal();
  if (refusal) throw new Error(refusal);
  const prefix = process.env.ALICLOUD_FEDERATION_LIVE_PREFIX;
  if (!prefix)
    throw new Error("ALICLOUD_FEDERATION_LIVE_PREFIX is not set: start live mode with npm run test:live");
  const target = targetFromEnv();
  await checkAccount(target);
  return async () => {
    const left = await sweep(target, { olderThanMs: 0, dryRun: false, onlyPrefix: prefix });
    for (const item of left.deleted)
      process.stdout.write(`live clean-up: removed ${item.kind} ${item.name}\n`);
    if (left.failed.length > 0) {
      throw new Error(
        `live clean-up could not remove: ${left.failed.map((f) => `${f.kind} ${f.name} (${f.error})`).join("; ")}; run npm run sweep:live`,
      );
    }
  };
}
