/**
 * What a role's trust policy admits through federation: for each Allow
 * statement naming a Federated principal (an OIDC or SAML provider), the
 * issuers, audiences and subjects its conditions accept. Used to name shadow
 * trust (`FederationInventory`) and to print the account's trust map
 * (`trustReport`); `evaluateTrust` then checks concrete tokens against it.
 *
 * Fail safe: a document this parser refuses, or a condition it cannot reduce
 * to lists, makes the summary `determined: false` with the reason, never a
 * narrower answer than the policy gives.
 *
 * Grammar: https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
 * OIDC keys: https://www.alibabacloud.com/help/en/ram/user-guide/create-a-ram-role-for-a-trusted-idp
 */
import { partPlace, stringLike, undecidableParts } from "./evaluate";
import { parseTrustPolicy, type TrustPolicy, type TrustStatement } from "./policy";
import { type AnyWorkload, admitsAnyWorkload } from "./subjects";

/** Exact values and `*`/`?` patterns a claim must match; both empty means any value. */
export interface ClaimMatch {
  equals: string[];
  like: string[];
}

/** One Allow statement's federated grant. Every non-empty list must be matched (lists are ANDed, values ORed). */
export interface FederatedGrant {
  /** The Federated principal as written: `acs:ram::<account>:oidc-provider/<name>`, `...:saml-provider/<name>`. */
  principal: string;
  kind: "oidc" | "saml" | "other";
  /** `oidc:iss` values (StringEquals); empty: any issuer the provider accepts. */
  issuers: string[];
  audiences: ClaimMatch;
  subjects: ClaimMatch;
  /** No `oidc:sub` condition, or a pattern every subject matches. */
  anySubject: boolean;
  /** Conditions not reduced to the lists above, as `Operator key [values]`: they narrow the grant further. */
  otherConditions: string[];
  /** 1-based position of the statement in canonical order. */
  statement: number;
}

export interface FederatedTrustSummary {
  /** True when some Allow statement names a Federated principal (or the document could not be read). */
  federated: boolean;
  /** False when the summary may admit less than the policy does: see `problems`. */
  determined: boolean;
  problems: string[];
  grants: FederatedGrant[];
  /** Deny statements naming a Federated principal: they take away from the grants. */
  denyStatements: number;
}

const OIDC_ARN = /^acs:ram::\d*:oidc-provider\/.+$/;
const SAML_ARN = /^acs:ram::\d*:saml-provider\/.+$/;

/** Does every string match this pattern? (`*`, `**`, ... or any run of `*` and `?` that starts with `*`.) */
const matchesEverything = (p: string) => p !== "" && /^[*]+$/.test(p);

function grantOf(st: TrustStatement, principal: string, index: number): FederatedGrant {
  const grant: FederatedGrant = {
    principal,
    kind: OIDC_ARN.test(principal) ? "oidc" : SAML_ARN.test(principal) ? "saml" : "other",
    issuers: [],
    audiences: { equals: [], like: [] },
    subjects: { equals: [], like: [] },
    anySubject: true,
    otherConditions: [],
    statement: index + 1,
  };
  for (const [op, keys] of Object.entries(st.conditions)) {
    for (const [key, raw] of Object.entries(keys)) {
      // Values of another type are what `undecidableParts` reports; as text they still name the grant.
      const values = raw.map(String);
      if (op === "StringEquals" && key === "oidc:iss") grant.issuers.push(...values);
      else if (op === "StringEquals" && key === "oidc:aud") grant.audiences.equals.push(...values);
      else if (op === "StringLike" && key === "oidc:aud") grant.audiences.like.push(...values);
      else if (op === "StringEquals" && key === "oidc:sub") grant.subjects.equals.push(...values);
      else if (op === "StringLike" && key === "oidc:sub") grant.subjects.like.push(...values);
      else grant.otherConditions.push(`${op} ${key} [${values.join(", ")}]`);
    }
  }
  const subs = grant.subjects;
  grant.anySubject =
    (subs.equals.length === 0 && subs.like.length === 0) ||
    (subs.equals.length === 0 && subs.like.some(matchesEverything));
  return grant;
}

/**
 * The grants of `trust` whose principal names one of `providerArns` only in other case: whether RAM
 * compares a provider ARN ignoring case is not documented, so each is a problem (undetermined), and
 * a reader looks the provider up ignoring case (`arnKey`).
 */
export function caseOnlyArnProblems(trust: FederatedTrustSummary, providerArns: readonly string[]): string[] {
  const exact = new Set(providerArns);
  const byKey = new Map(providerArns.map((a) => [arnKey(a), a]));
  return trust.grants.flatMap((g) => {
    const arn = byKey.get(arnKey(g.principal));
    return arn !== undefined && !exact.has(g.principal)
      ? [
          `statement ${g.statement}: it trusts ${g.principal}, which differs from the provider ${arn} only in case`,
        ]
      : [];
  });
}

/** How a provider is looked up by the ARN a grant names: ignoring case (see caseOnlyArnProblems). */
export const arnKey = (arn: string): string => arn.toLowerCase();

/** Summarizes what a trust policy (text as RAM stores it, or parsed) admits through federation. */
export function summarizeFederatedTrust(doc: string | TrustPolicy): FederatedTrustSummary {
  let policy: TrustPolicy;
  try {
    policy = typeof doc === "string" ? parseTrustPolicy(doc) : doc;
  } catch (err) {
    // Unreadable: it may trust anything, so it is counted as federated and undetermined.
    return {
      federated: true,
      determined: false,
      problems: [`the trust policy could not be read (${(err as Error).message})`],
      grants: [],
      denyStatements: 0,
    };
  }
  const grants: FederatedGrant[] = [];
  // Whatever the evaluator cannot decide (undocumented operators or keys, values it cannot read,
  // wildcard principals, elements outside the model) makes the summary undetermined.
  const problems: string[] = undecidableParts(policy).map(
    (p) => `${partPlace(p)}${p.operator ? ` (${p.operator} ${p.key})` : ""}: ${p.reason}`,
  );
  let denyStatements = 0;
  policy.statements.forEach((st, i) => {
    if (st.principals.federated.length === 0) return;
    if (st.effect === "Deny") {
      denyStatements++;
      return;
    }
    for (const principal of st.principals.federated) grants.push(grantOf(st, principal, i));
  });
  // A statement whose principals cannot be read (NotPrincipal, a principal kind RAM does not
  // document) may admit an OIDC token too: counted as federated, so that the inventory reads it at
  // every scan and the report lists it as undetermined, rather than both leaving it out.
  const openPrincipal = policy.statements.some(
    (st) =>
      st.effect === "Allow" &&
      (st.principals.other !== undefined ||
        Object.keys(st.other ?? {}).some((k) => k.toLowerCase() === "notprincipal")),
  );
  return {
    // A document member outside the model may change anything: read at every scan too.
    federated: grants.length > 0 || openPrincipal || policy.other !== undefined,
    determined: problems.length === 0,
    problems,
    grants,
    denyStatements,
  };
}

/** Does a concrete value pass a claim match (empty match: any value)? */
export function claimAdmits(match: ClaimMatch, value: string): boolean {
  if (match.equals.length === 0 && match.like.length === 0) return true;
  return match.equals.includes(value) || match.like.some((p) => stringLike(p, value));
}

/**
 * Whether a grant admits any workload of its issuer (the one definition, `admitsAnyWorkload`):
 * its own `oidc:iss` values pick the issuer's grammar, else the provider's issuer when known.
 */
export function grantAdmitsAnyWorkload(g: FederatedGrant, providerIssuer?: string): AnyWorkload | undefined {
  return admitsAnyWorkload(g.subjects, g.issuers.length > 0 ? g.issuers : providerIssuer);
}

/**
 * One line for a person: what a grant admits. A grant that does not pin one workload says so in
 * the issuer's words (`ANY repository`, `ANY project`, `ANY service account`, `ANY subject`).
 */
export function describeGrant(g: FederatedGrant, providerIssuer?: string): string {
  const parts = [
    g.issuers.length === 0 ? "any issuer" : `issuer ${g.issuers.map((v) => `'${v}'`).join(" or ")}`,
    list(g.audiences, "audience"),
    subjectsText(g, providerIssuer),
    ...g.otherConditions.map((c) => `and ${c}`),
  ];
  return `${g.principal}: ${parts.join(", ")}`;
}

function list(m: ClaimMatch, what: string): string {
  const parts = [...m.equals.map((v) => `'${v}'`), ...m.like.map((v) => `like '${v}'`)];
  return parts.length === 0 ? `any ${what}` : `${what} ${parts.join(" or ")}`;
}

function subjectsText(g: FederatedGrant, providerIssuer: string | undefined): string {
  const any = grantAdmitsAnyWorkload(g, providerIssuer);
  const loud = any === undefined ? undefined : `ANY ${any.words.slice("any ".length)}`;
  if (g.anySubject || g.subjects.equals.length + g.subjects.like.length === 0) return loud ?? "ANY subject";
  const text = list(g.subjects, "subject");
  return loud === undefined ? text : `${text} (${loud}: it does not pin one workload)`;
}
