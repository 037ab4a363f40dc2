/**
 * RAM role trust policies (`AssumeRolePolicyDocument`) as the emulated RAM stores them and the
 * emulated STS applies them to an OIDC token. Written from RAM's documentation:
 * - policy grammar and elements: https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
 *   and https://www.alibabacloud.com/help/en/ram/user-guide/policy-structure-and-syntax
 * - condition operators: https://www.alibabacloud.com/help/en/ram/conditional-operator
 * - OIDC trust (condition keys `oidc:iss`, `oidc:aud`, `oidc:sub`, action `sts:AssumeRole`):
 *   https://www.alibabacloud.com/help/en/ram/user-guide/create-a-ram-role-for-a-trusted-idp
 *
 * It reads the JSON document itself, element by element, with no model in between, and answers in
 * three values: a statement applies, does not apply, or cannot be decided here. What cannot be
 * decided never allows: STS refuses it. Every choice the documentation does not settle is in the
 * guesses list of emulator/README.md ("Trust policy evaluation").
 */
import { globMatch } from "./glob";

/** Why a document is refused at CreateRole / UpdateRole (MalformedPolicyDocument). */
export class TrustGrammarError extends Error {}

export type TrustOutcome = "allow" | "explicit-deny" | "implicit-deny" | "undetermined";

export interface TrustVerdict {
  outcome: TrustOutcome;
  /** One line for a person. */
  reason: string;
}

export interface TrustQuestion {
  /** ARN of the OIDC provider the token came through. */
  providerArn: string;
  /** The token's claims. */
  claims: Record<string, unknown>;
  /** What STS authorizes for AssumeRoleWithOIDC: `sts:AssumeRole`. */
  action: string;
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => !!v && typeof v === "object" && !Array.isArray(v);

/** An element by name, ignoring case; two spellings of one element are malformed. */
function element(obj: JsonObject, name: string, where: string): unknown {
  const hits = Object.keys(obj).filter((k) => k.toLowerCase() === name.toLowerCase());
  if (hits.length > 1) throw new TrustGrammarError(`${where} has ${name} twice (${hits.join(", ")})`);
  return hits.length === 1 ? obj[hits[0] as string] : undefined;
}

const isScalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function statementsOf(doc: unknown): JsonObject[] {
  if (!isObject(doc)) throw new TrustGrammarError("the document must be a JSON object");
  const version = element(doc, "Version", "the document");
  if (version !== undefined && typeof version !== "string")
    throw new TrustGrammarError("Version must be a string");
  const raw = element(doc, "Statement", "the document");
  if (raw === undefined) throw new TrustGrammarError("Statement is required");
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new TrustGrammarError("Statement must have at least one statement");
  return list.map((st, i) => {
    const where = `Statement ${i + 1}`;
    if (!isObject(st)) throw new TrustGrammarError(`${where} must be an object`);
    const effect = element(st, "Effect", where);
    if (effect !== "Allow" && effect !== "Deny")
      throw new TrustGrammarError(`${where}: Effect must be Allow or Deny`);
    const action = element(st, "Action", where);
    const actions = Array.isArray(action) ? action : [action];
    if (action === undefined || actions.length === 0 || !actions.every((a) => typeof a === "string"))
      throw new TrustGrammarError(`${where}: Action must be a string or a non-empty list of strings`);
    const principal = element(st, "Principal", where);
    if (!isObject(principal)) throw new TrustGrammarError(`${where}: Principal must be an object`);
    for (const kind of ["Federated", "RAM", "Service"]) {
      const v = element(principal, kind, `${where} Principal`);
      if (
        v !== undefined &&
        typeof v !== "string" &&
        !(Array.isArray(v) && v.every((x) => typeof x === "string"))
      )
        throw new TrustGrammarError(`${where}: Principal ${kind} must be a string or a list of strings`);
    }
    const condition = element(st, "Condition", where);
    if (condition !== undefined) {
      if (!isObject(condition)) throw new TrustGrammarError(`${where}: Condition must be an object`);
      for (const [op, block] of Object.entries(condition)) {
        if (!isObject(block)) throw new TrustGrammarError(`${where}: Condition ${op} must be an object`);
        for (const [key, values] of Object.entries(block)) {
          const ok = isScalar(values) || (Array.isArray(values) && values.every(isScalar));
          if (!ok)
            throw new TrustGrammarError(
              `${where}: Condition ${op} ${key} must be a value or a list of values`,
            );
        }
      }
    }
    return st;
  });
}

/**
 * A member name that occurs twice in one object of a JSON text, or undefined. JSON.parse keeps the
 * last silently; RAM's documents say nothing of repeated names, so a document with one is stored
 * as written (a guess, emulator/README.md) and decides nothing. Reads text JSON.parse accepted.
 */
export function repeatedMember(text: string): string | undefined {
  let pos = 0;
  const skipSpace = () => {
    while (/\s/.test(text.charAt(pos))) pos++;
  };
  const readString = (): string => {
    const start = pos;
    pos++;
    while (text.charAt(pos) !== '"') pos += text.charAt(pos) === "\\" ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  // Returns the repeated name found inside the value at `pos`, if any, leaving `pos` after it.
  const value = (): string | undefined => {
    skipSpace();
    const c = text.charAt(pos);
    if (c === "{") {
      pos++;
      const seen = new Set<string>();
      for (;;) {
        skipSpace();
        if (text.charAt(pos) === "}") break;
        const name = readString();
        if (seen.has(name)) return name;
        seen.add(name);
        skipSpace();
        pos++; // the colon
        const inner = value();
        if (inner !== undefined) return inner;
        skipSpace();
        if (text.charAt(pos) === ",") pos++;
      }
      pos++;
      return undefined;
    }
    if (c === "[") {
      pos++;
      for (;;) {
        skipSpace();
        if (text.charAt(pos) === "]") break;
        const inner = value();
        if (inner !== undefined) return inner;
        skipSpace();
        if (text.charAt(pos) === ",") pos++;
      }
      pos++;
      return undefined;
    }
    if (c === '"') {
      readString();
      return undefined;
    }
    while (pos < text.length && !/[\s,}\]]/.test(text.charAt(pos))) pos++;
    return undefined;
  };
  return value();
}

/** Refuses what RAM would refuse as MalformedPolicyDocument; accepts the rest as written. */
export function checkTrustGrammar(text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TrustGrammarError(`not JSON (${(e as Error).message})`);
  }
  statementsOf(doc);
}

// ---- three values -------------------------------------------------------------------------------

/** A fact about one statement: holds, does not hold, or cannot be decided (with why). */
type Tri = { v: "yes" } | { v: "no"; why: string } | { v: "unknown"; why: string };
const YES: Tri = { v: "yes" };
const no = (why: string): Tri => ({ v: "no", why });
const unknown = (why: string): Tri => ({ v: "unknown", why });

/** All must hold: the first "no" decides; otherwise the first "unknown". */
function all(facts: Iterable<() => Tri>): Tri {
  let open: Tri | undefined;
  for (const f of facts) {
    const t = f();
    if (t.v === "no") return t;
    if (t.v === "unknown") open ??= t;
  }
  return open ?? YES;
}

/** One must hold: the first "yes" decides; otherwise any "unknown"; otherwise "no". */
function some(facts: Iterable<Tri>, none: string): Tri {
  let open: Tri | undefined;
  for (const t of facts) {
    if (t.v === "yes") return t;
    if (t.v === "unknown") open ??= t;
  }
  return open ?? no(none);
}

// ---- values of the five operator families -------------------------------------------------------

/** Decimal literal, the only number spelling decided here (no exponent, no hex, no spaces). */
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

function asNumber(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === "number" && Number.isFinite(v)) n = v;
  else if (typeof v === "string" && DECIMAL.test(v)) n = Number(v);
  // Beyond 2^53 two different integers compare equal in a double.
  return n !== undefined && Math.abs(n) <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`, a real calendar instant, as epoch milliseconds. */
function asInstant(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|([+-])(\d{2}):(\d{2}))$/.exec(v);
  if (!m) return undefined;
  const part = (i: number) => Number(m[i]);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (day < 1 || day > daysInMonth) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] ? Number(m[7].slice(1).padEnd(3, "0")) : 0;
  // Days since 1970-01-01 by the civil-from-days formula (Date.UTC would read years 0-99 as 19xx).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number. */
function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** `a.b.c.d` or `a.b.c.d/len` as [network, length]. */
function asRange(v: unknown): [number, number] | undefined {
  if (typeof v !== "string") return undefined;
  const slash = v.indexOf("/");
  const addr = ipv4(slash < 0 ? v : v.slice(0, slash));
  if (addr === undefined) return undefined;
  if (slash < 0) return [addr, 32];
  const len = v.slice(slash + 1);
  if (!/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(len)) return undefined;
  return [addr, Number(len)];
}

function inRange(addr: number, [net, len]: [number, number]): boolean {
  if (len === 0) return true;
  const shift = 32 - len;
  return Math.floor(addr / 2 ** shift) === Math.floor(net / 2 ** shift);
}

const isAscii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

/**
 * How one claim value compares with one policy value under a positive operator. "unknown" when
 * either side is not of the operator's type (or, for IgnoreCase, not ASCII: RAM does not say how it
 * folds other scripts).
 */
type Compare = (claim: unknown, value: unknown) => boolean | undefined;

const stringCompare =
  (test: (claim: string, value: string) => boolean | undefined): Compare =>
  (c, v) =>
    typeof c === "string" && typeof v === "string" ? test(c, v) : undefined;

const numeric =
  (test: (a: number, b: number) => boolean): Compare =>
  (c, v) => {
    const a = asNumber(c);
    const b = asNumber(v);
    return a === undefined || b === undefined ? undefined : test(a, b);
  };

const dated =
  (test: (a: number, b: number) => boolean): Compare =>
  (c, v) => {
    const a = asInstant(c);
    const b = asInstant(v);
    return a === undefined || b === undefined ? undefined : test(a, b);
  };

const ignoringCase = stringCompare((c, v) =>
  isAscii(c) && isAscii(v) ? asciiLower(c) === asciiLower(v) : undefined,
);
const equal = stringCompare((c, v) => c === v);
// What one `?` matches in text outside ASCII (code point, UTF-16 unit, byte) is not documented.
const like = stringCompare((c, v) => (v.includes("?") && !isAscii(c) ? undefined : globMatch(v, c)));
const numEq = numeric((a, b) => a === b);
const dateEq = dated((a, b) => a === b);
const ipIn: Compare = (c, v) => {
  const addr = typeof c === "string" ? ipv4(c) : undefined;
  const range = asRange(v);
  return addr === undefined || range === undefined ? undefined : inRange(addr, range);
};

/**
 * The operators of RAM's "Conditional operators" page. A negated operator holds exactly when its
 * positive twin does not. A Map: a name an object inherits (`constructor`, `__proto__`...) is no
 * operator here.
 */
const OPERATORS: ReadonlyMap<string, { compare: Compare; negated: boolean }> = new Map<
  string,
  { compare: Compare; negated: boolean }
>([
  ["StringEquals", { compare: equal, negated: false }],
  ["StringNotEquals", { compare: equal, negated: true }],
  ["StringEqualsIgnoreCase", { compare: ignoringCase, negated: false }],
  ["StringNotEqualsIgnoreCase", { compare: ignoringCase, negated: true }],
  ["StringLike", { compare: like, negated: false }],
  ["StringNotLike", { compare: like, negated: true }],
  ["NumericEquals", { compare: numEq, negated: false }],
  ["NumericNotEquals", { compare: numEq, negated: true }],
  ["NumericLessThan", { compare: numeric((a, b) => a < b), negated: false }],
  ["NumericLessThanEquals", { compare: numeric((a, b) => a <= b), negated: false }],
  ["NumericGreaterThan", { compare: numeric((a, b) => a > b), negated: false }],
  ["NumericGreaterThanEquals", { compare: numeric((a, b) => a >= b), negated: false }],
  ["DateEquals", { compare: dateEq, negated: false }],
  ["DateNotEquals", { compare: dateEq, negated: true }],
  ["DateLessThan", { compare: dated((a, b) => a < b), negated: false }],
  ["DateLessThanEquals", { compare: dated((a, b) => a <= b), negated: false }],
  ["DateGreaterThan", { compare: dated((a, b) => a > b), negated: false }],
  ["DateGreaterThanEquals", { compare: dated((a, b) => a >= b), negated: false }],
  [
    "Bool",
    {
      compare: (c, v) => {
        const a = asBool(c);
        const b = asBool(v);
        return a === undefined || b === undefined ? undefined : a === b;
      },
      negated: false,
    },
  ],
  ["IpAddress", { compare: ipIn, negated: false }],
  ["NotIpAddress", { compare: ipIn, negated: true }],
]);

/** The condition keys an OIDC token offers, and the claim each reads. */
const OIDC_KEYS: ReadonlyMap<string, string> = new Map([
  ["oidc:iss", "iss"],
  ["oidc:aud", "aud"],
  ["oidc:sub", "sub"],
]);

const show = (v: unknown) => JSON.stringify(v);

function condition(op: string, key: string, written: unknown, claims: JsonObject, effect: unknown): Tri {
  const spec = OPERATORS.get(op);
  if (!spec) return unknown(`${op} is not an operator RAM documents for conditions`);
  const claim = OIDC_KEYS.get(key);
  if (claim === undefined)
    return unknown(`${key} is not a condition key of an OIDC token (oidc:iss, oidc:aud, oidc:sub)`);
  const values = Array.isArray(written) ? written : [written];
  if (values.length === 0) return unknown(`${op} ${key} lists no value`);
  const raw = Object.hasOwn(claims, claim) ? claims[claim] : undefined;
  const present = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (present.length === 0) {
    return spec.negated
      ? unknown(`the token has no ${claim} claim, and RAM does not say how ${op} treats a missing key`)
      : no(`the token has no ${claim} claim (${op} ${key})`);
  }
  let undecidable = false;
  const perValue = present.map((c) => {
    let hit = false;
    for (const v of values) {
      const r = spec.compare(c, v);
      if (r === true) hit = true;
      else if (r === undefined) undecidable = true;
    }
    return hit;
  });
  const matched = perValue.includes(true);
  const seen = `${key} ${show(raw)}`;
  // Some values of a list claim match and some do not: whether RAM reads "any" or "every" is not
  // documented, so where the wrong reading would let a token in (a negated operator, a Deny),
  // nothing is decided.
  if (matched && perValue.includes(false) && (spec.negated || effect === "Deny"))
    return unknown(
      `only some values of ${seen} match ${op} ${show(written)}, and RAM does not say how it reads a list claim`,
    );
  if (matched) return spec.negated ? no(`${seen} is excluded by ${op} ${show(written)}`) : YES;
  if (undecidable) return unknown(`${op} cannot compare ${seen} with ${show(written)}`);
  return spec.negated ? YES : no(`${seen} does not match ${op} ${show(written)}`);
}

const KNOWN_ELEMENTS = new Set(["effect", "action", "principal", "condition", "sid"]);

function statementApplies(st: JsonObject, q: TrustQuestion): Tri {
  const where = "statement";
  const extra = Object.keys(st).filter((k) => !KNOWN_ELEMENTS.has(k.toLowerCase()));
  const action = element(st, "Action", where);
  const actions = (Array.isArray(action) ? action : [action]) as string[];
  const principal = element(st, "Principal", where) as JsonObject;
  const federatedRaw = element(principal, "Federated", where);
  const federated = (
    federatedRaw === undefined ? [] : Array.isArray(federatedRaw) ? federatedRaw : [federatedRaw]
  ) as string[];
  const cond = (element(st, "Condition", where) ?? {}) as Record<string, JsonObject>;
  const wanted = q.action.toLowerCase();
  // RAM documents three kinds of principal; what another kind admits is not known here.
  const otherKinds = Object.keys(principal).filter(
    (k) => !["federated", "ram", "service"].includes(k.toLowerCase()),
  );
  return all([
    () =>
      extra.length > 0 ? unknown(`it has ${extra.join(", ")}, which this emulator does not evaluate`) : YES,

    () =>
      some(
        actions.map((a) => {
          const lower = a.toLowerCase();
          // The API's own name is not an action RAM documents for trust policies.
          if (lower === "sts:assumerolewithoidc")
            return unknown(`the action ${a} is not documented for trust policies`);
          return globMatch(lower, wanted) ? YES : no("");
        }),
        `its actions ${show(action)} do not cover ${q.action}`,
      ),
    () => {
      const found = some(
        federated.map((f) =>
          f === q.providerArn
            ? YES
            : f.toLowerCase() === q.providerArn.toLowerCase()
              ? unknown(`the Federated principal ${f} differs from ${q.providerArn} only in case`)
              : /[*?]/.test(f)
                ? unknown(`the Federated principal ${f} has a wildcard`)
                : no(""),
        ),
        federated.length === 0
          ? "it trusts no OIDC provider"
          : `it trusts ${show(federatedRaw)}, not ${q.providerArn}`,
      );
      // The kinds are alternatives: one RAM does not document might be the one that admits it.
      return found.v === "no" && otherKinds.length > 0
        ? unknown(`its Principal has ${otherKinds.join(", ")}, which this emulator does not evaluate`)
        : found;
    },
    ...Object.entries(cond).flatMap(([op, block]) =>
      Object.entries(block).map(
        ([key, values]) =>
          () =>
            condition(op, key, values, q.claims, element(st, "Effect", where)),
      ),
    ),
  ]);
}

/**
 * The decision for one token: an explicit Deny that applies wins; else an Allow that applies
 * allows, unless a Deny might apply; else, if an Allow might apply, nothing is decided; else the
 * request is implicitly denied.
 */
export function decideTrust(text: string, q: TrustQuestion): TrustVerdict {
  const twice = repeatedMember(text);
  if (twice !== undefined)
    return {
      outcome: "undetermined",
      reason: `the document names "${twice}" twice in one object, and RAM does not document which one it reads`,
    };
  const doc = JSON.parse(text);
  const statements = statementsOf(doc);
  const beside = Object.keys(doc).filter((k) => !["version", "statement"].includes(k.toLowerCase()));
  if (beside.length > 0)
    return {
      outcome: "undetermined",
      reason: `the document has ${beside.join(", ")} beside Version and Statement, which this emulator does not evaluate`,
    };
  const results = statements.map((st) => ({
    effect: element(st, "Effect", "statement"),
    t: statementApplies(st, q),
  }));
  const deny = results.findIndex((r) => r.effect === "Deny" && r.t.v === "yes");
  if (deny >= 0) return { outcome: "explicit-deny", reason: `statement ${deny + 1} explicitly denies it` };
  const allow = results.findIndex((r) => r.effect === "Allow" && r.t.v === "yes");
  const openDeny = results.findIndex((r) => r.effect === "Deny" && r.t.v === "unknown");
  const openAllow = results.findIndex((r) => r.effect === "Allow" && r.t.v === "unknown");
  const why = (i: number) => {
    const t = results[i]?.t;
    return t && t.v !== "yes" ? t.why : "";
  };
  if (allow >= 0 && openDeny < 0) return { outcome: "allow", reason: `statement ${allow + 1} allows it` };
  if (allow >= 0)
    return {
      outcome: "undetermined",
      reason: `statement ${allow + 1} allows it, but statement ${openDeny + 1} might deny it: ${why(openDeny)}`,
    };
  if (openAllow >= 0)
    return {
      outcome: "undetermined",
      reason: `statement ${openAllow + 1} cannot be decided: ${why(openAllow)}`,
    };
  const misses = results.flatMap((r, i) => (r.effect === "Allow" ? [`statement ${i + 1}: ${why(i)}`] : []));
  return {
    outcome: "implicit-deny",
    reason:
      misses.length === 0
        ? "the policy has no Allow statement"
        : `no statement allows it: ${misses.join("; ")}`,
  };
}
