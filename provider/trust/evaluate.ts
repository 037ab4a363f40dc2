/**
 * Offline evaluation of a role's trust policy for an OIDC token: would `AssumeRoleWithOIDC` with
 * these claims be allowed, and if not, why not. Three answers besides "allowed": an explicit
 * deny, an implicit deny, and `undetermined` — a construct this evaluator cannot decide. An
 * undetermined policy is never reported as allowed.
 *
 * The emulator's STS has its own evaluator, written separately from the same documentation;
 * `test/unit/trust-differential.test.ts` holds both to the same table and to random policies.
 *
 * Documented semantics (https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements,
 * https://www.alibabacloud.com/help/en/ram/conditional-operator):
 * - an explicit Deny that matches wins over any Allow; no matching Allow is an implicit deny;
 * - a statement matches when its Action covers the request, its Federated principal names the
 *   provider, and every condition holds: operators and keys are ANDed, a key's values ORed;
 * - the 21 operators of the five families: String (incl. IgnoreCase), Numeric, Date, Bool, IP.
 *
 * Where RAM's pages are silent the choice fails safe (undetermined); the list is in
 * docs/trust-evaluation.md, and the emulator's README carries the same one.
 */
import {
  AmbiguousPolicyError,
  type ConditionValue,
  parseTrustPolicy,
  type TrustPolicy,
  type TrustStatement,
} from "./policy";
import { type AnyWorkload, admitsAnyWorkload } from "./subjects";

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
  /** Default `sts:AssumeRole`, the action STS authorizes for AssumeRoleWithOIDC. */
  action?: string;
}

/** The four outcomes; only `allowed` lets the token in. */
export type TrustOutcome = "allowed" | "explicitDeny" | "implicitDeny" | "undetermined";

/** What could not be decided, and where. */
export interface UndeterminedPart {
  /** 1-based, in the canonical statement order; 0 for the document itself (a member beside Version and Statement). */
  statement: number;
  /** The operator, when a condition is the cause. */
  operator?: string;
  /** The condition key, when a condition is the cause. */
  key?: string;
  reason: string;
}

export interface TrustDecision {
  /** True only for `outcome: "allowed"`. */
  allowed: boolean;
  outcome: TrustOutcome;
  /** One line for a person: which statement decided, or why none did. */
  reason: string;
  /** Index (in canonical order) of the deciding statement, when one decided. */
  statement?: number;
  /** For each Allow statement that did not match, why. */
  misses: string[];
  /** For `undetermined`: the part that could not be decided. */
  undetermined?: UndeterminedPart;
  /**
   * For `allowed`: set when the deciding statement does not pin one workload of the issuer
   * (`admitsAnyWorkload`): this token got in, and so would any repository's, project's, ...
   */
  anyWorkload?: AnyWorkload;
}

/** An object's own entry, never an inherited member (`constructor`, `__proto__`, `toString`...). */
function ownEntry<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

// ---- wildcards -----------------------------------------------------------------------------------

/**
 * `*` any run of characters (none included), `?` exactly one code point, everything else literal.
 *
 * No regular expression: the pattern is cut at its stars into literal pieces (with `?`); the
 * first piece must start the text, the last must end it, and each middle piece is taken at its
 * leftmost place after the previous one (leftmost is never worse for the pieces after it). The
 * text position only moves forward, so the work is bounded by pattern length x text length
 * whatever the input; `meter.steps` counts character comparisons for the tests that prove it.
 */
export function stringLike(pattern: string, value: string, meter?: { steps: number }): boolean {
  const text = Array.from(value);
  const pieces = pattern.split("*").map((p) => Array.from(p));
  const at = (piece: string[], pos: number) => {
    if (pos + piece.length > text.length) return false;
    for (let i = 0; i < piece.length; i++) {
      if (meter) meter.steps++;
      if (piece[i] !== "?" && piece[i] !== text[pos + i]) return false;
    }
    return true;
  };
  const first = pieces[0] as string[];
  if (pieces.length === 1) return first.length === text.length && at(first, 0);
  const last = pieces[pieces.length - 1] as string[];
  if (first.length + last.length > text.length) return false;
  if (!at(first, 0) || !at(last, text.length - last.length)) return false;
  let pos = first.length;
  const end = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    let found = -1;
    for (let start = pos; start + piece.length <= end; start++) {
      if (meter) meter.steps++;
      if (at(piece, start)) {
        found = start;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + piece.length;
  }
  return true;
}

// ---- operator families ---------------------------------------------------------------------------

/** Whether one claim value and one policy value satisfy the positive form; undefined = cannot tell. */
type Test = (claim: unknown, value: ConditionValue) => boolean | undefined;

function numberOf(v: unknown): number | undefined {
  const n =
    typeof v === "number"
      ? v
      : typeof v === "string" && /^-?(0|[1-9]\d*)(\.\d+)?$/.test(v)
        ? Number.parseFloat(v)
        : Number.NaN;
  // Doubles cannot tell apart integers beyond 2^53: such a comparison is not decided.
  return Number.isFinite(n) && Number.isSafeInteger(Math.trunc(n)) ? n : undefined;
}

const ISO_INSTANT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?(?:(Z)|([+-])(\d\d):(\d\d))$/;

function instantOf(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = ISO_INSTANT.exec(v);
  if (!m) return undefined;
  const n = m.map((x) => (x === undefined ? 0 : Number(x)));
  const [, y, mo, d, h, mi, s] = n as [number, number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
  // setUTCFullYear, not Date.UTC: the latter reads years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(y, mo - 1, d);
  check.setUTCHours(h, mi, s, ms);
  const local = check.getTime();
  // 2023-02-30 rolls over to March; a date that rolls is not a date.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  if (m[8] === "Z") return local;
  const oh = Number(m[10]);
  const om = Number(m[11]);
  if (oh > 23 || om > 59) return undefined;
  return local - (m[9] === "+" ? 1 : -1) * (oh * 60 + om) * 60_000;
}

function boolOf(v: unknown): boolean | undefined {
  return v === true || v === "true" ? true : v === false || v === "false" ? false : undefined;
}

/** IPv4 dotted quad, four decimal octets without leading zeros, as a 32-bit unsigned number. */
function ipOf(v: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (!m) return undefined;
  const octets = m.slice(1).map((o) => (o.length > 1 && o.startsWith("0") ? 256 : Number(o)));
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function cidrOf(v: unknown): { base: number; bits: number } | undefined {
  if (typeof v !== "string") return undefined;
  const [addr, bits, ...rest] = v.split("/");
  if (rest.length > 0 || addr === undefined) return undefined;
  const base = ipOf(addr);
  if (base === undefined) return undefined;
  if (bits === undefined) return { base, bits: 32 };
  if (!/^(0|[1-9]\d?)$/.test(bits) || Number(bits) > 32) return undefined;
  return { base, bits: Number(bits) };
}

const within = (ip: number, { base, bits }: { base: number; bits: number }) => {
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(base / size);
};

const compareWith =
  <T>(parse: (v: unknown) => T | undefined, cmp: (claim: T, value: T) => boolean): Test =>
  (claim, value) => {
    const c = parse(claim);
    const v = parse(value);
    return c === undefined || v === undefined ? undefined : cmp(c, v);
  };

const strings =
  (cmp: (claim: string, value: string) => boolean | undefined): Test =>
  (claim, value) =>
    typeof claim === "string" && typeof value === "string" ? cmp(claim, value) : undefined;

/** ASCII letters fold; other scripts have no documented folding in RAM, so they are undecided. */
const isAscii = (s: string) => [...s].every((ch) => ch.charCodeAt(0) < 128);
const foldAscii = (s: string) => (isAscii(s) ? s.toLowerCase() : undefined);

const sameIgnoringCase = strings((c, v) => {
  const a = foldAscii(c);
  const b = foldAscii(v);
  return a === undefined || b === undefined ? undefined : a === b;
});

const ipTest: Test = (claim, value) => {
  const ip = typeof claim === "string" ? ipOf(claim) : undefined;
  const range = cidrOf(value);
  return ip === undefined || range === undefined ? undefined : within(ip, range);
};

interface OperatorSpec {
  test: Test;
  /** A negated operator holds when its positive form holds for no pair. */
  negated: boolean;
}

const op = (test: Test, negated = false): OperatorSpec => ({ test, negated });

const exact = strings((c, v) => c === v);
/**
 * What one `?` matches in text outside ASCII (a code point, a UTF-16 unit, a byte) is not
 * documented: a pattern with `?` against such text cannot be decided, whichever way it would go.
 */
const like = strings((c, v) => (v.includes("?") && !isAscii(c) ? undefined : stringLike(v, c)));
const numEq = compareWith(numberOf, (a, b) => a === b);
const dateEq = compareWith(instantOf, (a, b) => a === b);

/**
 * A Map, not an object literal: a name every JavaScript object inherits (`constructor`,
 * `toString`, `__proto__`...) must be unknown here, never an inherited member.
 */
const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map([
  ["StringEquals", op(exact)],
  ["StringNotEquals", op(exact, true)],
  ["StringEqualsIgnoreCase", op(sameIgnoringCase)],
  ["StringNotEqualsIgnoreCase", op(sameIgnoringCase, true)],
  ["StringLike", op(like)],
  ["StringNotLike", op(like, true)],
  ["NumericEquals", op(numEq)],
  ["NumericNotEquals", op(numEq, true)],
  ["NumericLessThan", op(compareWith(numberOf, (a, b) => a < b))],
  ["NumericLessThanEquals", op(compareWith(numberOf, (a, b) => a <= b))],
  ["NumericGreaterThan", op(compareWith(numberOf, (a, b) => a > b))],
  ["NumericGreaterThanEquals", op(compareWith(numberOf, (a, b) => a >= b))],
  ["DateEquals", op(dateEq)],
  ["DateNotEquals", op(dateEq, true)],
  ["DateLessThan", op(compareWith(instantOf, (a, b) => a < b))],
  ["DateLessThanEquals", op(compareWith(instantOf, (a, b) => a <= b))],
  ["DateGreaterThan", op(compareWith(instantOf, (a, b) => a > b))],
  ["DateGreaterThanEquals", op(compareWith(instantOf, (a, b) => a >= b))],
  ["Bool", op(compareWith(boolOf, (a, b) => a === b))],
  ["IpAddress", op(ipTest)],
  ["NotIpAddress", op(ipTest, true)],
]);

/** The condition keys the OIDC role page documents, and the claim each one reads. */
const CLAIM_OF_KEY: ReadonlyMap<string, string> = new Map([
  ["oidc:iss", "iss"],
  ["oidc:aud", "aud"],
  ["oidc:sub", "sub"],
]);

// ---- statements ----------------------------------------------------------------------------------

type Finding =
  | { kind: "holds" }
  | { kind: "fails"; why: string }
  | { kind: "open"; why: string; operator?: string; key?: string };

const HOLDS: Finding = { kind: "holds" };

const quote = (v: readonly unknown[]) =>
  v.length === 1 ? `'${String(v[0])}'` : `[${v.map((x) => `'${String(x)}'`).join(", ")}]`;

function claimList(claims: OidcClaims, claim: string): unknown[] {
  const v = ownEntry(claims, claim);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function checkCondition(
  operator: string,
  key: string,
  accepted: ConditionValue[],
  claims: OidcClaims,
  effect: TrustStatement["effect"],
): Finding {
  const spec = OPERATORS.get(operator);
  const open = (why: string): Finding => ({ kind: "open", why, operator, key });
  if (spec === undefined) return open(`${operator} is not one of RAM's documented condition operators`);
  const claim = CLAIM_OF_KEY.get(key);
  if (claim === undefined)
    return open(`${key} is not a documented OIDC condition key (oidc:iss, oidc:aud, oidc:sub)`);
  if (accepted.length === 0) return open(`${operator} ${key} has no values`);
  const actual = claimList(claims, claim);
  if (actual.length === 0)
    return spec.negated
      ? open(`the token has no ${claim} claim, and RAM does not document ${operator} on a missing key`)
      : { kind: "fails", why: `the token has no ${claim} claim (${operator} ${key})` };
  let anyMatch = false;
  let anyUnknown = false;
  let someValueMisses = false;
  for (const a of actual) {
    let hit = false;
    for (const v of accepted) {
      const r = spec.test(a, v);
      hit ||= r === true;
      anyUnknown ||= r === undefined;
    }
    anyMatch ||= hit;
    someValueMisses ||= !hit;
  }
  const shown = `${key} ${quote(actual)}`;
  // A list claim only some of whose values match: "any value matches" is a guess. It decides
  // nothing where guessing wrong would let a token in: a negated operator, or any in a Deny.
  if (anyMatch && someValueMisses && (spec.negated || effect === "Deny"))
    return open(
      `only some values of ${shown} match ${quote(accepted)}, and RAM does not document how ${operator} reads a list claim`,
    );
  if (anyMatch)
    return spec.negated
      ? { kind: "fails", why: `${shown} is excluded by ${operator} ${quote(accepted)}` }
      : HOLDS;
  if (anyUnknown) return open(`${operator} cannot compare ${shown} with ${quote(accepted)}`);
  return spec.negated
    ? HOLDS
    : { kind: "fails", why: `${shown} does not match ${operator} ${quote(accepted)}` };
}

function checkAction(st: TrustStatement, action: string): Finding {
  const wanted = action.toLowerCase();
  let open: Finding | undefined;
  for (const a of st.actions) {
    const p = a.toLowerCase();
    if (p === "sts:assumerolewithoidc")
      open ??= { kind: "open", why: `${a} is not an action RAM documents for trust policies` };
    else if (stringLike(p, wanted)) return HOLDS;
  }
  return open ?? { kind: "fails", why: `its actions ${quote(st.actions)} do not cover ${action}` };
}

function checkPrincipal(st: TrustStatement, providerArn: string): Finding {
  const fed = st.principals.federated;
  if (fed.includes(providerArn)) return HOLDS;
  // Whether RAM compares a provider's ARN ignoring case is not documented (its role ARNs are
  // lower-cased): one that differs only in case might be the same provider.
  const cased = fed.find((f) => f.toLowerCase() === providerArn.toLowerCase());
  if (cased)
    return {
      kind: "open",
      why: `its Federated principal '${cased}' differs from ${providerArn} only in case`,
    };
  const wild = fed.find((f) => f.includes("*") || f.includes("?"));
  if (wild) return { kind: "open", why: `its Federated principal '${wild}' has a wildcard` };
  // The kinds are alternatives: one RAM does not document might be the one that admits the token.
  if (st.principals.other !== undefined)
    return {
      kind: "open",
      why: `its Principal has ${Object.keys(st.principals.other).join(", ")}, which this evaluator does not model`,
    };
  return {
    kind: "fails",
    why:
      fed.length === 0
        ? "it trusts no OIDC provider (no Federated principal)"
        : `it trusts ${quote(fed)}, not ${providerArn}`,
  };
}

/** Kleene AND over the parts of one statement: a failure decides, else an open part, else it holds. */
function checkStatement(
  st: TrustStatement,
  req: { providerArn: string; action: string; claims: OidcClaims },
): Finding {
  const parts: Array<() => Finding> = [
    () =>
      st.other === undefined
        ? HOLDS
        : {
            kind: "open",
            why: `it has ${Object.keys(st.other).join(", ")}, which this evaluator does not model`,
          },
    () => checkAction(st, req.action),
    () => checkPrincipal(st, req.providerArn),
  ];
  for (const [operator, keys] of Object.entries(st.conditions))
    for (const [key, values] of Object.entries(keys))
      parts.push(() => checkCondition(operator, key, values, req.claims, st.effect));
  let open: Finding | undefined;
  for (const part of parts) {
    const f = part();
    if (f.kind === "fails") return f;
    if (f.kind === "open") open ??= f;
  }
  return open ?? HOLDS;
}

/** Where an undetermined part is, in words: "statement 2", or "the document" for statement 0. */
export function partPlace(part: UndeterminedPart): string {
  return part.statement === 0 ? "the document" : `statement ${part.statement}`;
}

/** Members of the document beside Version and Statement: statement 0, the document itself. */
function documentPart(other: Record<string, unknown>): UndeterminedPart {
  return {
    statement: 0,
    reason: `it has ${Object.keys(other).join(", ")} beside Version and Statement, which is not evaluated`,
  };
}

function undeterminedPart(i: number, f: Finding): UndeterminedPart {
  if (f.kind !== "open") return { statement: i + 1, reason: "" };
  return {
    statement: i + 1,
    ...(f.operator === undefined ? {} : { operator: f.operator }),
    ...(f.key === undefined ? {} : { key: f.key }),
    reason: f.why,
  };
}

/** The statement's subject condition (StringEquals / StringLike `oidc:sub`) against the one definition. */
function statementAdmitsAnyWorkload(st: TrustStatement, claims: OidcClaims): AnyWorkload | undefined {
  const values = (op: string) => (ownEntry(ownEntry(st.conditions, op) ?? {}, "oidc:sub") ?? []).map(String);
  const written = ownEntry(ownEntry(st.conditions, "StringEquals") ?? {}, "oidc:iss");
  const issuer = typeof claims.iss === "string" ? claims.iss : written?.map(String);
  return admitsAnyWorkload({ equals: values("StringEquals"), like: values("StringLike") }, issuer);
}

/** Would a token with these claims be allowed to assume the role? And why (not)? */
export function evaluateTrust(request: TrustRequest): TrustDecision {
  let policy: TrustPolicy;
  try {
    policy = typeof request.policy === "string" ? parseTrustPolicy(request.policy) : request.policy;
  } catch (err) {
    if (!(err instanceof AmbiguousPolicyError)) throw err;
    return { allowed: false, outcome: "undetermined", reason: `the policy ${err.message}`, misses: [] };
  }
  if (policy.other)
    return {
      allowed: false,
      outcome: "undetermined",
      reason: `undetermined: the document has ${Object.keys(policy.other).join(", ")} beside Version and Statement, which this evaluator does not model`,
      misses: [],
      undetermined: documentPart(policy.other),
    };
  const req = {
    providerArn: request.providerArn,
    claims: request.claims,
    action: request.action ?? "sts:AssumeRole",
  };
  const found = policy.statements.map((st) => ({ st, f: checkStatement(st, req) }));
  const misses: string[] = [];
  const deny = found.findIndex(({ st, f }) => st.effect === "Deny" && f.kind === "holds");
  if (deny >= 0)
    return {
      allowed: false,
      outcome: "explicitDeny",
      reason: `statement ${deny + 1} explicitly denies it`,
      statement: deny,
      misses,
    };
  found.forEach(({ st, f }, i) => {
    if (st.effect === "Allow" && f.kind !== "holds")
      misses.push(`statement ${i + 1}: ${f.kind === "fails" ? f.why : `cannot be decided: ${f.why}`}`);
  });
  const allow = found.findIndex(({ st, f }) => st.effect === "Allow" && f.kind === "holds");
  const openDeny = found.findIndex(({ st, f }) => st.effect === "Deny" && f.kind === "open");
  const openAllow = found.findIndex(({ st, f }) => st.effect === "Allow" && f.kind === "open");
  if (allow >= 0 && openDeny < 0) {
    // Every Allow that lets this token in is a way in: the token's own workload may be pinned by
    // one statement and another admit any workload, so the widest decides what is said.
    let wide: { at: number; any: AnyWorkload } | undefined;
    found.forEach(({ st, f }, i) => {
      if (wide || st.effect !== "Allow" || f.kind !== "holds") return;
      const any = statementAdmitsAnyWorkload(st, request.claims);
      if (any) wide = { at: i, any };
    });
    const any = wide?.any;
    const by = wide === undefined || wide.at === allow ? "it" : `statement ${wide.at + 1}`;
    return {
      allowed: true,
      outcome: "allowed",
      reason:
        any === undefined
          ? `statement ${allow + 1} allows it`
          : `statement ${allow + 1} allows it, and ${by} admits ${any.words} of the issuer: ${any.reason}`,
      statement: allow,
      misses,
      ...(any === undefined ? {} : { anyWorkload: any }),
    };
  }
  const openAt = allow >= 0 ? openDeny : openAllow;
  if (openAt >= 0) {
    const part = undeterminedPart(openAt, (found[openAt] as { f: Finding }).f);
    const reason =
      allow >= 0
        ? `undetermined: statement ${allow + 1} allows it, but Deny statement ${part.statement} cannot be decided: ${part.reason}`
        : `undetermined: statement ${part.statement} might allow it but cannot be decided: ${part.reason}`;
    return { allowed: false, outcome: "undetermined", reason, misses, undetermined: part };
  }
  const reason =
    misses.length === 0
      ? "no statement allows it (the policy has no Allow statement)"
      : `no statement allows it: ${misses.join("; ")}`;
  return { allowed: false, outcome: "implicitDeny", reason, misses };
}

/**
 * The parts of a policy no token can make decidable: operators RAM does not document, keys an
 * OIDC token does not offer, values of the wrong type for their operator, statement elements
 * outside the model, wildcard principals, undocumented actions. `OidcRole`'s `check()` refuses a
 * trust policy with any of them unless `allowUndeterminedTrust` is set.
 */
export function undecidableParts(policy: string | TrustPolicy): UndeterminedPart[] {
  const model = typeof policy === "string" ? parseTrustPolicy(policy) : policy;
  const out: UndeterminedPart[] = model.other ? [documentPart(model.other)] : [];
  model.statements.forEach((st, i) => {
    const statement = i + 1;
    if (st.other)
      out.push({ statement, reason: `it has ${Object.keys(st.other).join(", ")}, which is not evaluated` });
    if (st.principals.other)
      out.push({
        statement,
        reason: `its Principal has ${Object.keys(st.principals.other).join(", ")}, which is not evaluated`,
      });
    for (const a of st.actions)
      if (a.toLowerCase() === "sts:assumerolewithoidc")
        out.push({ statement, reason: `${a} is not an action RAM documents for trust policies` });
    for (const f of st.principals.federated)
      if (f.includes("*") || f.includes("?"))
        out.push({ statement, reason: `Federated principal '${f}' has a wildcard` });
    for (const [operator, keys] of Object.entries(st.conditions)) {
      const spec = OPERATORS.get(operator);
      for (const [key, values] of Object.entries(keys)) {
        const part = (reason: string) => out.push({ statement, operator, key, reason });
        if (spec === undefined) part(`${operator} is not one of RAM's documented condition operators`);
        else if (!CLAIM_OF_KEY.has(key))
          part(`${key} is not a documented OIDC condition key (oidc:iss, oidc:aud, oidc:sub)`);
        else if (values.length === 0) part("it lists no values");
        else {
          // A value the operator cannot read is undecided whatever the token says.
          const probe = PROBES.get(operator);
          const bad = values.find((v) => probe !== undefined && spec.test(probe, v) === undefined);
          if (bad !== undefined) part(`${operator} cannot read the value ${JSON.stringify(bad)}`);
        }
      }
    }
  });
  return out;
}

/** A claim value of each operator's type, to ask whether a policy value is readable at all. */
const PROBES: ReadonlyMap<string, unknown> = new Map(
  [...OPERATORS.keys()].map((name) => [
    name,
    name.startsWith("String")
      ? "a"
      : name.startsWith("Numeric")
        ? 0
        : name.startsWith("Date")
          ? "2000-01-01T00:00:00Z"
          : name === "Bool"
            ? true
            : "10.0.0.1",
  ]),
);
