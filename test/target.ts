/**
 * What the provider lifecycle and end-to-end suites run against: an emulator of their own (the
 * default), or, in live mode (`npm run test:live`), the account the credentials belong to, or an
 * emulator someone else started at ALICLOUD_FEDERATION_ENDPOINT, reached only through its public
 * API, as a real account is.
 *
 * A suite gets its target from `startTarget()`, names every object it makes with `named()`, and
 * marks what only an emulator can do (fault injection, the request log, the emulator's clock,
 * test identity providers the real STS cannot reach, account-wide state) with `emulatorOnly`.
 * In live mode those tests are skipped and counted; everything else runs unchanged.
 */
import { describe, test } from "vitest";
import { ConsoleCallError, type Emulator, type EmulatorOptions, startEmulator } from "../emulator";
import { checkAccount } from "./live/account";
import type { Product } from "./live/scenario";
import { sweep } from "./live/sweep";
import { rawTransport, targetFromEnv } from "./live/target";

/** Live mode is on (started through scripts/live.cjs, which sets the per-run prefix). */
export const LIVE =
  process.env.ALICLOUD_FEDERATION_LIVE === "1" && Boolean(process.env.ALICLOUD_FEDERATION_LIVE_PREFIX);

const PREFIX = LIVE ? (process.env.ALICLOUD_FEDERATION_LIVE_PREFIX ?? "") : "";

/**
 * An object's name: the run's prefix in live mode (so the run cleans up only its own objects and
 * the sweeper can find leftovers), the name itself otherwise.
 */
export function named(base: string): string {
  return `${PREFIX}${base}`;
}

/**
 * An issuer URL no other provider of the account holds: the URL itself, or in live mode the URL
 * with the run's prefix as a last path segment (an issuer URL is unique in an account, and a
 * real account may already trust the public one). Nothing fetches these: only check() reaches an
 * issuer, and the suites point it at loopback.
 */
export function namedIssuer(url: string): string {
  return LIVE ? `${url.replace(/\/$/, "")}/${PREFIX.replace(/-$/, "")}` : url;
}

/**
 * Whether an object listed from the target counts for a suite whose objects are `names`: in live
 * mode only those (the account holds others, what the run's other suites left among them);
 * against an emulator of the suite's own every object, so "the account holds exactly these" stays
 * as strong as written.
 */
export function countsFor(name: string, names: readonly string[]): boolean {
  return !LIVE || names.includes(name);
}

/**
 * Tests and suites that need what only an emulator has; `why` says what (kept in the code for the
 * reader; live mode skips them).
 */
export function emulatorOnly(_why: string): { test: typeof test; describe: typeof describe } {
  return skippedWhen(LIVE);
}

/**
 * Tests and suites that need an IDaaS (EIAM) instance: an emulator has one; in live mode they run
 * only when ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE names one (a live run never creates an
 * instance: it is billed), and are skipped otherwise.
 */
export function needsEiamInstance(): { test: typeof test; describe: typeof describe } {
  return skippedWhen(LIVE && !process.env.ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE);
}

/** `test` and `describe`, or their skipping forms. */
function skippedWhen(skip: boolean): { test: typeof test; describe: typeof describe } {
  return {
    test: skip ? (test.skip as typeof test) : test,
    describe: skip ? (describe.skip as typeof describe) : describe,
  };
}

/** Runs `check` only against an emulator of the suite's own: call counts and request logs. */
export async function onEmulator(check: () => unknown): Promise<void> {
  if (!LIVE) await check();
}

/**
 * The suite's target. Against an emulator of its own, the emulator itself. In live mode, an
 * object with the same face: the account's id and the run's credentials, `console` as a signed
 * API call with those credentials (what a person does in the console, done through the API),
 * `reset` removing every object this run's prefix names (the account as it was before the run, as
 * far as the run can tell; test/live/sweep.ts), and `clearRequests` and `clearFaults` doing nothing
 * (there is no log, and nothing could inject a fault); every other emulator-only member throws,
 * naming itself.
 */
export async function startTarget(options: EmulatorOptions = {}): Promise<Emulator> {
  if (!LIVE) return startEmulator({ port: 0, ...options });
  const t = targetFromEnv();
  const call = rawTransport(t);
  const accountId = await checkAccount(t);
  const only = (member: string) => (): never => {
    throw new Error(
      `live target: ${member} needs an emulator of the suite's own; mark the test emulatorOnly`,
    );
  };
  const target: Emulator = {
    url: t.endpoint ?? "",
    endpoint: t.endpoint ? new URL(t.endpoint).host : "",
    accessKeyId: t.accessKeyId,
    accessKeySecret: t.accessKeySecret,
    accountId,
    eiamInstanceId: t.eiamInstanceId ?? "",
    accounts: [{ accountId, accessKeyId: t.accessKeyId, accessKeySecret: t.accessKeySecret }],
    close: async () => undefined,
    clearRequests: async () => undefined,
    console: async (service, action, params) => {
      const answer = await call(service as Product, action, params);
      if (!answer.ok) throw new ConsoleCallError(answer.status, answer.code, answer.message, {});
      return answer.body;
    },
    reset: async () => {
      const left = await sweep(t, { olderThanMs: 0, dryRun: false, onlyPrefix: PREFIX });
      if (left.failed.length > 0) {
        throw new Error(
          `live target: reset could not remove ${left.failed.map((f) => `${f.kind} ${f.name} (${f.error})`).join("; ")}`,
        );
      }
    },
    requests: only("requests"),
    injectFault: only("injectFault"),
    clearFaults: async () => undefined,
    state: only("state"),
    issueStsCredentials: only("issueStsCredentials"),
  };
  return target;
}
