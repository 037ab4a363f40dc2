/**
 * The pieces every resource's lifecycle repeats, each with one home: defaults shared by `check`
 * and the old-state reader, a field-by-field diff, "not found means gone", partial state on a
 * failure half-way, the secret-outputs merge, and the idempotent create. Plain functions, no
 * framework: a resource is a schema, a client module and four short lifecycle functions that call
 * these.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CallOptions } from "./client/call";
import { AlicloudApiError, bounded, maskSecrets, messageOf } from "./errors";
import { containsUnknown } from "./normalize";
import { backoffDelay, isAmbiguous } from "./retry";
import { applyConfig } from "./settings";

// ------------------------------------------------------------------ configure

/** Every provider's `configure`: the stack's `alicloud-federation:*` config, read in the provider process. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  applyConfig(req.config);
  claims.clear();
}

// ------------------------------------------------------------------- defaults

/**
 * Fills the arguments `check` leaves out with their defaults, in place (unknown values stay).
 * The same `defaults` object is what `stateOf` falls back to, so check and the old-state reader
 * cannot disagree about a default.
 */
export function fillDefaults(inputs: Record<string, unknown>, defaults: object): void {
  for (const [key, value] of Object.entries(defaults))
    if (inputs[key] === undefined || inputs[key] === null) inputs[key] = value;
}

/**
 * The old state typed: each field of `shape` taken from `olds` when set, else its default. Fields
 * missing from `shape` are not carried (state written by an older version may hold extra keys).
 */
export function stateOf<T extends object>(olds: object | undefined, shape: T): T {
  const o = (olds ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shape)) {
    const v = o[key];
    out[key] = v === undefined || v === null ? value : v;
  }
  return out as T;
}

// ----------------------------------------------------------------------- diff

/** Field equality for `diffFields`; the default compares canonical JSON. */
export type FieldEquality = (old: unknown, news: unknown) => boolean;

/** Which fields replace the object and which update it in place, with custom equalities. */
export interface DiffSpec {
  /** A change of one of these replaces the object. */
  replace?: readonly string[];
  /** A change of one of these is an update in place. */
  update?: readonly string[];
  /** Equality per field where JSON equality is wrong (sets, case-insensitive names, documents). */
  equal?: Readonly<Record<string, FieldEquality>>;
}

/** JSON with object keys sorted: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value)) ?? "undefined";
}

/** Field-level differences between old state and new inputs. A value unknown at preview counts as a change. */
export function diffFields(
  olds: object,
  news: Record<string, unknown>,
  spec: DiffSpec,
): { replaces: string[]; changes: string[] } {
  const o = olds as Record<string, unknown>;
  const differs = (key: string): boolean => {
    const n = news[key];
    if (containsUnknown(n)) return true;
    const eq = spec.equal?.[key];
    return eq ? !eq(o[key], n) : canonicalJson(o[key]) !== canonicalJson(n);
  };
  const replaces = (spec.replace ?? []).filter(differs);
  const changes = [...replaces, ...(spec.update ?? []).filter(differs)];
  return { replaces, changes };
}

/**
 * The engine's answer for a diff. `deleteBeforeReplace`: true for an object whose identity is a
 * unique name that the replacement keeps (the new one cannot exist beside the old one).
 */
export function diffResult(
  d: { replaces: readonly string[]; changes: readonly string[] },
  deleteBeforeReplace = false,
): pulumi.dynamic.DiffResult {
  return {
    changes: d.changes.length > 0,
    replaces: [...d.replaces],
    deleteBeforeReplace: d.replaces.length > 0 && deleteBeforeReplace,
  };
}

// ----------------------------------------------------------- not found = gone

/** What `read` answers for an object that no longer exists: the engine drops it from state. */
export const GONE: { id: string; props: Record<string, never> } = Object.freeze({ id: "", props: {} }) as {
  id: string;
  props: Record<string, never>;
};

/** Runs a read; a "not found" error (by `isGone`) means the object is gone: `undefined`. */
export async function unlessGone<T>(
  isGone: (err: unknown) => boolean,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/**
 * Two reads of one object at once (one round trip, not two): both settle, then `undefined` when
 * the first finds the object gone, whatever the second answered; otherwise the first failure, or
 * `undefined` when the second finds it gone.
 */
export async function unlessGoneBoth<A, B>(
  isGone: (err: unknown) => boolean,
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<[A, B] | undefined> {
  const [a, b] = await Promise.allSettled([unlessGone(isGone, first), unlessGone(isGone, second)]);
  if (a.status === "rejected") throw a.reason;
  if (a.value === undefined) return undefined;
  if (b.status === "rejected") throw b.reason;
  return b.value === undefined ? undefined : [a.value, b.value];
}

/** Runs a delete; an object already gone is deleted. */
export async function deleteUnlessGone(
  isGone: (err: unknown) => boolean,
  del: () => Promise<unknown>,
): Promise<void> {
  await unlessGone(isGone, del);
}

// -------------------------------------------------------------- partial state

/** The longest reason a failed create or update records in the stack's state. */
const REASON_MAX = 4000;

/**
 * Pulumi's partial-state protocol: an error from `create` or `update` that carries `id` and
 * `properties` is recorded as "created, but failed to initialize" with those properties, and the
 * next `up` runs `update` on it instead of creating it again (non-empty `reasons` make the engine
 * run that update even when the diff finds nothing). The dynamic provider host sends `properties`
 * as they are, without adding `__provider` as it does for a success, so they carry it here:
 * without it a later `destroy` could not find the provider.
 */
export class PartialStateError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, cause: unknown) {
    // The state file keeps the reason: bounded, whatever the failure quoted.
    const why = bounded(maskSecrets(cause instanceof Error ? cause.message : String(cause)), REASON_MAX);
    super(
      `${why}\nWhat exists so far is recorded in the stack's state; the next \`pulumi up\` continues from there.`,
    );
    this.name = "PartialStateError";
    this.id = id;
    this.properties = properties;
    this.reasons = [why];
  }
}

/** The engine's own key for the serialized provider, carried into partial state. */
const PROVIDER_KEY = "__provider";

/**
 * What a multi-call create or update has made so far. Each step records its result with `set`;
 * `run` turns a failure into a `PartialStateError` holding what exists, so nothing made is lost
 * (a secret created before a later call failed reaches state, as a secret, through the resource's
 * `additionalSecretOutputs`).
 */
export class Progress<T extends object> {
  private current: T;

  private moved: boolean;

  /**
   * `created`: the object was made by this operation, so even a failure at the next call must
   * reach state. Otherwise (an update) a failure before any step succeeded is passed on as is:
   * the engine keeps the old state, which is still the truth.
   */
  constructor(
    private readonly raw: Record<string, unknown>,
    readonly id: string,
    initial: T,
    created: boolean,
  ) {
    this.current = initial;
    this.moved = created;
  }

  /** The outputs as they stand. */
  get outs(): T {
    return this.current;
  }

  /** Records the result of a step that succeeded. */
  set(patch: Partial<T>): T {
    this.moved = true;
    this.current = { ...this.current, ...patch };
    return this.current;
  }

  /** Runs the remaining steps; a failure becomes partial state with what exists. */
  async run(steps: (p: this) => Promise<T | undefined>): Promise<T> {
    try {
      const done = await steps(this);
      return done ?? this.current;
    } catch (err) {
      if (err instanceof PartialStateError || !this.moved) throw err;
      const props = { ...this.current } as Record<string, unknown>;
      if (this.raw[PROVIDER_KEY] !== undefined) props[PROVIDER_KEY] = this.raw[PROVIDER_KEY];
      throw new PartialStateError(this.id, props, err);
    }
  }
}

/**
 * The output that marks a create whose outcome is unknown: the call may have made the object, but
 * no answer said so, and looking it up failed too. Recorded as partial state under the object's
 * natural id (or, where the service assigns the id, a stand-in: `pendingId`), so the next `up`
 * resumes the create with `createOnce({since})`, which adopts the object only if it is provably
 * ours; `read` and `delete` resolve it the same way without creating (`findPending`).
 */
export const PENDING_CREATE = "createPendingSince";

/** Partial state for a create that may or may not have happened (see `PENDING_CREATE`). */
export function pendingCreate(
  raw: Record<string, unknown>,
  id: string,
  outs: object,
  since: number,
  cause: unknown,
): PartialStateError {
  const props: Record<string, unknown> = { ...outs, [PENDING_CREATE]: since };
  if (raw[PROVIDER_KEY] !== undefined) props[PROVIDER_KEY] = raw[PROVIDER_KEY];
  return new PartialStateError(id, props, cause);
}

/** When old state records a create still pending, the time it started (epoch ms). */
export function pendingSince(olds: object): number | undefined {
  const v = (olds as Record<string, unknown>)[PENDING_CREATE];
  return typeof v === "number" && v > 0 ? v : undefined;
}

/**
 * The id a pending create is recorded under when the service assigns the real id (EIAM
 * applications, SCIM users, secrets): no id is known, so the natural key stands in. Until the
 * create is resolved the real id lives in the outputs; `liveId` picks it, and `read` answers it,
 * so a refresh puts it in state.
 */
export const PENDING_ID_PREFIX = "pending-create:";

/** The stand-in id of a pending create of a service-id object (see `PENDING_ID_PREFIX`). */
export function pendingId(naturalKey: string): string {
  return `${PENDING_ID_PREFIX}${naturalKey}`;
}

/** The object's real id: `id`, unless that is a pending stand-in and the outputs hold the real one. */
export function liveId(id: string, recorded: unknown): string {
  return id.startsWith(PENDING_ID_PREFIX) && typeof recorded === "string" && recorded !== "" ? recorded : id;
}

/** True when `id` is a pending create's stand-in whose real id no output holds yet. */
export function isPendingId(id: string, recorded: unknown): boolean {
  return liveId(id, recorded).startsWith(PENDING_ID_PREFIX);
}

/**
 * Resolves a pending create without making anything (a `read` or `delete` of it): what `find`
 * returns for the recorded start, clock skew allowed, is the object the lost create made.
 */
export function findPending<R>(
  since: number,
  find: (since: number) => Promise<R | undefined>,
): Promise<R | undefined> {
  return find(since - CREATION_CLOCK_SKEW_MS);
}

/**
 * The update of a resource whose create is pending (see `PENDING_CREATE`). The program may have
 * changed since the lost create (a new description, a new trust policy), so the object it made is
 * looked up as it was declared then, with the inputs old state recorded (`findAsDeclared`): found,
 * it is recorded as existing (`stateOf`) and brought to the new declaration like any other object
 * (`updateFrom`); not found, nothing was made, and it is created as declared now (`createNow`). Looked up by the new inputs instead,
 * a changed object was missed: created twice, or refused as someone else's on every run.
 */
export async function resumePendingCreate<R, O extends object, T>(
  raw: Record<string, unknown>,
  id: string,
  since: number,
  findAsDeclared: (since: number) => Promise<R | undefined>,
  stateOf: (made: R) => O,
  updateFrom: (state: O, made: R) => Promise<T>,
  createNow: () => Promise<T>,
): Promise<T> {
  const made = await findPending(since, findAsDeclared);
  if (made === undefined) return createNow();
  const state = stateOf(made);
  try {
    return await updateFrom(state, made);
  } catch (err) {
    // Found, whatever the update does next: state says it exists (no longer pending), or the next
    // run would look for it again by inputs the failed update may have changed on it.
    if (err instanceof PartialStateError) throw err;
    const props: Record<string, unknown> = { ...(state as Record<string, unknown>) };
    if (raw[PROVIDER_KEY] !== undefined) props[PROVIDER_KEY] = raw[PROVIDER_KEY];
    throw new PartialStateError(id, props, err);
  }
}

/**
 * The output of a pending create that lists the ids of the objects of its kind that existed
 * before the call (secrets of an application): the one id not among them is what the call made.
 */
export const PENDING_EXISTING = "createPendingExisting";

/** The ids a pending create recorded as existing before it (see `PENDING_EXISTING`). */
export function pendingExisting(olds: object): Set<string> | undefined {
  const v = (olds as Record<string, unknown>)[PENDING_EXISTING];
  return Array.isArray(v) ? new Set(v.filter((x): x is string => typeof x === "string")) : undefined;
}

/**
 * The one object among `ids` that is not in `before`: what a create made. None: undefined.
 * Several (someone else made one too) are refused by name, never guessed between.
 */
export function newcomer(
  what: string,
  ids: readonly string[],
  before: ReadonlySet<string>,
): string | undefined {
  const fresh = ids.filter((x) => !before.has(x));
  if (fresh.length > 1)
    throw new Error(
      `${fresh.length} ${what} appeared while a create's answer was lost (${fresh.join(", ")}); which one is ` +
        "this stack's cannot be told, so none is taken or deleted: delete the ones not in use, then run again.",
    );
  return fresh[0];
}

// ------------------------------------------------------------- adoption plan

/**
 * What a preview says about an adoption (`adopt: true`): the object taken over and each change
 * `up` will make to it, one per line.
 */
export function adoptionNotice(what: string, arn: string, changes: readonly string[]): string {
  return (
    `${what} (adopt: true) takes over the existing ${arn}; ` +
    (changes.length === 0
      ? "up changes nothing in it."
      : `up will:\n${changes.map((c) => `  - ${c}`).join("\n")}`)
  );
}

// ------------------------------------------------------------ taken at preview

// Natural keys (`OidcRole:deployer`) of objects this stack holds, as old inputs handed to `check`
// in this provider process showed. The engine checks a replacement twice: with the old inputs,
// then, once it has decided to replace, again without them; that second check must not take the
// object being replaced for someone else's.
const held = new Set<string>();

/** Records, from a `check` with old inputs, natural keys this stack holds. */
export function holdKeys(keys: readonly unknown[]): void {
  for (const k of keys) if (typeof k === "string" && k !== "") held.add(k);
}

/** Whether a `check` with old inputs in this process showed this natural key held by the stack. */
export function isHeld(key: string): boolean {
  return held.has(key);
}

/**
 * The check failure for a create whose natural key (a name, an issuer URL) an object this stack
 * does not manage already holds: said at preview, before anything is made, instead of failing at
 * `up` after other objects were. `existing` names the object; `adoption` says what `adopt: true`
 * would do to it.
 */
export function takenFailure(
  property: string,
  existing: string,
  adoption: string,
): { property: string; reason: string } {
  return {
    property,
    // What to do first: behind the engine's prefix and a long name, the rest may be cut off.
    reason:
      `Choose another ${property}, or set \`adopt: true\` to take it over: ` +
      `${existing.charAt(0).toLowerCase()}${existing.slice(1)} already exists in this account and is not managed by this stack. ` +
      `With \`adopt: true\`, ${adoption}`,
  };
}

// ------------------------------------------------------- replacement claims

// Natural keys of objects that a create in this provider process adopted. The engine runs a whole
// deployment in one provider process, and replaces create-before-delete unless told otherwise
// (`pulumi up --replace` never asks the provider), so the delete of the old resource comes after
// the create that took its object over; it must leave that object alone.
const claims = new Set<string>();

/**
 * The claim key of a RAM user by its SCIM id, shared by `ScimDirectory` and `ScimUser`: either may
 * take over a user the other held (a replacement, a migration in either direction).
 */
export function scimUserClaim(userId: string): string {
  return `ScimUser:${userId}`;
}

/** Records that a create adopted the object with this natural key (`OidcRole:deployer`). */
export function claim(key: string): void {
  claims.add(key);
}

/** Records that a create made the object with this key anew: nothing of an older resource to protect. */
export function unclaim(key: string): void {
  claims.delete(key);
}

/** Whether a create in this deployment adopted the object with this key (the claim is kept). */
export function hasClaim(key: string): boolean {
  return claims.has(key);
}

/**
 * True (once) when the object with this key was adopted by a create in this deployment: it
 * belongs to the replacement now, and the old resource's delete must not remove it.
 */
export function takeClaim(key: string): boolean {
  return claims.delete(key);
}

// ------------------------------------------------------------ secret outputs

/**
 * Resource options with `keys` added to `additionalSecretOutputs`: the dynamic provider host
 * cannot mark outputs secret itself, so every output holding a secret is named here.
 */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  keys: readonly string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...keys] };
}

// --------------------------------------------------------- idempotent create

/** How `createOnce` makes one object. */
export interface CreateOnceSpec<R> {
  /** The create call. It runs with ambiguous failures NOT retried by the call seam: we look first. */
  create: (options: Partial<CallOptions>) => Promise<R>;
  /**
   * Looks the object up by its natural key (name, principal, external id) and returns it only when
   * it is provably ours: same name and same declared properties, created at or after `since`
   * (epoch ms, the operation's start). Otherwise undefined.
   */
  find: (since: number) => Promise<R | undefined>;
  /** The service's "already exists" answer for this object, which may be our own lost create. */
  alreadyExists?: (err: unknown) => boolean;
  /** Start of the operation (epoch ms), when it began before this call (a create continued from partial state). */
  since?: number;
}

/**
 * Service clocks and ours disagree by a little: a creation time this much before our start still
 * counts as "created in this operation". Two minutes, well under the time between two `up`s of
 * the same stack that would create an identical object.
 */
export const CREATION_CLOCK_SKEW_MS = 120_000;

/**
 * Creates exactly one object although responses get lost. The call seam retries only failures
 * that prove nothing happened (throttling); after an ambiguous one (no answer, 5xx) the object is
 * looked up by its natural key before any retry, and adopted only when provably ours. An "already
 * exists" after an ambiguous attempt is resolved the same way. APIs that take a `ClientToken` use
 * it instead (the retry is then the same request), see the client modules.
 */
export async function createOnce<R>(
  options: CallOptions,
  spec: CreateOnceSpec<R>,
): Promise<{ value: R; adopted: boolean }> {
  const since = (spec.since ?? Date.now()) - CREATION_CLOCK_SKEW_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const max = Math.max(1, options.retry.maxAttempts);
  let ambiguous = spec.since !== undefined;
  const look = async (cause: unknown): Promise<R | undefined> => {
    try {
      return await spec.find(since);
    } catch (err) {
      throw new OutcomeUnknownError(cause, err);
    }
  };
  // Resuming a pending create of an object the service names itself: no "already exists" would
  // stop a second one, so look first (a lookup that fails stays pending).
  if (spec.since !== undefined && spec.alreadyExists === undefined) {
    const found = await look(new Error("a previous create's outcome was unknown"));
    if (found !== undefined) return { value: found, adopted: true };
  }
  for (let n = 1; ; n++) {
    try {
      return { value: await spec.create({ retryAmbiguous: false }), adopted: false };
    } catch (raw) {
      const err = AlicloudApiError.is(raw) && n > 1 ? withAttempts(raw, n) : raw;
      if (isAmbiguous(err)) {
        ambiguous = true;
        const found = await look(err);
        if (found !== undefined) return { value: found, adopted: true };
        // Looked, and it is not there: the object was not made; safe to try again.
        if (n >= max) throw err;
        await sleep(backoffDelay(options.retry, n, options.random));
        continue;
      }
      if (ambiguous && spec.alreadyExists?.(err)) {
        const found = await look(err);
        if (found !== undefined) return { value: found, adopted: true };
      }
      throw err;
    }
  }
}

/**
 * The same error, counting every attempt `createOnce` made. The service's message is kept as
 * data (`detail`), never parsed back out of the formatted text: that took a backtracking regular
 * expression quadratic time on a long message, and cut a message that itself ended in
 * "(request id ...)".
 */
function withAttempts(err: AlicloudApiError, attempts: number): AlicloudApiError {
  return new AlicloudApiError({
    action: err.action,
    status: err.status,
    code: err.code,
    message: err.detail,
    requestId: err.requestId,
    attempts,
  });
}

/**
 * A create whose outcome cannot be told: its answer was lost and looking the object up failed
 * too. Name-keyed resources record it as pending partial state (`pendingCreate`).
 */
export class OutcomeUnknownError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly lookup: unknown,
  ) {
    super(
      maskSecrets(
        `${messageOf(cause)}\nWhether the object was created is unknown: looking it up failed too (${messageOf(lookup)})`,
      ),
    );
    this.name = "OutcomeUnknownError";
  }
}

/** Epoch ms of a creation time as the APIs give it: ISO 8601 text, or epoch ms as digits (IMS apps). */
export function timeOf(value: string | number | undefined): number {
  if (typeof value === "number") return value;
  if (value === undefined || value === "") return Number.NaN;
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** True when `err` is an API error (the typed one every client call throws). */
export const isApiError = (err: unknown): err is AlicloudApiError => AlicloudApiError.is(err);
