/**
 * Live mode's guard and prefix: the credentials must belong to an account named in
 * ALICLOUD_FEDERATION_LIVE_ACCOUNT (checked with STS GetCallerIdentity before anything else), and
 * every object a live run makes is named `aflive-<UTC yyyymmddhhmm>-<4 random>-…`, so the run can
 * clean up after itself and the sweeper can find leftovers by name and age.
 */
import { randomBytes } from "node:crypto";
import { rawTransport, type Target } from "./target";

export const PREFIX_PATTERN = /^aflive-(\d{12})-([0-9a-z]{4})-/;

export function newRunPrefix(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 12);
  return `aflive-${stamp}-${randomBytes(2).toString("hex")}-`;
}

/** When a prefixed name was made (from its prefix), or undefined for any other name. */
export function prefixTime(name: string): Date | undefined {
  const m = PREFIX_PATTERN.exec(name);
  if (!m?.[1]) return undefined;
  const s = m[1];
  return new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:00Z`,
  );
}

/** The account the credentials belong to; throws unless it is one live mode may touch. */
export async function checkAccount(t: Target): Promise<string> {
  const answer = await rawTransport(t)("sts", "GetCallerIdentity", {});
  if (!answer.ok) throw new Error(`live mode: GetCallerIdentity failed (${answer.code}): ${answer.message}`);
  const account = String(answer.body.AccountId ?? "");
  if (!t.allowedAccounts.includes(account)) {
    throw new Error(
      `live mode refuses account ${account || "(unknown)"}: it is not in ALICLOUD_FEDERATION_LIVE_ACCOUNT (${t.allowedAccounts.join(", ") || "empty"})`,
    );
  }
  return account;
}
