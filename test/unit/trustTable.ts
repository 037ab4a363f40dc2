/**
 * The documentation table: (trust policy, token claims, expected decision) rows written from RAM's
 * "Conditional operators" and "Policy elements" pages, and, where they are silent, from the
 * fail-safe choices listed in docs/trust-evaluation.md (the emulator's README carries the same
 * list). Both evaluators must give the expected decision for every row.
 * https://www.alibabacloud.com/help/en/ram/conditional-operator
 * https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
 */
import { type DecisionClass, INHERITED_NAMES } from "../../scripts/trustCases";

export const ARN = "acs:ram::1234567890123456:oidc-provider/ci";
export const OTHER = "acs:ram::1234567890123456:oidc-provider/other";
export const ISS = "https://token.actions.githubusercontent.com";
export const AUD = "sts.aliyuncs.com";
export const SUB = "repo:acme/app:ref:refs/heads/main";

export interface Row {
  name: string;
  /** The document as text (as RAM stores it). */
  policy: string;
  claims: Record<string, unknown>;
  expected: DecisionClass;
}

type Doc = Record<string, unknown>;
const base = { iss: ISS, aud: AUD, sub: SUB };

const allowSt = (cond?: Doc, over: Doc = {}): Doc => ({
  Effect: "Allow",
  Action: "sts:AssumeRole",
  Principal: { Federated: ARN },
  ...(cond === undefined ? {} : { Condition: cond }),
  ...over,
});
const denySt = (cond?: Doc, over: Doc = {}): Doc => allowSt(cond, { Effect: "Deny", ...over });
const doc = (...statements: Doc[]) => JSON.stringify({ Version: "1", Statement: statements });

export const rows: Row[] = [];

/** One Allow statement with `cond`; the claims are the defaults with `claims` on top. */
function c(name: string, cond: Doc, claims: Doc, expected: DecisionClass): void {
  const merged: Doc = { ...base };
  for (const [k, v] of Object.entries(claims)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  rows.push({ name, policy: doc(allowSt(cond)), claims: merged, expected });
}
/** A whole document. */
function d(name: string, policy: string, claims: Doc, expected: DecisionClass): void {
  rows.push({ name, policy, claims: { ...base, ...claims }, expected });
}
const sub = (op: string, v: unknown) => ({ [op]: { "oidc:sub": v } });

// ---- String ---------------------------------------------------------------------------------------
c("StringEquals: the exact subject", sub("StringEquals", SUB), {}, "allow");
c("StringEquals: another subject", sub("StringEquals", "repo:acme/app:pull_request"), {}, "implicit-deny");
c("StringEquals: values are ORed", sub("StringEquals", ["x", SUB]), {}, "allow");
c("StringEquals: case-sensitive", sub("StringEquals", SUB.toUpperCase()), {}, "implicit-deny");
c("StringEquals: a missing claim fails", sub("StringEquals", SUB), { sub: undefined }, "implicit-deny");
c("StringEquals: a number value cannot be compared", sub("StringEquals", 42), { sub: "42" }, "undetermined");
c("StringEquals: one matching value decides the OR", sub("StringEquals", [42, SUB]), {}, "allow");
c("StringEquals: a number claim cannot be compared", sub("StringEquals", "42"), { sub: 42 }, "undetermined");
c(
  "StringEquals: aud list, one value listed",
  { StringEquals: { "oidc:aud": AUD } },
  { aud: ["x", AUD] },
  "allow",
);
c(
  "StringEquals: aud list, none listed",
  { StringEquals: { "oidc:aud": "y" } },
  { aud: ["x", AUD] },
  "implicit-deny",
);
c("StringEquals: the empty string is a value", sub("StringEquals", ""), { sub: "" }, "allow");
c(
  "StringNotEquals: another subject holds",
  sub("StringNotEquals", "repo:evil/app:ref:refs/heads/main"),
  {},
  "allow",
);
c("StringNotEquals: the subject itself fails", sub("StringNotEquals", SUB), {}, "implicit-deny");
c("StringNotEquals: any listed value excludes", sub("StringNotEquals", ["x", SUB]), {}, "implicit-deny");
c(
  "StringNotEquals: a missing claim is undetermined",
  sub("StringNotEquals", SUB),
  { sub: undefined },
  "undetermined",
);
c(
  "StringNotEquals: aud list with an excluded value and another: any or every is not documented",
  { StringNotEquals: { "oidc:aud": "x" } },
  { aud: ["x", AUD] },
  "undetermined",
);
c(
  "StringNotEquals: aud list, every value excluded",
  { StringNotEquals: { "oidc:aud": ["x", AUD] } },
  { aud: ["x", AUD] },
  "implicit-deny",
);
c(
  "StringNotEquals: aud list, no value excluded",
  { StringEquals: { "oidc:aud": AUD }, StringNotEquals: { "oidc:aud": "y" } },
  { aud: ["x", AUD] },
  "allow",
);
c("StringNotEquals: a number value", sub("StringNotEquals", 42), {}, "undetermined");
c("StringEqualsIgnoreCase: other case", sub("StringEqualsIgnoreCase", SUB.toUpperCase()), {}, "allow");
c(
  "StringEqualsIgnoreCase: another subject",
  sub("StringEqualsIgnoreCase", "REPO:EVIL/APP"),
  {},
  "implicit-deny",
);
c(
  "StringEqualsIgnoreCase: non-ASCII folding is undocumented",
  sub("StringEqualsIgnoreCase", "STRASSE"),
  { sub: "Straße" },
  "undetermined",
);
c(
  "StringEqualsIgnoreCase: non-ASCII even when equal",
  sub("StringEqualsIgnoreCase", "Straße"),
  { sub: "Straße" },
  "undetermined",
);
c(
  "StringEqualsIgnoreCase: a missing claim fails",
  sub("StringEqualsIgnoreCase", SUB),
  { sub: undefined },
  "implicit-deny",
);
c(
  "StringEqualsIgnoreCase: values ORed",
  sub("StringEqualsIgnoreCase", ["a", "REPO:ACME/APP:REF:REFS/HEADS/MAIN"]),
  {},
  "allow",
);
c(
  "StringNotEqualsIgnoreCase: same in other case fails",
  sub("StringNotEqualsIgnoreCase", SUB.toUpperCase()),
  {},
  "implicit-deny",
);
c(
  "StringNotEqualsIgnoreCase: another subject holds",
  sub("StringNotEqualsIgnoreCase", "repo:evil/app"),
  {},
  "allow",
);
c(
  "StringNotEqualsIgnoreCase: missing claim",
  sub("StringNotEqualsIgnoreCase", SUB),
  { sub: undefined },
  "undetermined",
);
c("StringLike: a trailing star", sub("StringLike", "repo:acme/app:*"), {}, "allow");
c(
  "StringLike: another owner",
  sub("StringLike", "repo:acme/app:*"),
  { sub: "repo:evil/app:ref:refs/heads/main" },
  "implicit-deny",
);
c("StringLike: case-sensitive", sub("StringLike", "REPO:acme/app:*"), {}, "implicit-deny");
c("StringLike: ? is one character", sub("StringLike", "repo:?cme/app:ref:refs/heads/main"), {}, "allow");
c(
  "StringLike: ? is not zero characters",
  sub("StringLike", "repo:?acme/app:ref:refs/heads/main"),
  {},
  "implicit-deny",
);
c(
  "StringLike: ? against a non-ASCII subject cannot be decided",
  sub("StringLike", "repo:acme/app:ref:refs/heads/?"),
  { sub: "repo:acme/app:ref:refs/heads/\u{1F600}" },
  "undetermined",
);
c(
  "StringLike: * (no ?) matches non-ASCII text",
  sub("StringLike", "repo:acme/app:*"),
  { sub: "repo:acme/app:ref:refs/heads/\u00e9" },
  "allow",
);
c("StringLike: * alone", sub("StringLike", "*"), {}, "allow");
c("StringLike: * matches the empty string", sub("StringLike", "*"), { sub: "" }, "allow");
c("StringLike: a missing claim fails", sub("StringLike", "*"), { sub: undefined }, "implicit-deny");
c(
  "StringLike: many stars, no b",
  sub("StringLike", `${"*a".repeat(10)}*b`),
  { sub: "a".repeat(40) },
  "implicit-deny",
);
c(
  "StringLike: many stars, a b at the end",
  sub("StringLike", `${"*a".repeat(10)}*b`),
  { sub: `${"a".repeat(40)}b` },
  "allow",
);
c(
  "StringLike: regex characters are literal",
  sub("StringLike", "repo:acme/app.ref"),
  { sub: "repo:acme/appXref" },
  "implicit-deny",
);
c("StringLike: values ORed", sub("StringLike", ["repo:x/*", "*:refs/heads/main"]), {}, "allow");
c("StringNotLike: not a pull request", sub("StringNotLike", "*:pull_request"), {}, "allow");
c(
  "StringNotLike: a pull request fails",
  sub("StringNotLike", "*:pull_request"),
  { sub: "repo:acme/app:pull_request" },
  "implicit-deny",
);
c("StringNotLike: a missing claim", sub("StringNotLike", "*"), { sub: undefined }, "undetermined");
c("StringNotLike: any listed pattern excludes", sub("StringNotLike", ["x*", "repo:*"]), {}, "implicit-deny");

// ---- Numeric (claim "42") --------------------------------------------------------------------------
const n42 = { sub: "42" };
c("NumericEquals: a number", sub("NumericEquals", 42), n42, "allow");
c("NumericEquals: a numeric string", sub("NumericEquals", "42"), n42, "allow");
c("NumericEquals: 42.0 is 42", sub("NumericEquals", "42.0"), n42, "allow");
c("NumericEquals: another number", sub("NumericEquals", 43), n42, "implicit-deny");
c("NumericEquals: an exponent is not read", sub("NumericEquals", "1e3"), { sub: "1000" }, "undetermined");
c("NumericEquals: a claim that is not a number", sub("NumericEquals", 42), {}, "undetermined");
c("NumericEquals: a leading zero is not read", sub("NumericEquals", 42), { sub: "042" }, "undetermined");
c(
  "NumericEquals: beyond 2^53",
  sub("NumericEquals", "9007199254740993"),
  { sub: "9007199254740992" },
  "undetermined",
);
c("NumericEquals: a boolean value", sub("NumericEquals", true), n42, "undetermined");
c("NumericEquals: a number claim", sub("NumericEquals", "42"), { sub: 42 }, "allow");
c("NumericEquals: missing claim fails", sub("NumericEquals", 42), { sub: undefined }, "implicit-deny");
c("NumericNotEquals: another number", sub("NumericNotEquals", 43), n42, "allow");
c("NumericNotEquals: the same number", sub("NumericNotEquals", 42), n42, "implicit-deny");
c("NumericNotEquals: missing claim", sub("NumericNotEquals", 42), { sub: undefined }, "undetermined");
c("NumericLessThan: 42 < 43", sub("NumericLessThan", 43), n42, "allow");
c("NumericLessThan: 42 < 42 is false", sub("NumericLessThan", 42), n42, "implicit-deny");
c("NumericLessThan: values ORed", sub("NumericLessThan", [40, 50]), n42, "allow");
c("NumericLessThan: missing claim", sub("NumericLessThan", 43), { sub: undefined }, "implicit-deny");
c("NumericLessThan: negative decimals", sub("NumericLessThan", -7), { sub: "-7.5" }, "allow");
c("NumericLessThanEquals: 42 <= 42", sub("NumericLessThanEquals", 42), n42, "allow");
c("NumericLessThanEquals: 42 <= 41 is false", sub("NumericLessThanEquals", 41), n42, "implicit-deny");
c("NumericGreaterThan: 42 > 41", sub("NumericGreaterThan", 41), n42, "allow");
c("NumericGreaterThan: 42 > 42 is false", sub("NumericGreaterThan", 42), n42, "implicit-deny");
c("NumericGreaterThanEquals: 42 >= 42", sub("NumericGreaterThanEquals", "42"), n42, "allow");
c("NumericGreaterThanEquals: 42 >= 43 is false", sub("NumericGreaterThanEquals", 43), n42, "implicit-deny");

// ---- Date (claim 2024-05-01T12:00:00Z) -------------------------------------------------------------
const noon = { sub: "2024-05-01T12:00:00Z" };
c("DateEquals: the same instant", sub("DateEquals", "2024-05-01T12:00:00Z"), noon, "allow");
c(
  "DateEquals: the same instant, another offset",
  sub("DateEquals", "2024-05-01T14:00:00+02:00"),
  noon,
  "allow",
);
c("DateEquals: with milliseconds", sub("DateEquals", "2024-05-01T12:00:00.000Z"), noon, "allow");
c("DateEquals: another instant", sub("DateEquals", "2024-05-01T12:00:01Z"), noon, "implicit-deny");
c("DateEquals: a date without a time is not read", sub("DateEquals", "2024-05-01"), noon, "undetermined");
c("DateEquals: February 30th is not a date", sub("DateEquals", "2024-02-30T00:00:00Z"), noon, "undetermined");
c("DateEquals: epoch seconds are not read", sub("DateEquals", 1714564800), noon, "undetermined");
c("DateEquals: a claim that is not a date", sub("DateEquals", "2024-05-01T12:00:00Z"), {}, "undetermined");
c(
  "DateEquals: year 99 is year 99",
  sub("DateLessThan", "1000-01-01T00:00:00Z"),
  { sub: "0099-01-01T00:00:00Z" },
  "allow",
);
c("DateNotEquals: another instant", sub("DateNotEquals", "2023-01-01T00:00:00Z"), noon, "allow");
c("DateNotEquals: the same instant", sub("DateNotEquals", "2024-05-01T12:00:00Z"), noon, "implicit-deny");
c(
  "DateNotEquals: missing claim",
  sub("DateNotEquals", "2024-05-01T12:00:00Z"),
  { sub: undefined },
  "undetermined",
);
c("DateLessThan: before", sub("DateLessThan", "2025-01-01T00:00:00Z"), noon, "allow");
c("DateLessThan: not before itself", sub("DateLessThan", "2024-05-01T12:00:00Z"), noon, "implicit-deny");
c(
  "DateLessThan: missing claim",
  sub("DateLessThan", "2025-01-01T00:00:00Z"),
  { sub: undefined },
  "implicit-deny",
);
c("DateLessThanEquals: itself", sub("DateLessThanEquals", "2024-05-01T12:00:00Z"), noon, "allow");
c("DateLessThanEquals: earlier", sub("DateLessThanEquals", "2024-05-01T11:59:59Z"), noon, "implicit-deny");
c("DateGreaterThan: after", sub("DateGreaterThan", "2024-05-01T11:59:59Z"), noon, "allow");
c("DateGreaterThan: offsets are applied", sub("DateGreaterThan", "2024-05-01T13:00:00+02:00"), noon, "allow");
c(
  "DateGreaterThan: negative offsets",
  sub("DateGreaterThan", "2024-05-01T08:00:00-04:00"),
  noon,
  "implicit-deny",
);
c("DateGreaterThanEquals: itself", sub("DateGreaterThanEquals", "2024-05-01T12:00:00Z"), noon, "allow");
c(
  "DateGreaterThanEquals: later",
  sub("DateGreaterThanEquals", "2024-05-02T00:00:00Z"),
  noon,
  "implicit-deny",
);

// ---- Bool ------------------------------------------------------------------------------------------
c("Bool: true and true", sub("Bool", true), { sub: "true" }, "allow");
c("Bool: 'true' and true", sub("Bool", "true"), { sub: "true" }, "allow");
c("Bool: false and true", sub("Bool", false), { sub: "true" }, "implicit-deny");
c("Bool: 'True' is not read", sub("Bool", "True"), { sub: "true" }, "undetermined");
c("Bool: a claim 'FALSE' is not read", sub("Bool", false), { sub: "FALSE" }, "undetermined");
c("Bool: a boolean claim", sub("Bool", "false"), { sub: false }, "allow");
c("Bool: missing claim", sub("Bool", true), { sub: undefined }, "implicit-deny");
c("Bool: a number is not a boolean", sub("Bool", 1), { sub: "true" }, "undetermined");

// ---- IP address (claim 10.1.2.3) -------------------------------------------------------------------
const ip = { sub: "10.1.2.3" };
c("IpAddress: in 10.0.0.0/8", sub("IpAddress", "10.0.0.0/8"), ip, "allow");
c("IpAddress: the address itself", sub("IpAddress", "10.1.2.3"), ip, "allow");
c("IpAddress: /32", sub("IpAddress", "10.1.2.3/32"), ip, "allow");
c("IpAddress: /24", sub("IpAddress", "10.1.2.0/24"), ip, "allow");
c("IpAddress: another /24", sub("IpAddress", "10.1.3.0/24"), ip, "implicit-deny");
c("IpAddress: another network", sub("IpAddress", "192.168.0.0/16"), ip, "implicit-deny");
c("IpAddress: /0 is everything", sub("IpAddress", "0.0.0.0/0"), ip, "allow");
c("IpAddress: host bits are ignored", sub("IpAddress", "10.1.2.99/24"), ip, "allow");
c("IpAddress: /33 is not read", sub("IpAddress", "10.0.0.0/33"), ip, "undetermined");
c("IpAddress: IPv6 is not read", sub("IpAddress", "::1"), ip, "undetermined");
c(
  "IpAddress: a leading-zero claim",
  sub("IpAddress", "192.168.0.0/16"),
  { sub: "192.168.001.1" },
  "undetermined",
);
c("IpAddress: a claim that is not an address", sub("IpAddress", "10.0.0.0/8"), {}, "undetermined");
c("IpAddress: values ORed", sub("IpAddress", ["192.168.0.0/16", "10.0.0.0/8"]), ip, "allow");
c("IpAddress: missing claim", sub("IpAddress", "10.0.0.0/8"), { sub: undefined }, "implicit-deny");
c("NotIpAddress: outside", sub("NotIpAddress", "192.168.0.0/16"), ip, "allow");
c("NotIpAddress: inside", sub("NotIpAddress", "10.0.0.0/8"), ip, "implicit-deny");
c("NotIpAddress: missing claim", sub("NotIpAddress", "10.0.0.0/8"), { sub: undefined }, "undetermined");

// ---- keys and operators ----------------------------------------------------------------------------
c("key: OIDC:SUB is not oidc:sub", { StringEquals: { "OIDC:SUB": SUB } }, {}, "undetermined");
c("key: oidc:email is not documented", { StringEquals: { "oidc:email": "a@b.c" } }, {}, "undetermined");
c(
  "key: acs:SourceIp is not in the token",
  { IpAddress: { "acs:SourceIp": "10.0.0.0/8" } },
  {},
  "undetermined",
);
c(
  "key: an undecidable key beside a failing one",
  { StringEquals: { "oidc:email": "x", "oidc:sub": "y" } },
  {},
  "implicit-deny",
);
c("key: oidc:iss", { StringEquals: { "oidc:iss": ISS } }, {}, "allow");
c(
  "key: oidc:iss, another issuer",
  { StringEquals: { "oidc:iss": "https://evil.example" } },
  {},
  "implicit-deny",
);
c("operator: StringEqualsIfExists is not documented", sub("StringEqualsIfExists", SUB), {}, "undetermined");
c("operator: names are case-sensitive", sub("stringequals", SUB), {}, "undetermined");
c("operator: Null is not documented", sub("Null", "false"), {}, "undetermined");
c(
  "operator: an unknown operator beside a failing one",
  { Null: { "oidc:sub": "x" }, StringEquals: { "oidc:sub": "y" } },
  {},
  "implicit-deny",
);
c("keys ANDed: both hold", { StringEquals: { "oidc:sub": SUB, "oidc:aud": AUD } }, {}, "allow");
c("keys ANDed: one fails", { StringEquals: { "oidc:sub": SUB, "oidc:aud": "x" } }, {}, "implicit-deny");
c(
  "operators ANDed: both hold",
  { StringEquals: { "oidc:sub": SUB }, StringLike: { "oidc:sub": "*main" } },
  {},
  "allow",
);
c(
  "operators ANDed: one fails",
  { StringEquals: { "oidc:sub": SUB }, StringNotLike: { "oidc:sub": "*main" } },
  {},
  "implicit-deny",
);
c("an empty Condition holds", {}, {}, "allow");
c("an empty operator block holds", { StringEquals: {} }, {}, "allow");
c("an empty value list is undetermined", sub("StringEquals", []), {}, "undetermined");
d("no Condition at all", doc(allowSt()), {}, "allow");

// ---- effects ---------------------------------------------------------------------------------------
const pr = { sub: "repo:acme/app:pull_request" };
d("Deny wins over Allow", doc(allowSt(), denySt()), {}, "explicit-deny");
d("a Deny that does not match", doc(allowSt(), denySt(sub("StringLike", "*:pull_request"))), {}, "allow");
d(
  "a Deny that matches a pull request",
  doc(allowSt(), denySt(sub("StringLike", "*:pull_request"))),
  pr,
  "explicit-deny",
);
d("only a Deny, matching", doc(denySt()), {}, "explicit-deny");
d("only a Deny, not matching", doc(denySt(sub("StringEquals", "x"))), {}, "implicit-deny");
d(
  "an undecidable Deny beside an Allow that holds",
  doc(allowSt(), denySt(sub("Null", "x"))),
  {},
  "undetermined",
);
d(
  "an undecidable Deny beside an Allow that fails",
  doc(allowSt(sub("StringEquals", "x")), denySt(sub("Null", "x"))),
  {},
  "implicit-deny",
);
d(
  "a Deny that holds beside an undecidable Allow",
  doc(allowSt(sub("Null", "x")), denySt()),
  {},
  "explicit-deny",
);
d("an undecidable Allow beside one that holds", doc(allowSt(sub("Null", "x")), allowSt()), {}, "allow");
d(
  "an undecidable Allow beside one that fails",
  doc(allowSt(sub("Null", "x")), allowSt(sub("StringEquals", "x"))),
  {},
  "undetermined",
);
const issueDeny = doc(
  allowSt(sub("StringLike", "repo:*")),
  denySt(sub("StringNotEqualsIgnoreCase", "repo:acme/app:ref:refs/heads/main")),
);
d(
  "the issue's Deny + StringNotEqualsIgnoreCase: a token from evil",
  issueDeny,
  { sub: "repo:evil/app:ref:refs/heads/main" },
  "explicit-deny",
);
d(
  "the issue's Deny + StringNotEqualsIgnoreCase: acme in other case",
  issueDeny,
  { sub: "repo:ACME/app:ref:refs/heads/main" },
  "allow",
);
d("the issue's Deny + StringNotEqualsIgnoreCase: no sub", issueDeny, { sub: undefined }, "implicit-deny");
d(
  "a negated Deny on a missing claim beside an Allow that holds",
  doc(allowSt(), denySt(sub("StringNotEquals", SUB))),
  { sub: undefined },
  "undetermined",
);

// ---- Action ----------------------------------------------------------------------------------------
const act = (Action: unknown) => doc(allowSt(undefined, { Action }));
d("Action sts:*", act("sts:*"), {}, "allow");
d("Action *", act("*"), {}, "allow");
d("Action is case-insensitive", act("STS:assumerole"), {}, "allow");
d("Action with ?", act("sts:Assume?ole"), {}, "allow");
d("Action ecs:*", act("ecs:*"), {}, "implicit-deny");
d("Action sts:GetCallerIdentity", act("sts:GetCallerIdentity"), {}, "implicit-deny");
d("Action list, one covers", act(["ecs:*", "sts:AssumeRole"]), {}, "allow");
d("Action sts:AssumeRoleWithOIDC is undocumented", act("sts:AssumeRoleWithOIDC"), {}, "undetermined");
d(
  "Action list with the undocumented one and sts:AssumeRole",
  act(["sts:AssumeRoleWithOIDC", "sts:AssumeRole"]),
  {},
  "allow",
);
d("a Deny on sts:*", doc(allowSt(), denySt(undefined, { Action: "sts:*" })), {}, "explicit-deny");
d("a Deny on ecs:*", doc(allowSt(), denySt(undefined, { Action: "ecs:*" })), {}, "allow");

// ---- Principal -------------------------------------------------------------------------------------
const fed = (Federated: unknown) => doc(allowSt(undefined, { Principal: { Federated } }));
d("another provider", fed(OTHER), {}, "implicit-deny");
d("a list with the provider", fed([OTHER, ARN]), {}, "allow");
d("a wildcard provider", fed("acs:ram::1234567890123456:oidc-provider/*"), {}, "undetermined");
d("a provider named in other case", fed(ARN.toUpperCase()), {}, "undetermined");
d(
  "a Deny with ? against a non-ASCII subject, beside an Allow",
  doc(allowSt(), denySt(sub("StringLike", "repo:acme/app:ref:refs/heads/?"))),
  { sub: "repo:acme/app:ref:refs/heads/\u{1F600}" },
  "undetermined",
);
d(
  "a document member beside Version and Statement",
  JSON.stringify({ Version: "1", Statement: [allowSt()], Extra: [] }),
  {},
  "undetermined",
);
d(
  "a RAM principal only",
  doc(allowSt(undefined, { Principal: { RAM: "acs:ram::1234567890123456:root" } })),
  {},
  "implicit-deny",
);

// ---- elements and grammar --------------------------------------------------------------------------
d("a Resource element is not evaluated", doc(allowSt(undefined, { Resource: "*" })), {}, "undetermined");
d(
  "a NotAction element is not evaluated",
  doc(allowSt(undefined, { NotAction: "ecs:*" })),
  {},
  "undetermined",
);
d("a Sid is fine", doc(allowSt(undefined, { Sid: "ci" })), {}, "allow");
d(
  "element names ignore case",
  doc({ effect: "Allow", action: "sts:AssumeRole", principal: { federated: ARN } }),
  {},
  "allow",
);
d("a lone statement object", JSON.stringify({ Version: "1", Statement: allowSt() }), {}, "allow");
d("Effect 'allow' is malformed", doc(allowSt(undefined, { Effect: "allow" })), {}, "malformed");
d("no Action is malformed", doc({ Effect: "Allow", Principal: { Federated: ARN } }), {}, "malformed");
d("an empty Action list is malformed", act([]), {}, "malformed");
d("Principal '*' is malformed", doc(allowSt(undefined, { Principal: "*" })), {}, "malformed");
d("no statement is malformed", JSON.stringify({ Version: "1", Statement: [] }), {}, "malformed");
d("Effect twice is malformed", doc({ ...allowSt(), effect: "Deny" }), {}, "malformed");
d("an object as a value is malformed", doc(allowSt(sub("StringEquals", { a: 1 }))), {}, "malformed");
d("not JSON is malformed", "{", {}, "malformed");
d("a number Version is malformed", JSON.stringify({ Version: 1, Statement: [allowSt()] }), {}, "malformed");

// ---- claims ----------------------------------------------------------------------------------------
c("aud as a list, listed value", { StringEquals: { "oidc:aud": AUD } }, { aud: ["other", AUD] }, "allow");
c("aud as an empty list is missing", { StringEquals: { "oidc:aud": AUD } }, { aud: [] }, "implicit-deny");
c("a null claim is missing", sub("StringEquals", SUB), { sub: null }, "implicit-deny");
c("a boolean claim for Bool", sub("Bool", true), { sub: true }, "allow");
c(
  "a list claim with one unreadable value and one match",
  sub("NumericEquals", 42),
  { sub: ["x", "42"] },
  "allow",
);

// ---- names every JavaScript object inherits ------------------------------------------------------
// RAM documents none of them as an operator or a condition key: each is unknown, so undetermined,
// never an inherited member of a lookup table (which would make a Deny silently not apply).
// Written as text: `__proto__` in an object literal would set a prototype, not a key.
const ALLOW_TEXT = `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"${ARN}"},"Condition":{"StringEquals":{"oidc:sub":"${SUB}"}}}`;
const withStatements = (...texts: string[]) => `{"Version":"1","Statement":[${texts.join(",")}]}`;
const denyText = (cond: string) =>
  `{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"Federated":"${ARN}"},"Condition":${cond}}`;
const allowText = (cond: string) =>
  `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"${ARN}"},"Condition":${cond}}`;
for (const name of INHERITED_NAMES) {
  d(
    `a Deny keyed '${name}' beside a holding Allow is undetermined`,
    withStatements(ALLOW_TEXT, denyText(`{"StringEquals":{"${name}":"x"}}`)),
    {},
    "undetermined",
  );
  d(
    `a Deny with operator '${name}' beside a holding Allow is undetermined`,
    withStatements(ALLOW_TEXT, denyText(`{"${name}":{"oidc:sub":"x"}}`)),
    {},
    "undetermined",
  );
  d(
    `an Allow keyed '${name}' is undetermined`,
    withStatements(allowText(`{"StringEquals":{"oidc:sub":"${SUB}","${name}":"x"}}`)),
    {},
    "undetermined",
  );
  d(
    `an Allow with operator '${name}' is undetermined`,
    withStatements(allowText(`{"StringEquals":{"oidc:sub":"${SUB}"},"${name}":{"oidc:sub":"${SUB}"}}`)),
    {},
    "undetermined",
  );
}
d(
  "a token claim named like an inherited member is no claim: a Deny on it is not decided",
  withStatements(ALLOW_TEXT, denyText(`{"StringNotEquals":{"oidc:email":"x"}}`)),
  { constructor: "x" },
  "undetermined",
);

// A member named twice in one object: RAM does not say which one it reads, so nobody decides.
const twice = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`no ${from} in ${text}`);
  return text.replace(from, to);
};
d(
  "Effect named twice (both Allow)",
  twice(doc(allowSt()), '"Effect":"Allow",', '"Effect":"Allow","Effect":"Allow",'),
  {},
  "undetermined",
);
d(
  "Effect named twice (Deny, then Allow)",
  twice(doc(allowSt()), '"Effect":"Allow",', '"Effect":"Deny","Effect":"Allow",'),
  {},
  "undetermined",
);
d(
  "a condition key named twice",
  twice(
    doc(allowSt({ StringEquals: { "oidc:sub": SUB } })),
    `"oidc:sub":"${SUB}"`,
    `"oidc:sub":"${SUB}","oidc:sub":"repo:*"`,
  ),
  {},
  "undetermined",
);
d(
  "a Statement named twice at the top",
  twice(doc(allowSt()), '{"Version":"1",', `{"Version":"1","Statement":${JSON.stringify([denySt()])},`),
  {},
  "undetermined",
);
// The kinds are alternatives: the provider's own ARN admits the token whatever the other kind says.
d(
  "a principal kind RAM does not document, beside the provider",
  doc(allowSt(undefined, { Principal: { Federated: ARN, OIDC: ARN } })),
  {},
  "allow",
);

// A Deny on a list claim only some of whose values match: under "every value" it would not apply.
d(
  "a Deny on aud where only one of two values matches",
  doc(allowSt(), denySt({ StringEquals: { "oidc:aud": "evil" } })),
  { aud: [AUD, "evil"] },
  "undetermined",
);
d(
  "a Deny on aud where every value matches",
  doc(allowSt(), denySt({ StringEquals: { "oidc:aud": ["evil", AUD] } })),
  { aud: [AUD, "evil"] },
  "explicit-deny",
);
d(
  "a Deny on aud where no value matches",
  doc(allowSt(), denySt({ StringEquals: { "oidc:aud": "evil" } })),
  { aud: [AUD, "other"] },
  "allow",
);
d(
  "a principal kind RAM does not document, alone",
  doc(allowSt(undefined, { Principal: { OIDC: ARN } })),
  {},
  "undetermined",
);
d(
  "a principal kind RAM does not document, beside another provider",
  doc(allowSt(undefined, { Principal: { Federated: "acs:ram::1:oidc-provider/other", AWS: ARN } })),
  {},
  "undetermined",
);
