/**
 * RAM role trust policies (`AssumeRolePolicyDocument`): parsing into one
 * canonical model, semantic comparison, and generation for OIDC federation.
 *
 * RAM reshapes the documents it stores (key order, a scalar turned into a
 * one-element array, a lone statement object). Comparing the canonical models
 * instead of the text is what keeps those reshapings from showing as a diff.
 *
 * Policy grammar: https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
 * OIDC trust: https://www.alibabacloud.com/help/en/ram/user-guide/create-a-ram-role-for-a-trusted-idp
 */

export type Effect = "Allow" | "Deny";

/**
 * The condition operators on RAM's "Conditional operators" page, by family. Others are kept and
 * compared, and `evaluateTrust` reports them as undetermined.
 * https://www.alibabacloud.com/help/en/ram/conditional-operator
 */
export const CONDITION_OPERATORS = [
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
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** A condition value as written: RAM documents strings, and shows numbers and booleans unquoted too. */
export type ConditionValue = string | number | boolean;

/** One statement, canonical: every list sorted and duplicate-free. */
export interface TrustStatement {
  effect: Effect;
  actions: string[];
  principals: {
    federated: string[];
    ram: string[];
    service: string[];
    /** Principal kinds other than Federated, RAM and Service, kept as written; never evaluated. */
    other?: Record<string, unknown>;
  };
  /** operator → condition key (as written; keys are case-sensitive here) → accepted values */
  conditions: Record<string, Record<string, ConditionValue[]>>;
  /**
   * Statement elements other than Effect, Action, Principal, Condition and Sid (`NotAction`,
   * `Resource`, ...), kept as written so that they compare; the evaluator cannot decide them.
   */
  other?: Record<string, unknown>;
}

export interface TrustPolicy {
  version: string;
  statements: TrustStatement[];
  /** Document members other than Version and Statement, kept as written so that they compare; never evaluated. */
  other?: Record<string, unknown>;
}

/** A document RAM would refuse (`MalformedPolicyDocument`), with the reason. */
export class PolicyParseError extends Error {
  constructor(reason: string) {
    super(`malformed trust policy: ${reason}`);
    this.name = "PolicyParseError";
  }
}

/**
 * A document that names one member twice in an object: RAM does not document which one it reads
 * (or whether it refuses the document), so nothing is decided from it. Not a `PolicyParseError`:
 * RAM may well store it.
 */
export class AmbiguousPolicyError extends Error {
  constructor(readonly member: string) {
    super(`${member} is given twice, and which one RAM reads is not documented, so the document is not read`);
    this.name = "AmbiguousPolicyError";
  }
}

const sortedUnique = (values: string[]) => [...new Set(values)].sort();

/** Distinct values (`1` and `"1"` stay distinct), in a fixed order. */
function sortedValues(values: ConditionValue[]): ConditionValue[] {
  const byText = new Map(values.map((v) => [JSON.stringify(v), v] as const));
  return [...byText.keys()].sort().map((k) => byText.get(k) as ConditionValue);
}

const isValue = (v: unknown): v is ConditionValue =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function valueList(value: unknown, where: string): ConditionValue[] {
  if (isValue(value)) return [value];
  if (Array.isArray(value) && value.every(isValue)) return sortedValues(value);
  throw new PolicyParseError(`${where} must be a value (string, number, boolean) or a list of values`);
}

function stringList(value: unknown, where: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string"))
    return sortedUnique(value as string[]);
  throw new PolicyParseError(`${where} must be a string or a list of strings`);
}

/** Looks an element up case-insensitively (`Statement` and `statement` alike); two spellings are malformed. */
function field(obj: Record<string, unknown>, name: string): unknown {
  const hits = Object.keys(obj).filter((k) => k.toLowerCase() === name.toLowerCase());
  if (hits.length > 1) throw new PolicyParseError(`${name} is given twice (${hits.join(", ")})`);
  return hits.length === 0 ? undefined : obj[hits[0] as string];
}

const MODELLED = new Set(["effect", "action", "principal", "condition", "sid"]);
const DOCUMENT_MEMBERS = new Set(["version", "statement"]);
const PRINCIPAL_KINDS = new Set(["federated", "ram", "service"]);

/**
 * The first name given twice in one object of a JSON text (`Statement[0].Effect`), or undefined.
 * `JSON.parse` keeps the last of two equal names silently, and RAM documents nothing about them:
 * it might read the first, the last or refuse the document, so such a document is not read here
 * at all. Expects text `JSON.parse` accepted.
 */
export function duplicateName(text: string): string | undefined {
  type Level = {
    names: Set<string> | undefined;
    path: string;
    index: number;
    expectName: boolean;
    last: string;
  };
  const stack: Level[] = [];
  const at = (l: Level | undefined) => (l === undefined ? "" : l.names ? l.last : `${l.path}[${l.index}]`);
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (top?.names && top.expectName) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        const path = top.path === "" ? name : `${top.path}.${name}`;
        if (top.names.has(name)) return path;
        top.names.add(name);
        top.last = path;
        top.expectName = false;
      }
      i = j + 1;
      continue;
    }
    if (c === "{") stack.push({ names: new Set(), path: at(top), index: 0, expectName: true, last: "" });
    else if (c === "[")
      stack.push({ names: undefined, path: at(top), index: 0, expectName: false, last: "" });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === "," && top) {
      if (top.names) top.expectName = true;
      else top.index++;
    }
    i++;
  }
  return undefined;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new PolicyParseError(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function parseStatement(raw: unknown, i: number): TrustStatement {
  const where = `Statement[${i}]`;
  const st = asObject(raw, where);
  const effect = field(st, "Effect");
  if (effect !== "Allow" && effect !== "Deny")
    throw new PolicyParseError(`${where}.Effect must be Allow or Deny`);
  const actionRaw = field(st, "Action");
  if (actionRaw === undefined) throw new PolicyParseError(`${where}.Action is required`);
  const actions = stringList(actionRaw, `${where}.Action`);
  if (actions.length === 0) throw new PolicyParseError(`${where}.Action must name at least one action`);
  const principal = asObject(field(st, "Principal"), `${where}.Principal`);
  const principals: TrustStatement["principals"] = {
    federated:
      field(principal, "Federated") === undefined
        ? []
        : stringList(field(principal, "Federated"), `${where}.Principal.Federated`),
    ram:
      field(principal, "RAM") === undefined
        ? []
        : stringList(field(principal, "RAM"), `${where}.Principal.RAM`),
    service:
      field(principal, "Service") === undefined
        ? []
        : stringList(field(principal, "Service"), `${where}.Principal.Service`),
  };
  const otherKinds = Object.keys(principal).filter((k) => !PRINCIPAL_KINDS.has(k.toLowerCase()));
  if (otherKinds.length > 0) principals.other = Object.fromEntries(otherKinds.map((k) => [k, principal[k]]));
  // Null-prototype tables: an operator or key named `__proto__` is an entry like any other (an
  // assignment to a plain object would set its prototype and the condition would vanish).
  const conditions: Record<string, Record<string, ConditionValue[]>> = Object.create(null);
  const condRaw = field(st, "Condition");
  if (condRaw !== undefined) {
    for (const [op, block] of Object.entries(asObject(condRaw, `${where}.Condition`))) {
      const keys: Record<string, ConditionValue[]> = Object.create(null);
      for (const [key, values] of Object.entries(asObject(block, `${where}.Condition.${op}`)))
        keys[key] = valueList(values, `${where}.Condition.${op}.${key}`);
      conditions[op] = keys;
    }
  }
  const otherNames = Object.keys(st).filter((k) => !MODELLED.has(k.toLowerCase()));
  const statement: TrustStatement = { effect, actions, principals, conditions };
  if (otherNames.length > 0) statement.other = Object.fromEntries(otherNames.map((k) => [k, st[k]]));
  return statement;
}

/**
 * Parses a trust policy document (text or object) into the canonical model. Throws
 * `PolicyParseError` for what RAM would refuse, `AmbiguousPolicyError` for text that names a
 * member twice.
 */
export function parseTrustPolicy(doc: string | object): TrustPolicy {
  let raw: unknown = doc;
  if (typeof doc === "string") {
    try {
      raw = JSON.parse(doc);
    } catch (err) {
      throw new PolicyParseError(`not JSON (${(err as Error).message})`);
    }
    const twice = duplicateName(doc);
    if (twice !== undefined) throw new AmbiguousPolicyError(twice);
  }
  const root = asObject(raw, "the document");
  const version = field(root, "Version");
  if (version !== undefined && typeof version !== "string")
    throw new PolicyParseError("Version must be a string");
  const stRaw = field(root, "Statement");
  if (stRaw === undefined) throw new PolicyParseError("Statement is required");
  const list = Array.isArray(stRaw) ? stRaw : [stRaw];
  if (list.length === 0) throw new PolicyParseError("Statement must not be empty");
  const statements = list.map(parseStatement);
  const policy: TrustPolicy = { version: version ?? "1", statements: sortStatements(statements) };
  const otherNames = Object.keys(root).filter((k) => !DOCUMENT_MEMBERS.has(k.toLowerCase()));
  if (otherNames.length > 0) policy.other = Object.fromEntries(otherNames.map((k) => [k, root[k]]));
  return policy;
}

function sortStatements(statements: TrustStatement[]): TrustStatement[] {
  return [...statements].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
}

/** JSON with object keys sorted at every level: equal models give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The model written back as a RAM policy document (lists everywhere, empty parts left out). */
function toDocument(model: TrustPolicy): object {
  // Members outside the model are written as own members whatever their names: an assignment of
  // `__proto__` to a plain object would set its prototype, and the member would drop out of the
  // text compared with another document.
  return {
    ...model.other,
    Version: model.version,
    Statement: model.statements.map((st) => {
      const principal = Object.fromEntries([
        ...(st.principals.federated.length > 0 ? [["Federated", st.principals.federated]] : []),
        ...(st.principals.ram.length > 0 ? [["RAM", st.principals.ram]] : []),
        ...(st.principals.service.length > 0 ? [["Service", st.principals.service]] : []),
        ...Object.entries(st.principals.other ?? {}),
      ]);
      return {
        ...st.other,
        Effect: st.effect,
        Action: st.actions,
        Principal: principal,
        Condition: Object.keys(st.conditions).length > 0 ? st.conditions : undefined,
      };
    }),
  };
}

/**
 * The canonical text of a policy: a valid RAM trust policy document with keys
 * sorted, every value a sorted list and statements in a fixed order. Equal
 * meanings give equal text; it is what we compare, store and send.
 */
export function canonicalTrustPolicy(doc: string | object | TrustPolicy): string {
  const model = isModel(doc) ? doc : parseTrustPolicy(doc);
  return canonicalJson(toDocument(model));
}

function isModel(doc: unknown): doc is TrustPolicy {
  return !!doc && typeof doc === "object" && Array.isArray((doc as TrustPolicy).statements);
}

/** True when two documents mean the same thing, however RAM reshaped them. */
export function trustPoliciesEqual(a: string | object, b: string | object): boolean {
  return canonicalTrustPolicy(a) === canonicalTrustPolicy(b);
}

/** The subject conditions of an OIDC trust. */
export interface SubjectConditions {
  /** Exact `sub` values (`StringEquals`). */
  equals?: string[];
  /** `sub` patterns with `*` and `?` (`StringLike`). */
  like?: string[];
}

/** Everything an OIDC trust policy says. */
export interface OidcTrustSpec {
  /** `acs:ram::<account>:oidc-provider/<name>` */
  providerArn: string;
  /** When given, `oidc:iss` must equal it. */
  issuerUrl?: string;
  /** `oidc:aud` must be one of these. */
  audiences: string[];
  /** `oidc:sub` conditions; none means any subject of the IdP (say so loudly). */
  subjects?: SubjectConditions;
  /**
   * More conditions, ANDed into every statement: operator → key → value(s), as RAM writes them.
   * A key must not repeat one the spec above already sets under the same operator.
   */
  conditions?: Record<string, Record<string, ConditionValue | ConditionValue[]>>;
}

/**
 * The trust policy document for an OIDC federation, as RAM's console would
 * write it: one Allow statement for `sts:AssumeRole`, the provider as the
 * Federated principal, and the iss/aud/sub conditions.
 */
export function buildOidcTrustPolicy(spec: OidcTrustSpec): string {
  const base: Record<string, string | string[]> = {};
  if (spec.issuerUrl) base["oidc:iss"] = spec.issuerUrl;
  base["oidc:aud"] = one(sortedUnique(spec.audiences));
  const subEq = sortedUnique(spec.subjects?.equals ?? []);
  const subLike = sortedUnique(spec.subjects?.like ?? []);
  const statement = (condition: Record<string, Record<string, ConditionValue | ConditionValue[]>>) => {
    // Null prototype: an operator named `__proto__` stays an entry instead of replacing the prototype.
    const merged: Record<string, Record<string, ConditionValue | ConditionValue[]>> = Object.assign(
      Object.create(null),
      condition,
    );
    for (const [op, keys] of Object.entries(spec.conditions ?? {}))
      merged[op] = Object.assign(Object.create(null), Object.hasOwn(merged, op) ? merged[op] : {}, keys);
    return {
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { Federated: [spec.providerArn] },
      Condition: merged,
    };
  };
  const statements = [];
  // Conditions within one statement are ANDed; exact subjects and patterns are
  // alternatives, so each kind gets a statement of its own.
  if (subEq.length > 0) statements.push(statement({ StringEquals: { ...base, "oidc:sub": one(subEq) } }));
  if (subLike.length > 0)
    statements.push(statement({ StringEquals: base, StringLike: { "oidc:sub": one(subLike) } }));
  if (statements.length === 0) statements.push(statement({ StringEquals: base }));
  return JSON.stringify({ Version: "1", Statement: statements });
}

const one = (values: string[]): string | string[] => (values.length === 1 ? values[0]! : values);
