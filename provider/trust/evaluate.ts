/**
 * Offline evaluation of a role's trust policy for an OIDC token: would
 * `AssumeRoleWithOIDC` with these claims be allowed, and if not, why not.
 *
 * The emulator's STS calls this same function, so what the simulator answers
 * is what the emulated service does.
 *
 * Semantics (RAM's, as documented for policies, and AWS's where RAM is silent):
 * - an explicit Deny that matches wins; otherwise any matching Allow allows;
 *   otherwise the request is implicitly denied;
 * - a statement matches when its action covers the requested one, its
 *   Federated principal names the provider, and every condition holds;
 * - within a condition block, keys are ANDed and a key's values are ORed;
 * - a multi-valued claim (an `aud` array) satisfies a positive operator when
 *   any of its values matches, a negated one when none does;
 * - a claim the token lacks fails positive operators and satisfies negated ones.
 */
import { parseTrustPolicy, type TrustPolicy, type TrustStatement } from "./policy";

/** The OIDC claims the trust conditions can see. */
export interface OidcClaims {
  iss?: string;
  aud?: string | string[];
  sub?: string;
  [claim: string]: unknown;
}

export interface TrustRequest {
  /** The role's trust policy: text as stored by RAM, or a parsed model. */
  policy: string | TrustPolicy;
  /** The OIDC provider the token is presented through. */
  providerArn: string;
  claims: OidcClaims;
  /** Default `sts:AssumeRole`; `sts:AssumeRoleWithOIDC` in a policy is accepted as the same. */
  action?: string;
}

export interface TrustDecision {
  allowed: boolean;
  /** One line for a person: which statement allowed it, or why none did. */
  reason: string;
  /** Index (in canonical order) of the deciding statement, when one decided. */
  statement?: number;
  /** For each Allow statement that did not match, why. */
  misses: string[];
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function stringLike(pattern: string, value: string): boolean {
  let re = "^";
  for (const ch of pattern) {
    if (ch === "*") re += "[\\s\\S]*";
    else if (ch === "?") re += "[\\s\\S]";
    else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`${re}$`).test(value);
}

// Actions a trust statement may name for OIDC role assumption. The official
// examples write sts:AssumeRole; some community policies write the API name.
const ASSUME_ALIASES = new Set(["sts:assumerole", "sts:assumerolewithoidc"]);

function actionCovers(pattern: string, requested: string): boolean {
  const p = pattern.toLowerCase();
  const r = requested.toLowerCase();
  if (ASSUME_ALIASES.has(p) && ASSUME_ALIASES.has(r)) return true;
  return stringLike(p, r);
}

function claimValues(claims: OidcClaims, key: string): string[] | undefined {
  // Condition keys are `oidc:<claim>`; other namespaces never match here.
  if (!key.startsWith("oidc:")) return undefined;
  const v = claims[key.slice(5)];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

const quote = (v: string[]) => (v.length === 1 ? `'${v[0]}'` : `[${v.map((x) => `'${x}'`).join(", ")}]`);

/** Why a condition fails, or undefined when it holds. */
function conditionMiss(op: string, key: string, accepted: string[], claims: OidcClaims): string | undefined {
  const actual = claimValues(claims, key);
  const negated = op === "StringNotEquals" || op === "StringNotLike";
  const like = op === "StringLike" || op === "StringNotLike";
  if (!["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"].includes(op)) {
    return `${op} on ${key} is an operator this evaluator does not support, so it never holds`;
  }
  if (actual === undefined)
    return negated ? undefined : `the token has no ${key.slice(5)} claim (${op} ${key})`;
  const hit = actual.some((a) => accepted.some((p) => (like ? stringLike(p, a) : p === a)));
  if (negated) return hit ? `${key} ${quote(actual)} is excluded by ${op} ${quote(accepted)}` : undefined;
  return hit ? undefined : `${key} ${quote(actual)} does not match ${op} ${quote(accepted)}`;
}

/** Why a statement does not match the request, or undefined when it does. */
function statementMiss(
  st: TrustStatement,
  req: Required<Pick<TrustRequest, "providerArn" | "action">> & TrustRequest,
): string | undefined {
  if (!st.actions.some((a) => actionCovers(a, req.action)))
    return `its actions ${quote(st.actions)} do not cover ${req.action}`;
  if (!st.principals.federated.includes(req.providerArn))
    return st.principals.federated.length === 0
      ? "it trusts no OIDC provider (no Federated principal)"
      : `it trusts ${quote(st.principals.federated)}, not ${req.providerArn}`;
  for (const [op, keys] of Object.entries(st.conditions)) {
    for (const [key, accepted] of Object.entries(keys)) {
      const miss = conditionMiss(op, key, accepted, req.claims);
      if (miss) return miss;
    }
  }
  return undefined;
}

/** Would a token with these claims be allowed to assume the role? And why (not)? */
export function evaluateTrust(request: TrustRequest): TrustDecision {
  const policy = typeof request.policy === "string" ? parseTrustPolicy(request.policy) : request.policy;
  const req = { ...request, action: request.action ?? "sts:AssumeRole" };
  const misses: string[] = [];
  for (const [i, st] of policy.statements.entries()) {
    if (st.effect === "Deny" && statementMiss(st, req) === undefined) {
      return { allowed: false, reason: `statement ${i + 1} explicitly denies it`, statement: i, misses };
    }
  }
  for (const [i, st] of policy.statements.entries()) {
    if (st.effect !== "Allow") continue;
    const miss = statementMiss(st, req);
    if (miss === undefined)
      return { allowed: true, reason: `statement ${i + 1} allows it`, statement: i, misses };
    misses.push(`statement ${i + 1}: ${miss}`);
  }
  const reason =
    misses.length === 0
      ? "no statement allows it (the policy has no Allow statement)"
      : `no statement allows it: ${misses.join("; ")}`;
  return { allowed: false, reason, misses };
}
