/**
 * Self-change safety: a pipeline that deploys with a role (the OIDC credential chain's
 * `ALIBABA_CLOUD_ROLE_ARN`) may also manage that role. A change to its trust or its policies can
 * then lock the next run out: a trust that no longer admits this run's token, or a policy that no
 * longer allows an action of the least-privilege table the role had. `OidcRole`'s check refuses
 * such a change at preview, naming what the next run would lose, unless `allowSelfLockout: true`.
 *
 * No API call: the trust simulator (`evaluateTrust`) judges this run's token against the new trust
 * policy, and the policy documents the stack declares (`RamPolicy`) are judged against the table.
 * What cannot be judged offline (a system policy's document, an unreadable token file) is refused
 * as undetermined: fail safe.
 */
import { readFileSync } from "node:fs";
import { allowedActions, tableActions } from "./permissions";
import { evaluateTrust, type OidcClaims } from "./trust/evaluate";
import type { CheckFailure } from "./validation";

/** The parts of an `OidcRole`'s checked inputs this check reads. */
export interface RoleSide {
  roleName?: unknown;
  providerArn?: unknown;
  arn?: unknown;
  trustPolicy?: unknown;
  policies?: unknown;
  /** `Custom:<name>` → document, for the attached `RamPolicy`s (the only documents known offline). */
  policyDocuments?: unknown;
}

const ACCOUNT = /^acs:ram::(\d+):/;

/** The role's ARN as RAM writes it (the name lower-cased), from its recorded ARN or its provider's account. */
function roleArnOf(side: RoleSide): string | undefined {
  if (typeof side.arn === "string" && side.arn !== "") return side.arn.toLowerCase();
  const account = typeof side.providerArn === "string" ? ACCOUNT.exec(side.providerArn)?.[1] : undefined;
  return account && typeof side.roleName === "string"
    ? `acs:ram::${account}:role/${side.roleName.toLowerCase()}`
    : undefined;
}

/** The claims of a JWT, unverified (STS verifies; here only the subject and issuer are compared). */
export function jwtClaims(token: string): OidcClaims | undefined {
  const payload = token.trim().split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    return claims && typeof claims === "object" ? (claims as OidcClaims) : undefined;
  } catch {
    return undefined;
  }
}

const keys = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((p) => `${(p as { type?: string }).type}:${(p as { name?: string }).name}`) : [];
const docs = (v: unknown): Record<string, string> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};

/**
 * What this change would take from the next run of the pipeline deploying with this very role;
 * empty when the role is not the one in use (`env.ALIBABA_CLOUD_ROLE_ARN`) or nothing is lost.
 */
export function selfLockoutFailures(olds: RoleSide, news: RoleSide, env = process.env): CheckFailure[] {
  const inUse = env.ALIBABA_CLOUD_ROLE_ARN?.toLowerCase();
  const arn = roleArnOf({ ...news, arn: olds.arn });
  if (!inUse || !arn || inUse !== arn || typeof olds.trustPolicy !== "string" || olds.trustPolicy === "")
    return [];
  // What to do comes first: the role's ARN, a subject and a list of actions follow, of any length.
  const advice =
    "set allowSelfLockout: true if that is intended (then hand over with another identity first)";
  const lead = (what: string) =>
    `${what} (${advice}): this stack deploys with this role (${env.ALIBABA_CLOUD_ROLE_ARN}), and`;
  const failures: CheckFailure[] = [];

  if (typeof news.trustPolicy === "string" && news.trustPolicy !== olds.trustPolicy) {
    const file = env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
    let claims: OidcClaims | undefined;
    try {
      claims = file ? jwtClaims(readFileSync(file, "utf8")) : undefined;
    } catch {
      claims = undefined;
    }
    const providerArn = env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN ?? String(news.providerArn ?? "");
    if (!claims) {
      failures.push({
        property: "subjects",
        reason:
          `${lead("may lock this stack out of its own role")} its trust changes, but whether the next run ` +
          `could still assume it cannot be told: no readable OIDC token in ALIBABA_CLOUD_OIDC_TOKEN_FILE (${file ?? "unset"})`,
      });
    } else {
      const before = evaluateTrust({ policy: olds.trustPolicy, providerArn, claims });
      const after = evaluateTrust({ policy: news.trustPolicy, providerArn, claims });
      if (before.allowed && !after.allowed)
        failures.push({
          property: "subjects",
          reason:
            `${lead("locks this stack out of its own role")} after this change the next run, whose token ` +
            `says sub '${String(claims.sub)}', could no longer assume it (${after.outcome === "undetermined" ? "undetermined" : "refused"}: ` +
            `${after.reason})`,
        });
    }
  }

  const oldKeys = keys(olds.policies);
  const newKeys = keys(news.policies);
  const oldDocs = docs(olds.policyDocuments);
  const newDocs = docs(news.policyDocuments);
  const changed = oldKeys.filter((k) => !newKeys.includes(k) || (oldDocs[k] ?? "") !== (newDocs[k] ?? ""));
  if (changed.length > 0 && Array.isArray(news.policies)) {
    const unknown = changed.filter((k) => oldDocs[k] === undefined);
    if (unknown.length > 0)
      failures.push({
        property: "policies",
        reason:
          `${lead("may take from this stack what its own role lets it do")} ${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} ` +
          "removed, whose document is not known offline, so what the next run would lose cannot be told",
      });
    const all = tableActions();
    const before = allowedActions(
      oldKeys.map((k) => oldDocs[k] ?? ""),
      all,
    );
    const after = allowedActions(
      newKeys.map((k) => newDocs[k] ?? ""),
      all,
    );
    const lost = [...before].filter((a) => !after.has(a)).sort();
    if (lost.length > 0)
      failures.push({
        property: "policies",
        reason:
          `${lead("takes from this stack what its own role lets it do")} after this change the next run could no longer call ` +
          `${lost.join(", ")}`,
      });
  }
  return failures;
}
