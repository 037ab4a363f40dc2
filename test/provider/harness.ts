import { expect } from "vitest";
import type { Emulator, EmulatorOptions, FaultSpec } from "../../emulator";
import { resetCallerAccount } from "../../provider/account";
import { resetSettings } from "../../provider/settings";
import { LIVE, namedIssuer, onEmulator, startTarget } from "../target";

/**
 * The ways call k of an operation can fail, for the tests that fail every call in turn
 * (faultMatrix.test.ts, pendingResume.test.ts).
 */
export const FAULT_KINDS: Record<string, (k: number) => FaultSpec[]> = {
  // Call k fails before the service acts, and keeps failing past every retry: the run stops there.
  "error before": (k) => [{ kind: "server-error", nth: k, count: 16 }],
  // Call k is done, but its answer is lost once.
  "response lost": (k) => [{ kind: "lost", nth: k, count: 1 }],
  // Call k is done and its answer lost, and the service is unreachable after it: the run dies.
  // (The second fault counts from k: call k is taken by the first.)
  "lost, then down": (k) => [
    { kind: "lost", nth: k, count: 1 },
    { kind: "server-error", nth: k, count: 16 },
  ],
};

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

/**
 * The actions of `service` the emulator saw are exactly `expected`: checked against an emulator
 * of the suite's own, skipped in live mode (a real account keeps no request log).
 */
export async function expectActions(emulator: Emulator, service: string, expected: string[]): Promise<void> {
  await onEmulator(async () => expect(await actions(emulator, service)).toEqual(expected));
}

/**
 * The ARN of an OIDC provider named `name` for a role to trust. Against an emulator the provider
 * need not exist (the emulator does not look); in live mode it is made first (with a run-unique
 * issuer), as nothing documents that RAM accepts a trust in a provider the account lacks.
 */
export async function trustedProviderArn(emulator: Emulator, name: string): Promise<string> {
  if (LIVE) {
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: name,
      IssuerUrl: namedIssuer("https://token.actions.githubusercontent.com"),
      Fingerprints: "1".padStart(40, "0"),
      ClientIds: "sts.aliyuncs.com",
    });
  }
  return `acs:ram::${emulator.accountId}:oidc-provider/${name}`;
}
