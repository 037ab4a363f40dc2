/**
 * Random trust policies and token claims for differential testing of the two trust evaluators:
 * the library's `evaluateTrust` (provider/trust/evaluate.ts) and the emulator's STS decision
 * (emulator/services/ram/trust.ts), written separately from RAM's documentation.
 *
 * The values are drawn from small pools that overlap on purpose (a claim "42" meets policy values
 * 42, "42", "4?", "042"), so that matches, near misses, type mismatches and undecidable parts are
 * all common. Used by test/unit/trust-differential.test.ts (10,000 per run, fixed seed) and by
 * scripts/fuzzTrust.ts (`npm run fuzz:trust`, a million).
 */
import { checkTrustGrammar, decideTrust, TrustGrammarError } from "../emulator/services/ram/trust";
import { evaluateTrust, type TrustOutcome } from "../provider/trust/evaluate";
import { AmbiguousPolicyError, PolicyParseError, parseTrustPolicy } from "../provider/trust/policy";

export const PROVIDER = "acs:ram::1234567890123456:oidc-provider/ci";
const OTHER_PROVIDER = "acs:ram::1234567890123456:oidc-provider/other";

/** The pools, parameterized by the issuer and client id a live STS run must use. */
export function pools(issuer: string, clientId: string) {
  const strings = [
    issuer,
    clientId,
    "repo:acme/app:ref:refs/heads/main",
    "repo:ACME/app:ref:refs/heads/main",
    "repo:evil/app:ref:refs/heads/main",
    "repo:acme/app:pull_request",
    "42",
    "-7.5",
    "1e3",
    "042",
    "9007199254740993",
    "2024-05-01T12:00:00Z",
    "2024-05-01T14:00:00+02:00",
    "2024-02-30T00:00:00Z",
    "0099-01-01T00:00:00Z",
    "10.1.2.3",
    "10.0.0.0/8",
    "192.168.001.1",
    "true",
    "FALSE",
    "Straße",
    "STRASSE",
    "",
  ];
  const patterns = [
    "repo:acme/app:*",
    "repo:*",
    "*",
    "repo:?cme/app:ref:refs/heads/main",
    "*:pull_request",
    "4?",
    "*a*a*a*b",
    "10.*",
    "2024-*",
    "Stra?e",
  ];
  const numbers = [42, -7.5, 0, 1000, 2 ** 53, 1.5];
  const booleans = [true, false];
  return { strings, patterns, numbers, booleans };
}

const OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "IpAddress",
  "NotIpAddress",
];
/**
 * Names every JavaScript object already has: a lookup table that is a plain object would answer
 * for them with an inherited member instead of "unknown". Both evaluators must find them unknown.
 */
export const INHERITED_NAMES = [
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
];
const ODD_OPERATORS = [
  "StringEqualsIfExists",
  "stringequals",
  "Null",
  "ForAnyValue:StringLike",
  ...INHERITED_NAMES,
];
const KEYS = ["oidc:sub", "oidc:sub", "oidc:aud", "oidc:iss"];
const ODD_KEYS = ["OIDC:SUB", "oidc:email", "acs:SourceIp", ...INHERITED_NAMES];
const ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRole",
  "sts:*",
  "*",
  "STS:assumerole",
  "sts:Assume?ole",
  "sts:AssumeRoleWithOIDC",
  "ecs:*",
  "sts:GetCallerIdentity",
];

/** A source of randomness: an integer in [0, n). */
export type Pick = (n: number) => number;

/** Mulberry32, seeded: the same seed gives the same cases. */
export function seeded(seed: number): Pick {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export interface TrustCase {
  policy: string;
  claims: Record<string, unknown>;
}

/**
 * One case. `live` keeps what a real AssumeRoleWithOIDC needs: the token's iss is the issuer and
 * its aud contains the client id (STS checks both before the trust policy).
 */
export function randomCase(pick: Pick, issuer: string, clientId: string, live = false): TrustCase {
  const pool = pools(issuer, clientId);
  const one = <T>(list: readonly T[]): T => list[pick(list.length)] as T;
  const chance = (percent: number) => pick(100) < percent;
  const value = (): unknown => {
    const r = pick(10);
    if (r < 5) return one(pool.strings);
    if (r < 7) return one(pool.patterns);
    if (r < 9) return one(pool.numbers);
    return one(pool.booleans);
  };
  const values = (): unknown => {
    if (chance(50)) return value();
    return Array.from({ length: pick(4) }, value);
  };
  // Null-prototype objects: `__proto__` is then an own key that JSON.stringify writes out.
  const table = <T>(): Record<string, T> => Object.create(null);
  const condition = (): Record<string, Record<string, unknown>> => {
    const out = table<Record<string, unknown>>();
    for (let i = pick(4); i > 0; i--) {
      const op = chance(93) ? one(OPERATORS) : one(ODD_OPERATORS);
      const block = out[op] ?? table<unknown>();
      for (let j = 1 + pick(2); j > 0; j--) block[chance(92) ? one(KEYS) : one(ODD_KEYS)] = values();
      out[op] = block;
    }
    return out;
  };
  const listOrOne = <T>(items: T[]): T | T[] => (items.length === 1 && chance(50) ? (items[0] as T) : items);
  const statement = (): Record<string, unknown> => {
    const st = table<unknown>();
    st[chance(95) ? "Effect" : "effect"] = chance(65) ? "Allow" : chance(97) ? "Deny" : "allow";
    st.Action = listOrOne(Array.from({ length: 1 + pick(2) }, () => one(ACTIONS)));
    const fed = chance(85)
      ? [PROVIDER]
      : one([
          [OTHER_PROVIDER],
          [PROVIDER, OTHER_PROVIDER],
          ["acs:ram::1234567890123456:oidc-provider/*"],
          [],
        ]);
    const principal: Record<string, unknown> = {};
    if (fed.length > 0) principal.Federated = listOrOne(fed);
    if (chance(5)) principal.RAM = "acs:ram::1234567890123456:root";
    st.Principal = principal;
    if (chance(85)) st.Condition = condition();
    if (chance(4)) st[one(["Resource", "NotAction", "Sid", "__proto__", "constructor"])] = "*";
    return st;
  };
  const statements = Array.from({ length: 1 + pick(3) }, statement);
  const doc = { Version: "1", Statement: statements.length === 1 && chance(30) ? statements[0] : statements };

  const claim = (): unknown => {
    const r = pick(20);
    if (r < 15) return one(pool.strings);
    if (r < 17) return one(pool.numbers);
    if (r < 18) return one(pool.booleans);
    if (r < 19) return null;
    return undefined;
  };
  const claims = table<unknown>();
  if (live) {
    claims.iss = issuer;
    claims.aud = chance(50) ? clientId : [clientId, ...(chance(50) ? [one(pool.strings)] : [])];
    const sub = one(pool.strings);
    // A live token always has a string sub, possibly empty (the test IdP drops an undefined one).
    if (chance(90)) claims.sub = sub;
  } else {
    for (const name of ["iss", "aud", "sub"]) {
      const v = chance(25) ? [claim(), claim()].filter((x) => x !== undefined) : claim();
      if (v !== undefined) claims[name] = v;
    }
    // A claim named like an inherited member, for a condition keyed with that name to find.
    if (chance(5)) claims[one(INHERITED_NAMES)] = one(pool.strings);
  }
  return { policy: JSON.stringify(doc), claims };
}

/** The decision class both evaluators must agree on (`malformed`: both refuse the document). */
export type DecisionClass = "allow" | "explicit-deny" | "implicit-deny" | "undetermined" | "malformed";

const LIBRARY_CLASS: Record<TrustOutcome, DecisionClass> = {
  allowed: "allow",
  explicitDeny: "explicit-deny",
  implicitDeny: "implicit-deny",
  undetermined: "undetermined",
};

export function libraryDecision(c: TrustCase, providerArn = PROVIDER): DecisionClass {
  try {
    parseTrustPolicy(c.policy);
  } catch (e) {
    if (e instanceof PolicyParseError) return "malformed";
    // Named twice: not refused by RAM as far as anyone knows, and decided by nobody.
    if (!(e instanceof AmbiguousPolicyError)) throw e;
  }
  return LIBRARY_CLASS[evaluateTrust({ policy: c.policy, providerArn, claims: c.claims }).outcome];
}

export function emulatorDecision(c: TrustCase, providerArn = PROVIDER): DecisionClass {
  try {
    checkTrustGrammar(c.policy);
  } catch (e) {
    if (e instanceof TrustGrammarError) return "malformed";
    throw e;
  }
  return decideTrust(c.policy, { providerArn, claims: c.claims, action: "sts:AssumeRole" }).outcome;
}
