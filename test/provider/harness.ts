import type { Emulator, EmulatorOptions } from "../../emulator";
import { resetCallerAccount } from "../../provider/account";
import { resetSettings } from "../../provider/settings";
import { startTarget } from "../target";

/** Fast retries for tests: the behaviour is the same, the waits are not. */
export const FAST_RETRY = JSON.stringify({ maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 });

/**
 * Starts an emulator (or, in live mode, reaches the account: test/target.ts) and points the
 * provider's settings at it through `configure`.
 */
export async function startWired(options: EmulatorOptions = {}): Promise<{
  emulator: Emulator;
  config: Record<string, string>;
}> {
  const emulator = await startTarget(options);
  const config: Record<string, string> = {
    ...(emulator.url ? { "alicloud-federation:endpoint": emulator.url } : {}),
    "alicloud-federation:accessKeyId": emulator.accessKeyId,
    "alicloud-federation:accessKeySecret": emulator.accessKeySecret,
    "alicloud-federation:retry": FAST_RETRY,
    // The test IdPs listen on loopback, which fingerprint discovery refuses without this.
    "alicloud-federation:allowPrivateIssuer": "true",
  };
  resetSettings();
  resetCallerAccount();
  return { emulator, config };
}

/** The config object a dynamic provider's `configure` receives. */
export const configOf = (values: Record<string, string>) => ({
  config: {
    get: (k: string) => values[k],
    require: (k: string) => {
      const v = values[k];
      if (v === undefined) throw new Error(`missing ${k}`);
      return v;
    },
  },
});

/** Actions the emulator saw, in order, leaving out console (out-of-band) edits. */
export async function actions(emulator: Emulator, service = "ims"): Promise<string[]> {
  return (await emulator.requests({ service })).map((r) => r.action);
}
