import { createHash, randomUUID } from "node:crypto";
import type { z } from "zod";
import { loadDependency } from "./deferredRequires";
import { maskKnown, maskSecrets, registerSecret, SECRET_SUBSTRING_MIN, shortQuotes, wordAt } from "./errors";
import { canonicalJson, PENDING_ID_PREFIX } from "./lifecycle";
import { containsUnknown } from "./normalize";
import { once } from "./once";
import { asSecretWire, isSecretWire } from "./secretWire";

/**
 * zod, loaded when inputs are first checked instead of with the library: refresh, destroy and the
 * refresh half of a drift gate never check inputs, and loading zod (about 50 ms of CPU then) was a
 * quarter of what the library added to each of those provider processes. Its locales are deferred
 * (deferredRequires.ts).
 * Internal (left out of the published declarations, which keep zod's own types out).
 *
 * @internal
 */
export const zod = once(() => loadDependency(() => require("zod") as typeof import("zod")).z);

/**
 * A resource's field rules, built by `build` on first use (see `zod`), then kept. Schemas the rules
 * share are built inside `build` too, so nothing at a module's top level touches zod.
 *
 * @internal
 */
export function lazyRules<R>(build: (zod: typeof z) => R): () => R {
  return once(() => build(zod()));
}

/** One problem with an input, as the engine shows it at preview. */
export interface CheckFailure {
  /** The argument, with an index for list items: `fingerprints[2]`. */
  property: string;
  /** What is wrong with the value and the limit that applies. Never echoes a secret. */
  reason: string;
}

/** A field's schema and whether it must be present. */
export interface FieldRule {
  schema: z.ZodType;
  required?: boolean;
}

function pathText(field: string, path: readonly PropertyKey[]): string {
  let out = field;
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return out;
}

/**
 * Validates each known field against its schema and collects every problem at
 * once. Fields whose value is unknown at preview pass through untouched (they
 * are checked again at `up`, when known). Returns the parsed (normalized)
 * values of the valid fields.
 */
export function validateFields(
  input: Record<string, unknown>,
  rules: Record<string, FieldRule>,
): { values: Record<string, unknown>; failures: CheckFailure[] } {
  const values: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const raw = input[field];
    if (raw === undefined || raw === null) {
      if (rule.required) failures.push({ property: field, reason: "is required" });
      continue;
    }
    if (containsUnknown(raw)) {
      values[field] = raw;
      continue;
    }
    const parsed = rule.schema.safeParse(raw);
    if (parsed.success) {
      values[field] = parsed.data;
    } else {
      for (const issue of parsed.error.issues) {
        failures.push({ property: pathText(field, issue.path), reason: issue.message });
      }
    }
  }
  return { values, failures };
}

/**
 * Why `v` is not an acceptable https URL, or undefined. `allowQuery: false` for an issuer (its
 * `iss` is compared whole); `example` is shown when `v` is not a URL at all.
 */
export function httpsUrlProblem(
  v: string,
  opts: { allowQuery: boolean; example: string },
): string | undefined {
  if (v.length === 0) return "must not be empty";
  // The URL parser forgives what the service does not: it trims spaces, drops tabs and newlines,
  // reads `https:host` as `https://host` and `https://@host` as having no user info. The text is
  // sent as written, so it is checked as written first.
  if (/\s/.test(v)) return "must not contain spaces, tabs or line breaks (remove them)";
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `'${v}' is not a URL; expected e.g. ${opts.example}`;
  }
  if (url.protocol !== "https:") return `must start with https:// (got '${url.protocol}//')`;
  if (!/^https:\/\//i.test(v)) return `must start with https://; expected e.g. ${opts.example}`;
  if ((v.slice("https://".length).split(/[/?#]/)[0] ?? "").includes("@"))
    return "must not contain user info (user@ or user:password@)";
  if (url.username || url.password) return "must not contain user info (user@ or user:password@)";
  if (!opts.allowQuery && (url.search || v.includes("?"))) return "must not contain a query (?...)";
  if (url.hash || v.includes("#")) return "must not contain a fragment (#...)";
  if (!url.hostname) return "must have a host";
  return undefined;
}

/**
 * `must be at most 128 characters for ..., but has 129`: the limit comes first, so it is read
 * within the first line even behind the engine's longest resource type names.
 */
export function tooLong(actual: number, max: number, what: string): string {
  return `must be at most ${max} characters for ${what}, but has ${actual}`;
}

/** Renders failures as one multi-line message (for errors thrown outside `check`). */
export function formatFailures(failures: readonly CheckFailure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
}

/**
 * Re-runs a resource's check on the inputs that reach create/update and
 * returns them typed, or throws every problem at once. The engine has already
 * run check; this guards against values that were unknown at preview.
 */
export function requireChecked<T>(
  resource: string,
  check: (news: Record<string, unknown>) => { inputs: Record<string, unknown>; failures: CheckFailure[] },
  raw: Record<string, unknown>,
): T {
  const { inputs, failures } = check(raw);
  if (containsUnknown(inputs))
    failures.push({ property: "(inputs)", reason: "contain values unknown at apply" });
  if (failures.length > 0) throw new Error(`invalid ${resource} arguments:\n${formatFailures(failures)}`);
  return inputs as unknown as T;
}

/**
 * How much of a check's failures reaches the engine: each reason at most `reason` characters, the
 * reasons and the engine's ~100 characters per failure at most `total` (no failure names a
 * property, so the engine shows no value beside it), and at most `count` failures (then one line
 * saying how many more). The engine prints each failure twice (as it happens and under
 * Diagnostics), so a refusal stays under 4 KB whatever the size of the inputs.
 */
export const FAILURE_BUDGET = { reason: 1000, total: 1600, count: 8 } as const;

/**
 * What the engine adds to each failure, counted once like the reasons: its type, resource name and
 * "property ... has a problem" (up to ~150 characters for the longest type names), once per print,
 * and the progress line's own prefix (measured in test/e2e/largest.e2e.test.ts).
 */
const ENGINE_PREFIX = 200;

/**
 * A check's answer as the engine should get it: its failures presented ({@link presentFailures}),
 * and the program's `secretInputs` (names, for masking) left out of the inputs the engine stores
 * and displays. The values they name are registered as secrets of this process (`registerSecret`),
 * so whatever the create or update that follows in the same process prints masks them too.
 */
export function forEngine<R extends { inputs?: unknown; failures?: CheckFailure[] }>(
  result: R,
  news: Record<string, unknown>,
  secrets: readonly string[] = [],
): R {
  rememberSecretInputs(news);
  const inputs =
    result.inputs && typeof result.inputs === "object" && "secretInputs" in result.inputs
      ? Object.fromEntries(Object.entries(result.inputs).filter(([k]) => k !== "secretInputs"))
      : result.inputs;
  const failures = result.failures?.length
    ? presentFailures(result.failures, news, secrets)
    : result.failures;
  return { ...result, inputs, failures };
}

/**
 * At most this many values (and words) of one check's secret inputs are registered. Masking costs
 * one pass over a text whatever the number registered (errors.ts), so the bound is for memory.
 */
const REGISTER_MAX = 10_000;

function rememberSecretInputs(news: Record<string, unknown>): void {
  const values: string[] = [];
  for (const v of secretLeaves(news)) {
    if (typeof v !== "string") continue;
    values.push(v);
    registerSecret(v);
    if (values.length === REGISTER_MAX) break;
  }
  // The service may quote one part of a value back (an action of a secret policy document, one
  // person of a secret roster): its longer words are masked too, on a budget of their own, after
  // every whole value.
  let words = REGISTER_MAX;
  for (const v of values)
    for (const word of v.split(/[\s"'{}[\],;]+/))
      if (word.length >= SECRET_WORD_MIN && word !== v && !COMMON_WORD.test(word)) {
        registerSecret(word);
        if (--words === 0) return;
      }
}

/** The shortest word of a secret input masked on its own (shorter ones are common words: `Statement`). */
const SECRET_WORD_MIN = 12;

/** Words every policy has (`StringEquals`, `sts:AssumeRole`): masking them would blank other messages. */
const COMMON_WORD =
  /^((ForAnyValue|ForAllValues):)?((String|Numeric|Date)[A-Za-z]*|Bool|IpAddress|NotIpAddress)$|^[a-z-]+:[A-Za-z*]+$/;

/**
 * The strings and numbers inside the inputs named in `secrets` and in the program's
 * `secretInputs`, at any depth up to 8 (a secret map or list).
 */
function* secretLeaves(
  news: Record<string, unknown>,
  secrets: readonly string[] = [],
): Generator<string | number | bigint> {
  const keys = new Set([...secrets, ...namesIn(news[SECRET_NAMES_KEY])]);
  function* walk(v: unknown, depth: number): Generator<string | number | bigint> {
    if (typeof v === "string" || typeof v === "number" || typeof v === "bigint") yield v;
    else if (v && typeof v === "object" && depth < 8)
      for (const inner of Object.values(v)) yield* walk(inner, depth + 1);
  }
  for (const k of keys) yield* walk(news[k], 0);
}

/**
 * `err` with every secret this process knows (`maskSecrets`: credentials, and the program's
 * secret inputs its checks registered) masked in its message, stack and reasons: an error of a
 * create, update or delete may quote an input (the service echoing a name, a failed sync's summary).
 */
export function maskError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  err.message = maskSecrets(err.message);
  if (err.stack) err.stack = maskSecrets(err.stack);
  const reasons = (err as { reasons?: unknown }).reasons;
  if (Array.isArray(reasons))
    (err as unknown as { reasons: unknown[] }).reasons = reasons.map((r) =>
      typeof r === "string" ? maskSecrets(r) : r,
    );
  return err;
}

/**
 * The output that keeps, in state, the names of the inputs the program marked secret (names only,
 * never values). The engine gives the provider secrets as plain values and runs no check before a
 * refresh or a delete (`destroy`, a resource removed from the program), so without these names
 * the values a read or delete may quote would not be known as secret there.
 */
export const SECRET_NAMES_KEY = "secretInputs";

/**
 * The names the program marked secret, by the digest of the inputs a check returned: the create or
 * update that follows in the same process receives exactly those inputs, and records the names in
 * its outputs. Only checks of programs with secret inputs add an entry.
 */
const checkedSecretNames = new Map<string, string[]>();

/** At most this many checks' names are kept (a program of thousands of resources with secrets). */
const CHECKED_NAMES_MAX = 10_000;

function inputsDigest(inputs: Record<string, unknown>): string {
  const { __provider: _provider, [SECRET_NAMES_KEY]: _names, ...rest } = inputs;
  return createHash("sha256").update(canonicalJson(rest)).digest("base64");
}

function namesIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
}

/** The strings the inputs `names` name hold (at most REGISTER_MAX, of 4 characters or more). */
function secretValuesOf(record: Record<string, unknown>, names: readonly string[], min = SCAN_MIN): string[] {
  const values: string[] = [];
  for (const v of secretLeaves({ ...record, [SECRET_NAMES_KEY]: [] }, names)) {
    if (typeof v === "string" && v.length >= min) values.push(v);
    if (values.length === REGISTER_MAX) break;
  }
  return values;
}

/**
 * The shortest secret value looked for in every output: a shorter one (`ci`, `bob`) would be found
 * in unrelated outputs: outputs made from such an input are named as derived from it instead. An
 * id is tested with every non-empty value, as a whole word ({@link quotesAny}).
 */
const SCAN_MIN = 4;

/**
 * From this length a secret value is looked for anywhere in a text; a shorter one only as a whole
 * word (`bob` in `user/bob@x`, not `7` in a numeric id) in an id, and only as a whole value in an
 * output (a secret description `prod` does not seal every ARN of a prod account). The same length
 * as messages are masked by.
 */
const SUBSTRING_MIN = SECRET_SUBSTRING_MIN;

/** Whether `text` holds `value` (lower case) as a whole word ({@link wordAt}). */
function hasWord(text: string, value: string): boolean {
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1))
    if (wordAt(text, at, value.length)) return true;
  return false;
}

/**
 * Whether `text` (an id) quotes one of `values`, in any case (RAM writes a role's name in lower
 * case in its ARN, and an adopted object's live name may differ in case): a long value anywhere,
 * as written or as JSON writes it, a short one as a whole word.
 */
function quotesAny(text: string, values: readonly string[]): boolean {
  const t = text.toLowerCase();
  return values.some((v) => {
    const lower = v.toLowerCase();
    if (lower.length < SUBSTRING_MIN) return hasWord(t, lower);
    return t.includes(lower) || t.includes(JSON.stringify(lower).slice(1, -1));
  });
}

/** Whether an output's value holds one of `values`: a long one anywhere in it, a short one as one of its strings. */
function holdsAny(value: unknown, values: readonly string[]): boolean {
  const long = values.filter((v) => v.length >= SUBSTRING_MIN);
  const short = new Set(values.filter((v) => v.length < SUBSTRING_MIN).map((v) => v.toLowerCase()));
  if (long.length > 0 && quotesAny(JSON.stringify(value) ?? "", long)) return true;
  if (short.size === 0) return false;
  const leaves = (v: unknown, depth: number): boolean =>
    typeof v === "string"
      ? short.has(v.toLowerCase())
      : !!v && typeof v === "object" && depth < 8 && Object.values(v).some((x) => leaves(x, depth + 1));
  return leaves(value, 0);
}

/**
 * An id the engine may store and print: the engine never encrypts ids, so one that quotes a secret
 * input's value (a role or policy named by a secret) is replaced by `previous` when that one is
 * clean, or by an opaque one. Every operation reads the object's names from its stored outputs,
 * not from the id; an import, which has no outputs yet, still takes the name as its id. A pending
 * create's stand-in id keeps its prefix, which tells the operations after it to use the id they
 * record (`liveId`).
 */
function cleanId(id: string, values: readonly string[], previous?: string): string {
  if (id === "" || OPAQUE_ID.test(id) || !quotesAny(id, values)) return id;
  // An opaque id made before stays, whatever it happens to contain: an id must not move at refresh.
  if (previous && (OPAQUE_ID.test(previous) || !quotesAny(previous, values))) return previous;
  return `${id.startsWith(PENDING_ID_PREFIX) ? PENDING_ID_PREFIX : ""}secret-${randomUUID()}`;
}

/** An id {@link cleanId} made. */
const OPAQUE_ID = /^(pending-create:)?secret-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The output that records which outputs were stored as secrets, so that a refresh stores the same ones. */
export const SECRET_OUTPUTS_KEY = "secretOutputs";

/** The outputs of `outs` to store as secrets: named by `names` or `derived` from them, or quoting one of `values`. */
function keysToSeal(
  outs: Record<string, unknown>,
  names: readonly string[],
  values: readonly string[],
  derived: Readonly<Record<string, readonly string[]>>,
): string[] {
  const fromNames = new Set([...names, ...names.flatMap((n) => derived[n] ?? [])]);
  return Object.keys(outs)
    .filter(
      (k) =>
        k !== SECRET_NAMES_KEY &&
        k !== SECRET_OUTPUTS_KEY &&
        outs[k] !== undefined &&
        (fromNames.has(k) || (values.length > 0 && holdsAny(outs[k], values))),
    )
    .sort();
}

/** `outs` with `keys` in Pulumi's secret wire form (`secretWire.ts`; those already in it left as they are). */
function sealKeys<O>(outs: O, keys: readonly string[]): O {
  if (!outs || typeof outs !== "object" || keys.length === 0) return outs;
  const out: Record<string, unknown> = { ...(outs as Record<string, unknown>) };
  for (const k of keys) {
    const v = out[k];
    if (v !== undefined && !isSecretWire(v)) out[k] = asSecretWire(v);
  }
  return out as O;
}

/**
 * Outputs as a create or update returns them: the names of the secret inputs that hold a value
 * recorded ({@link SECRET_NAMES_KEY}), every output that holds one of their values (or is derived
 * from one) stored as a secret, and which those are recorded ({@link SECRET_OUTPUTS_KEY}) so that a
 * refresh seals exactly the same ones. The engine marks only outputs named like a secret input by
 * itself, so a derived value (a role's `arn` built from a secret `roleName`, a file quoting a secret
 * client ID) would otherwise be stored in plain text.
 */
function recorded<O>(
  outs: O,
  inputs: Record<string, unknown>,
  names: readonly string[],
  derived: Readonly<Record<string, readonly string[]>>,
  prior?: Record<string, unknown>,
): O {
  if (!outs || typeof outs !== "object") return outs;
  const { [SECRET_NAMES_KEY]: _n, [SECRET_OUTPUTS_KEY]: _s, ...rest } = outs as Record<string, unknown>;
  // A name whose input holds no value of its own (an empty marker) masks and seals nothing; one
  // the check took out of the inputs (folded into another) still seals what is derived from it.
  const holding = names.filter((n) => !(n in inputs) || secretValuesOf(inputs, [n], 1).length > 0);
  // An update stopped half-way: its properties are the old state with part of the change, so
  // what the old state kept secret (a value the program has since changed, or no longer marks
  // secret) stays secret there, and stays recorded for the refresh or delete that runs no check.
  const priorNames = prior ? namesIn(prior[SECRET_NAMES_KEY]) : [];
  const all = [...new Set([...holding, ...priorNames])];
  if (all.length === 0) return rest as O;
  const values = [...secretValuesOf(inputs, holding), ...(prior ? secretValuesOf(prior, priorNames) : [])];
  const priorSealed = prior ? namesIn(prior[SECRET_OUTPUTS_KEY]).filter((k) => rest[k] !== undefined) : [];
  const keys = [...new Set([...keysToSeal(rest, all, values, derived), ...priorSealed])].sort();
  return { ...sealKeys(rest, keys), [SECRET_NAMES_KEY]: all, [SECRET_OUTPUTS_KEY]: keys } as O;
}

interface SecretNamedProvider {
  check?(olds: never, news: never): Promise<unknown>;
  create(inputs: never): Promise<unknown>;
  read?(id: string, props?: never): Promise<unknown>;
  update?(id: string, olds: never, news: never): Promise<unknown>;
  delete?(id: string, props: never): Promise<void>;
}

/**
 * `impl` keeping the program's secret inputs secret on every path, not only in a check:
 * - a check's secret input names (`secretInputs`, see {@link forEngine}) are recorded in the
 *   outputs of the create or update that follows ({@link SECRET_NAMES_KEY}), never in the inputs
 *   the engine stores and displays;
 * - a read or delete registers the values those recorded names hold before it calls the service,
 *   so what it prints masks them although no check ran in its process (`refresh`, `destroy`);
 * - every output that holds such a value is stored as a secret ({@link recorded}), a refresh seals
 *   the same outputs, and the same values carried into inputs (a stable `arn`) are sealed there
 *   too; an id that quotes one is replaced ({@link cleanId}), in a success and in partial state;
 * - every error of a create, read, update or delete is masked ({@link maskError}).
 *
 * @param derived - outputs that hold an input's values in a form no value test finds (a
 *   directory's `ids`, made from its secret `people`), by input name: sealed with it.
 * @param parts - for an input whose value is one text of many items (a directory's roster), the
 *   pieces a message may quote alone (each person's user name and externalId), by input name:
 *   each is masked like a whole secret value, whatever its length.
 */
export function withSecretNames<T extends SecretNamedProvider>(
  impl: T,
  derived: Readonly<Record<string, readonly string[]>> = {},
  parts: Readonly<Record<string, (value: unknown) => readonly string[]>> = {},
): T {
  type Rec = Record<string, unknown>;
  type PartialState = { id?: unknown; properties?: unknown };
  const check = impl.check?.bind(impl) as
    | ((o: Rec, n: Rec) => Promise<{ inputs?: Rec; failures?: unknown[] }>)
    | undefined;
  const create = impl.create.bind(impl) as (i: Rec) => Promise<{ id: string; outs?: Rec }>;
  const read = impl.read?.bind(impl) as
    | ((id: string, p?: Rec) => Promise<{ id: string; props?: Rec; inputs?: Rec }>)
    | undefined;
  const update = impl.update?.bind(impl) as
    | ((id: string, o: Rec, n: Rec) => Promise<{ outs?: Rec }>)
    | undefined;
  const remove = impl.delete?.bind(impl) as ((id: string, p: Rec) => Promise<void>) | undefined;
  const namesFor = (inputs: Rec): string[] =>
    checkedSecretNames.size === 0 ? [] : (checkedSecretNames.get(inputsDigest(inputs)) ?? []);
  const masked = async <R>(
    f: () => Promise<R>,
    inputs?: Rec,
    names: readonly string[] = [],
    id?: string,
    prior?: Rec,
  ) => {
    try {
      return await f();
    } catch (err) {
      const e = err as PartialState | null;
      if (inputs && e && typeof e === "object" && e.properties && typeof e.properties === "object") {
        e.properties = recorded(e.properties, inputs, names, derived, prior);
        const values = [
          ...secretValuesOf(inputs, names, 1),
          ...(prior ? secretValuesOf(prior, namesIn(prior[SECRET_NAMES_KEY]), 1) : []),
        ];
        if (typeof e.id === "string") e.id = cleanId(e.id, values, id);
      }
      throw maskError(err);
    }
  };
  /** Registers what a message may quote of the inputs `names` names, in pieces (`parts`). */
  const registerParts = (record: Rec, names: readonly string[]) => {
    for (const [input, split] of Object.entries(parts))
      if (names.includes(input)) for (const piece of split(record[input])) registerSecret(piece);
  };
  /** Registers what `record` (inputs, or a state) names secret in its own `secretInputs`, pieces too. */
  const rememberNamedIn = (record: Rec) => {
    rememberSecretInputs(record);
    registerParts(record, namesIn(record[SECRET_NAMES_KEY]));
  };
  const wrapped: SecretNamedProvider = {
    async create(inputs: Rec) {
      const names = namesFor(inputs);
      for (const v of secretValuesOf(inputs, names, 2)) registerSecret(v);
      registerParts(inputs, names);
      const r = await masked(() => create(inputs), inputs, names);
      return {
        ...r,
        id: cleanId(r.id, secretValuesOf(inputs, names, 1)),
        outs: recorded(r.outs, inputs, names, derived),
      };
    },
  };
  if (check)
    wrapped.check = async (olds: Rec, news: Rec) => {
      const names = namesIn(news[SECRET_NAMES_KEY]);
      // Before the check runs: a warning it prints (an unreachable issuer, an adoption) quotes names.
      rememberNamedIn(news);
      let r: { inputs?: Rec; failures?: unknown[] };
      try {
        r = await check(olds, news);
      } catch (err) {
        // A check that throws (the account refused, a look-up failed) may quote a secret input.
        throw maskError(err);
      }
      if (names.length === 0 || !r.inputs || (r.failures?.length ?? 0) > 0) return r;
      // As the check wrote them (an issuer without its :443, a fingerprint without colons): what a
      // later message quotes is the checked form.
      for (const v of secretValuesOf(r.inputs, names, 2)) registerSecret(v);
      // Matched by the inputs the create or update will be given: the engine hands them back plain.
      // The oldest check is forgotten first; one checked again counts as new.
      const digest = inputsDigest(r.inputs);
      checkedSecretNames.delete(digest);
      if (checkedSecretNames.size >= CHECKED_NAMES_MAX)
        checkedSecretNames.delete(checkedSecretNames.keys().next().value as string);
      checkedSecretNames.set(digest, names);
      // What the check carried from the old outputs (a stable `arn`) is no input of the program's,
      // so the engine would store it plain: sealed as an output would be.
      const carried = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !(k in news)));
      const seal = keysToSeal(carried, names, secretValuesOf(news, names), derived);
      return seal.length > 0 ? { ...r, inputs: sealKeys(r.inputs, seal) } : r;
    };
  if (read)
    wrapped.read = async (id: string, props?: Rec) => {
      const old = props ?? {};
      rememberNamedIn(old);
      const names = namesIn(old[SECRET_NAMES_KEY]);
      const sealedKeys = namesIn(old[SECRET_OUTPUTS_KEY]);
      const r = await masked(() => read(id, props));
      if (r.id === "" || names.length === 0) return r;
      const { [SECRET_NAMES_KEY]: _n, [SECRET_OUTPUTS_KEY]: _s, ...inputs } = r.inputs ?? {};
      const { [SECRET_NAMES_KEY]: _pn, [SECRET_OUTPUTS_KEY]: _ps, ...live } = r.props ?? {};
      // Those sealed before, and any output that quotes a secret only now (an ARN a pending create
      // did not know yet): the set only grows, so a refresh never unseals one.
      const values = secretValuesOf(old, names);
      const keys = [
        ...new Set([
          ...sealedKeys,
          ...keysToSeal(live, names, values, derived),
          ...keysToSeal(inputs, names, values, derived),
        ]),
      ].sort();
      return {
        ...r,
        id: cleanId(r.id, secretValuesOf(old, names, 1), id),
        props: { ...sealKeys(live, keys), [SECRET_NAMES_KEY]: names, [SECRET_OUTPUTS_KEY]: keys },
        ...(r.inputs === undefined ? {} : { inputs: sealKeys(inputs, keys) }),
      };
    };
  if (update)
    wrapped.update = async (id: string, olds: Rec, news: Rec) => {
      rememberNamedIn(olds);
      const names = namesFor(news);
      registerParts(news, names);
      const r = await masked(() => update(id, olds, news), news, names, id, olds);
      return { ...r, outs: recorded(r.outs, news, names, derived) };
    };
  if (remove)
    wrapped.delete = async (id: string, props: Rec) => {
      rememberNamedIn(props);
      await masked(() => remove(id, props));
    };
  return { ...impl, ...wrapped } as T;
}

/** The longest property path a failure names; a longer one (a 100k-character map key) is cut. */
const PROPERTY_MAX = 80;

/**
 * The failures as the engine should see them: every one on the resource, its property named at the
 * start of the reason. The engine prints the value of the top-level input a failure names
 * (`property X value Y has a problem`) in plain text, secret or not, and whole: a private key put
 * where a public one belongs, a Pulumi secret the provider process cannot tell from plain text (the
 * host strips the mark), or 50 KB of people ahead of the sentence that says what to do. So no
 * failure names a property to the engine, and the reason alone, bounded, reaches the user. Known
 * secret values (`secrets`, and the inputs the program names in `secretInputs`) are masked in every
 * reason, and the list is kept within `FAILURE_BUDGET`.
 */
export function presentFailures(
  failures: readonly CheckFailure[],
  news: Record<string, unknown>,
  secrets: readonly string[] = [],
): CheckFailure[] {
  const mask = secretMask(news, secrets);
  const cut = (text: string) =>
    text.length <= FAILURE_BUDGET.reason ? text : `${text.slice(0, FAILURE_BUDGET.reason - 1)}…`;
  const out: CheckFailure[] = [];
  let total = 0;
  for (const [i, f] of failures.entries()) {
    // A map key is a value too (`people["emp-7"]`): masked like one.
    const named = maskKnown(f.property);
    const property = named.length <= PROPERTY_MAX ? named : `${named.slice(0, PROPERTY_MAX - 1)}…`;
    // Every value the process knows (registered before the check ran: short ones as whole words,
    // in any case and escaped form), in the reason alone: the credential patterns would take
    // `clientSecret: must` for a secret. Then this check's secret inputs (and a cut quote of one).
    const said = maskSecrets(f.reason);
    const reason = cut(shortQuotes(mask(property === "" ? said : `${property}: ${said}`)));
    const cost = ENGINE_PREFIX + reason.length;
    if (out.length > 0 && (out.length >= FAILURE_BUDGET.count || total + cost > FAILURE_BUDGET.total)) {
      out.push({
        property: "",
        reason: `Fix the problems above and run preview again: ${failures.length - i} more not shown, to keep this short.`,
      });
      break;
    }
    total += cost;
    out.push({ property: "", reason });
  }
  return out;
}

/** A piece of a secret this long or longer is masked wherever a reason quotes it (a cut quote). */
const SECRET_PIECE = 12;

/**
 * Replaces every known secret in a text by `***`: the values of the inputs named in `secrets` and
 * in the program's `secretInputs`, every string inside them (a secret map or list), each word of
 * at least 4 characters of those strings (a reason that quotes one scope of a secret list), and
 * any run of at least 12 characters taken from one of them (a reason that quotes the start of a
 * long value and cuts the rest).
 */
export function secretMask(
  news: Record<string, unknown>,
  secrets: readonly string[] = [],
): (text: string) => string {
  const values = new Set<string>();
  const pieces = new Set<string>();
  for (const v of secretLeaves(news, secrets)) {
    if (typeof v === "string") {
      if (v.length >= 4) values.add(v);
      for (const word of v.split(/[\s,;]+/)) if (word.length >= 4) values.add(word);
      for (let i = 0; i + SECRET_PIECE <= v.length; i++) pieces.add(v.slice(i, i + SECRET_PIECE));
    } else if (String(v).length >= 4) values.add(String(v));
  }
  if (values.size === 0) return (text) => text;
  // Longest first, so a value is masked whole before any word of it.
  const ordered = [...values].sort((a, b) => b.length - a.length);
  return (text) =>
    maskPieces(
      ordered.reduce((t, v) => t.split(v).join("***"), text),
      pieces,
    );
}

/** `text` with every run covered by pieces (all SECRET_PIECE long) replaced by one `***`. */
function maskPieces(text: string, pieces: ReadonlySet<string>): string {
  if (pieces.size === 0) return text;
  const covered = new Uint8Array(text.length);
  let any = false;
  for (let i = 0; i + SECRET_PIECE <= text.length; i++)
    if (pieces.has(text.slice(i, i + SECRET_PIECE))) {
      covered.fill(1, i, i + SECRET_PIECE);
      any = true;
    }
  if (!any) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += "***";
  }
  return out;
}
