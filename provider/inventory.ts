/**
 * Reading the account's federation trust, read-only: its OIDC providers, the
 * roles whose trust policy names a Federated principal, and the assignments
 * of official applications (who may log in to the CLI). Shared by
 * `FederationInventory`, `ApplicationAssignmentsExclusive` and `trustReport`.
 *
 * Calls: ListOIDCProviders and ListApplicationAssignments page by 100,
 * ListRoles by 1000. ListRoles' items carry no trust policy
 * (https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listroles),
 * so a role's trust takes one GetRole; a `RoleVerdicts` cache of roles already
 * seen to trust no federated principal skips that for roles unchanged since
 * (same RoleId and UpdateDate, last changed long enough ago that a later edit
 * must move UpdateDate). Per-role calls run with bounded concurrency.
 */

import * as ims from "./client/ims";
import * as apps from "./client/imsApps";
import * as ram from "./client/ram";
import type { Session } from "./client/session";
import { hasCodePrefix } from "./errors";
import { type FederatedTrustSummary, summarizeFederatedTrust } from "./trust/admits";

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Per-role calls in flight at once: fast, and well under RAM's per-second API quotas. */
export const DEFAULT_CONCURRENCY = 8;

export interface ScannedRole {
  roleName: string;
  roleId: string;
  arn: string;
  updateDate: string;
  trustPolicy: string;
  trust: FederatedTrustSummary;
  /** Attached policies, when the scan was asked for them (`withPolicies`). */
  policies?: ram.PolicyAttachment[];
}

export interface ScannedAssignment extends apps.ListedAssignment {}

/**
 * Roles seen to trust no federated principal: role name (lower-case) to
 * `<RoleId>@<UpdateDate>@<when it was read, epoch ms>`. Kept in the inventory's state between
 * refreshes.
 */
export type RoleVerdicts = Record<string, string>;

/**
 * A role's "trusts no federated principal" verdict is reused only when its
 * UpdateDate is older than this: requests signed with a clock off by more than
 * 15 minutes are refused, so an edit made after we read the role necessarily
 * carries a later UpdateDate than the one remembered.
 */
export const VERDICT_MIN_AGE_MS = 30 * 60 * 1000;

/**
 * A verdict is reused for at most this long after the role was read, then the role is read again.
 * The cache rests on an edit of a role's trust policy alone (UpdateRole with only
 * NewAssumeRolePolicyDocument) moving the UpdateDate that ListRoles shows, which no page states;
 * should it not, a role later made to trust an OIDC provider is still seen within a day.
 */
export const VERDICT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface AccountScan {
  providers: ims.OidcProviderRecord[];
  /** Roles whose trust policy names a Federated principal (or could not be read). */
  federatedRoles: ScannedRole[];
  /** Assignments per application AppId; an application not installed has none. */
  assignments: Record<string, ScannedAssignment[]>;
  /** The verdicts to keep for the next scan. */
  verdicts: RoleVerdicts;
  /** How many roles the account has, and how many GetRole calls this scan made. */
  roleCount: number;
  rolesRead: number;
}

export interface ScanOptions {
  providers: boolean;
  roles: boolean;
  /** Applications whose assignments to list; none: assignments not scanned. */
  appIds: readonly string[];
  concurrency?: number;
  /** Verdicts from the previous scan; omitted: every role is read. */
  verdicts?: RoleVerdicts;
  /** Also list each federated role's policies, right after reading it (one call per federated role). */
  withPolicies?: boolean;
  /**
   * Roles the caller expects in the account (the ones it declares). Those with no kept verdict are
   * read alongside the list instead of after it, saving a round trip on the first scan; a read the
   * list does not confirm (the same role id and UpdateDate) is made again after it, and one of a
   * role the list does not show is a call spent for nothing.
   */
  expectedRoles?: readonly string[];
  now?: () => number;
}

const verdictOf = (r: { roleId: string; updateDate: string }) => `${r.roleId}@${r.updateDate}`;

/** The verdict `previous` holds for this version of the role, if it was read recently enough to reuse. */
function reusable(previous: string | undefined, r: { roleId: string; updateDate: string }, now: number) {
  if (previous === undefined || !previous.startsWith(`${verdictOf(r)}@`)) return undefined;
  const readAt = Number(previous.slice(verdictOf(r).length + 1));
  return Number.isFinite(readAt) && readAt <= now && now - readAt < VERDICT_MAX_AGE_MS ? previous : undefined;
}

/** Reads what the options ask for; never writes. */
export async function scanAccount(s: Session, opts: ScanOptions): Promise<AccountScan> {
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const now = (opts.now ?? Date.now)();
  const [providers, roleScan, assignments] = await Promise.all([
    opts.providers ? ims.listOidcProviders(s) : Promise.resolve([]),
    opts.roles
      ? scanRoles(
          s,
          concurrency,
          opts.verdicts ?? {},
          now,
          opts.withPolicies ?? false,
          opts.expectedRoles ?? [],
        )
      : Promise.resolve(undefined),
    Promise.all(
      opts.appIds.map(async (appId) => [appId, await listAssignmentsIfInstalled(s, appId)] as const),
    ),
  ]);
  return {
    providers,
    federatedRoles: roleScan?.federated ?? [],
    assignments: Object.fromEntries(assignments),
    verdicts: roleScan?.verdicts ?? {},
    roleCount: roleScan?.count ?? 0,
    rolesRead: roleScan?.read ?? 0,
  };
}

async function listAssignmentsIfInstalled(s: Session, appId: string): Promise<ScannedAssignment[]> {
  try {
    return await apps.listApplicationAssignments(s, appId);
  } catch (err) {
    // Not installed in this account: nobody can log in through it.
    if (hasCodePrefix(err, "EntityNotExist")) return [];
    throw err;
  }
}

async function scanRoles(
  s: Session,
  concurrency: number,
  previous: RoleVerdicts,
  now: number,
  withPolicies: boolean,
  expected: readonly string[],
): Promise<{ federated: ScannedRole[]; verdicts: RoleVerdicts; count: number; read: number }> {
  // Read alongside the list: at most one slot short of the concurrency, the list taking the last.
  const early = new Map<string, Promise<ram.RoleRecord | undefined>>();
  for (const name of expected) {
    const key = name.toLowerCase();
    if (early.size >= concurrency - 1 || previous[key] !== undefined || early.has(key)) continue;
    const read = ram.getRole(s, name).catch(() => undefined);
    early.set(key, read);
  }
  const all = await ram.listRoles(s);
  const verdicts: RoleVerdicts = {};
  const toRead: ram.RoleSummary[] = [];
  for (const r of all) {
    const key = r.roleName.toLowerCase();
    const updated = Date.parse(r.updateDate);
    const settled = Number.isFinite(updated) && now - updated > VERDICT_MIN_AGE_MS;
    const kept = settled ? reusable(previous[key], r, now) : undefined;
    if (kept !== undefined) verdicts[key] = kept;
    else toRead.push(r);
  }
  // The early reads first, so that waiting for them takes the slots they already hold.
  const isEarly = (r: ram.RoleSummary) => early.has(r.roleName.toLowerCase());
  const order = [...toRead.filter(isEarly), ...toRead.filter((r) => !isEarly(r))];
  // GetRole, then (federated roles, when asked) ListPoliciesForRole in the same slot: one pipeline.
  const readOne = async (summary: ram.RoleSummary) => {
    try {
      // An early read counts only if the list shows the very same version of the role. UpdateDate
      // has whole seconds: an edit in the same second as the read goes unseen by this scan, as an
      // edit just after a read made after the list would; no verdict is kept for a role that
      // young (VERDICT_MIN_AGE_MS), so the next scan reads it again.
      const seen = await early.get(summary.roleName.toLowerCase());
      const same = seen?.roleId === summary.roleId && seen.updateDate === summary.updateDate;
      const role = seen && same ? seen : await ram.getRole(s, summary.roleName);
      const trust = summarizeFederatedTrust(role.assumeRolePolicyDocument);
      const policies =
        withPolicies && trust.federated ? await ram.listPoliciesForRole(s, role.roleName) : undefined;
      return { role, trust, policies };
    } catch (err) {
      // Deleted between the list and the read: it trusts nothing any more.
      if (hasCodePrefix(err, "EntityNotExist")) return undefined;
      throw err;
    }
  };
  const results = await mapLimit(order, concurrency, readOne);
  const bySummary = new Map(order.map((summary, i) => [summary, results[i]]));
  const read = toRead.map((summary) => bySummary.get(summary));
  const federated: ScannedRole[] = [];
  read.forEach((hit, i) => {
    if (!hit) return;
    const { role, trust, policies } = hit;
    const summary = toRead[i] as ram.RoleSummary;
    if (trust.federated) {
      federated.push({
        roleName: role.roleName,
        roleId: role.roleId,
        arn: role.arn,
        updateDate: role.updateDate,
        trustPolicy: role.assumeRolePolicyDocument,
        trust,
        ...(policies ? { policies } : {}),
      });
    } else {
      const updated = Date.parse(role.updateDate || summary.updateDate);
      if (Number.isFinite(updated) && now - updated > VERDICT_MIN_AGE_MS)
        verdicts[role.roleName.toLowerCase()] = `${verdictOf({
          roleId: role.roleId || summary.roleId,
          updateDate: role.updateDate || summary.updateDate,
        })}@${now}`;
    }
  });
  federated.sort((a, b) => a.roleName.localeCompare(b.roleName));
  return { federated, verdicts, count: all.length, read: toRead.length };
}

/** The names a user assignment is compared by: RAM user names are unique in an account, whatever the domain. */
export function assignmentKey(principalType: string, principalName: string): string {
  const name = principalName.toLowerCase();
  return `${principalType.toLowerCase()}:${principalType.toLowerCase() === "user" ? (name.split("@")[0] ?? name) : name}`;
}
