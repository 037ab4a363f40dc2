/**
 * RAM permission policies (the ones attached to roles), and the evaluator the emulator uses to
 * scope STS credentials: may the caller run `<namespace>:<Action>`?
 *
 * Semantics modelled (RAM policy grammar, https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements):
 * - an explicit Deny that matches wins; else a matching Allow allows; else implicit deny;
 * - `Action` is a string or a list; `*` matches any run of characters and `?` one, case-insensitive
 *   (`ram:Get*`, `oss:*`, `*`);
 * - `NotAction` is honoured (matches every action the list does not cover).
 *
 * Not modelled, on purpose (documented in emulator/README.md): `Resource`/`NotResource` are
 * treated as `*` (the emulator has no resource ARNs per call), and `Condition` blocks are treated
 * as holding. Both widen what a statement matches: an Allow may allow more than in production, a
 * Deny may deny more.
 */

import { noPermission } from "./errors";
import { globMatch } from "./glob";

export interface PermissionStatement {
  effect: "Allow" | "Deny";
  /** Lower-cased patterns; exactly one of actions / notActions is set. */
  actions?: string[];
  notActions?: string[];
}

export interface PermissionPolicy {
  version: string;
  statements: PermissionStatement[];
}

export class PermissionPolicyError extends Error {}

function field(obj: Record<string, unknown>, name: string): unknown {
  const hit = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : obj[hit];
}

function strings(value: unknown, where: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string"))
    return value as string[];
  throw new PermissionPolicyError(`${where} must be a string or a non-empty list of strings`);
}

const ACTION_RE = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;

/** Parses a permission policy document; throws PermissionPolicyError with the reason. */
export function parsePermissionPolicy(doc: string): PermissionPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(doc);
  } catch (e) {
    throw new PermissionPolicyError(`not JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new PermissionPolicyError("the document must be an object");
  const root = raw as Record<string, unknown>;
  const version = field(root, "Version");
  if (version !== undefined && version !== "1") throw new PermissionPolicyError('Version must be "1"');
  const st = field(root, "Statement");
  if (st === undefined) throw new PermissionPolicyError("Statement is required");
  const list = Array.isArray(st) ? st : [st];
  if (list.length === 0) throw new PermissionPolicyError("Statement must not be empty");
  const statements = list.map((s, i): PermissionStatement => {
    const where = `Statement[${i}]`;
    if (!s || typeof s !== "object" || Array.isArray(s))
      throw new PermissionPolicyError(`${where} must be an object`);
    const o = s as Record<string, unknown>;
    const effect = field(o, "Effect");
    if (effect !== "Allow" && effect !== "Deny")
      throw new PermissionPolicyError(`${where}.Effect must be Allow or Deny`);
    const action = field(o, "Action");
    const notAction = field(o, "NotAction");
    if ((action === undefined) === (notAction === undefined)) {
      throw new PermissionPolicyError(`${where} must have exactly one of Action and NotAction`);
    }
    const key = action === undefined ? "NotAction" : "Action";
    const patterns = strings(action ?? notAction, `${where}.${key}`);
    for (const p of patterns) {
      if (!ACTION_RE.test(p)) throw new PermissionPolicyError(`${where}.${key} has an invalid action: ${p}`);
    }
    const lower = patterns.map((p) => p.toLowerCase());
    return action === undefined ? { effect, notActions: lower } : { effect, actions: lower };
  });
  return { version: "1", statements };
}

function covers(st: PermissionStatement, action: string): boolean {
  const a = action.toLowerCase();
  if (st.actions) return st.actions.some((p) => globMatch(p, a));
  return !(st.notActions ?? []).some((p) => globMatch(p, a));
}

export interface PermissionDecision {
  allowed: boolean;
  /** "ExplicitDeny" or "ImplicitDeny" when refused (AccessDeniedDetail.NoPermissionType). */
  denial?: "ExplicitDeny" | "ImplicitDeny";
  reason: string;
}

/** Evaluates named policies for one action. */
export function evaluatePermission(
  policies: ReadonlyArray<{ name: string; policy: PermissionPolicy }>,
  action: string,
): PermissionDecision {
  for (const { name, policy } of policies) {
    if (policy.statements.some((st) => st.effect === "Deny" && covers(st, action))) {
      return { allowed: false, denial: "ExplicitDeny", reason: `policy ${name} explicitly denies ${action}` };
    }
  }
  for (const { name, policy } of policies) {
    if (policy.statements.some((st) => st.effect === "Allow" && covers(st, action))) {
      return { allowed: true, reason: `policy ${name} allows ${action}` };
    }
  }
  const names = policies.map((p) => p.name);
  return {
    allowed: false,
    denial: "ImplicitDeny",
    reason:
      names.length === 0
        ? `no policy is attached, so nothing allows ${action}`
        : `none of the policies [${names.join(", ")}] allows ${action}`,
  };
}

/** What the scoping needs from the RAM state. */
export interface RoleLookup {
  findRoleByArn(arn: string): { roleName: string } | undefined;
  rolePermissionPolicies(roleName: string): Array<{ name: string; policy: PermissionPolicy }>;
}

/**
 * The resource a RAM or IMS request acts on, as RAM's authorization names it
 * (`acs:ram::<account>:role/<name>`, `oidc-provider/<name>`, `policy/<name>`, `user/<name>`; the
 * RAM API pages' "Resource type" column), for the NoPermission message; `*` for the rest.
 */
export function requestResource(accountId: string, params: Record<string, string>): string {
  const named: Array<[string, string]> = [
    ["RoleName", "role"],
    ["OIDCProviderName", "oidc-provider"],
    ["PolicyName", "policy"],
    ["UserName", "user"],
  ];
  for (const [param, kind] of named) {
    const name = params[param];
    if (name) return `acs:ram::${accountId}:${kind}/${kind === "role" ? name.toLowerCase() : name}`;
  }
  return "*";
}

/**
 * Scoping of a verified caller. The account's own key (principal `acs:ram::<uid>:root`) may do
 * anything, and so may unscoped STS credentials (minted by the control route, not by STS). STS credentials minted for a role may run `<namespace>:<Action>` only when the role's
 * attached policies allow it, and, when the credentials carry a session `Policy`, that policy
 * allows it too (the intersection). Anything else is refused with 403 NoPermission.
 */
export function authorizeCaller(
  ram: RoleLookup,
  accountId: string,
  caller: { principal: string; kind: string; sessionPolicy?: string; scoped?: boolean },
  action: string,
  resource = "*",
): void {
  if (caller.principal === `acs:ram::${accountId}:root` || !caller.scoped) return;
  const role = ram.findRoleByArn(caller.principal);
  const refuse = (decision: PermissionDecision, policyType: string) =>
    noPermission({
      authAction: action,
      principal: caller.principal,
      principalType: caller.kind === "sts" ? "AssumedRoleUser" : "SubUser",
      accountId,
      noPermissionType: decision.denial ?? "ImplicitDeny",
      policyType,
      reason: decision.reason,
      resource,
    });
  if (!role) {
    throw refuse(
      { allowed: false, denial: "ImplicitDeny", reason: `${caller.principal} is not a role of this account` },
      "AccountLevelIdentityBasedPolicy",
    );
  }
  const decision = evaluatePermission(ram.rolePermissionPolicies(role.roleName), action);
  if (!decision.allowed) throw refuse(decision, "AccountLevelIdentityBasedPolicy");
  if (caller.sessionPolicy !== undefined) {
    const session = evaluatePermission(
      [{ name: "session policy", policy: parsePermissionPolicy(caller.sessionPolicy) }],
      action,
    );
    if (!session.allowed) throw refuse(session, "SessionPolicy");
  }
}
