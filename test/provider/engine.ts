/**
 * What the Pulumi engine does with a dynamic provider's answers, for tests that drive provider
 * implementations directly: check, then create, or diff and update / replace; an error carrying
 * `id` and `properties` is recorded as partial state ("created, but failed to initialize") and
 * the next run updates it even when the diff finds nothing; any other error keeps the old state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isSecretWire } from "../../provider/secretWire";

/** A provider implementation as the shim forwards to it. */
export interface ProviderImpl {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: object, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: object }>;
  read(id: string, props?: object): Promise<{ id: string; props: object }>;
  update(id: string, olds: object, news: Record<string, unknown>): Promise<{ outs: object }>;
  delete(id: string, props: object): Promise<void>;
}

/** One resource in state. */
export interface Held {
  id: string;
  outs: Record<string, unknown>;
  /**
   * The inputs the engine stores beside the outputs (the last check's, or what a refresh's read
   * returned), which it gives the next check as its olds. Absent in a state a test builds by hand:
   * the outputs stand in.
   */
  inputs?: Record<string, unknown>;
  /** Recorded from a partial-state error: the next run updates it. */
  initErrors: boolean;
  /** Replaced objects whose delete failed: the engine keeps them and deletes them next run. */
  pendingDeletes?: { id: string; outs: Record<string, unknown> }[];
}

/** The serialized provider the engine keeps in every resource's inputs and outputs. */
export const PROVIDER_TEXT = "exports.handler = shim";

/**
 * Outputs as the engine hands them back to a dynamic provider: it stores a value the provider marked
 * secret encrypted, and gives the provider (which takes no secrets) the plain value.
 */
export function unsealed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(unsealed) as T;
  if (!value || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (isSecretWire(o)) return unsealed(o.value) as T;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unsealed(v)])) as T;
}

const partial = (e: unknown): { id: string; properties: Record<string, unknown> } | undefined => {
  const x = e as { id?: unknown; properties?: unknown };
  return typeof x?.id === "string" && x.id !== "" && x.properties && typeof x.properties === "object"
    ? { id: x.id, properties: unsealed(x.properties as Record<string, unknown>) }
    : undefined;
};

async function checked(p: ProviderImpl, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const { inputs, failures } = await p.check(olds, { ...news, __provider: PROVIDER_TEXT });
  if (failures && failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  // The engine hands a provider that takes no secrets their plain values.
  return { ...unsealed(inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
}

async function create(
  p: ProviderImpl,
  inputs: Record<string, unknown>,
): Promise<{ held: Held | undefined; error?: unknown }> {
  try {
    const r = await p.create(inputs);
    return {
      held: {
        id: r.id,
        outs: { ...unsealed(r.outs as Record<string, unknown>), __provider: PROVIDER_TEXT },
        inputs,
        initErrors: false,
      },
    };
  } catch (error) {
    const ps = partial(error);
    return ps
      ? { held: { id: ps.id, outs: ps.properties, inputs, initErrors: true }, error }
      : { held: undefined, error };
  }
}

/** `pulumi up` for one resource: the new state, and the error if the run failed. */
export async function up(
  p: ProviderImpl,
  held: Held | undefined,
  news: Record<string, unknown>,
): Promise<{ held: Held | undefined; error?: unknown }> {
  const inputs = await checked(p, held?.inputs ?? held?.outs ?? {}, news);
  if (!held) return create(p, inputs);
  // The engine retries the deletes a replacement left pending before anything else.
  while (held.pendingDeletes && held.pendingDeletes.length > 0) {
    const [old, ...rest] = held.pendingDeletes;
    try {
      await p.delete(old!.id, old!.outs);
    } catch (error) {
      return { held, error };
    }
    held = { ...held, pendingDeletes: rest };
  }
  const d = await p.diff(held.id, held.outs, inputs);
  if ((d.replaces ?? []).length > 0) {
    if (d.deleteBeforeReplace) {
      try {
        await p.delete(held.id, held.outs);
      } catch (error) {
        return { held, error };
      }
      return create(p, inputs);
    }
    const made = await create(p, inputs);
    // A replacement recorded as partial state is kept, the old object marked for deletion (the
    // engine's CreateReplacement step does both before it reports the error).
    if (made.error && made.held)
      return {
        held: { ...made.held, pendingDeletes: [{ id: held.id, outs: held.outs }] },
        error: made.error,
      };
    if (made.error || !made.held) return { held, error: made.error };
    try {
      await p.delete(held.id, held.outs);
    } catch (error) {
      return { held: { ...made.held, pendingDeletes: [{ id: held.id, outs: held.outs }] }, error };
    }
    return made;
  }
  // Nothing to do: the engine still records the new inputs.
  if (!d.changes && !held.initErrors) return { held: { ...held, inputs } };
  try {
    const r = await p.update(held.id, held.outs, inputs);
    return {
      held: {
        id: held.id,
        outs: { ...unsealed(r.outs as Record<string, unknown>), __provider: PROVIDER_TEXT },
        inputs,
        initErrors: false,
      },
    };
  } catch (error) {
    const ps = partial(error);
    return ps
      ? { held: { id: held.id, outs: ps.properties, inputs, initErrors: true }, error }
      : { held, error };
  }
}

/** `pulumi destroy` for one resource. */
export async function destroy(
  p: ProviderImpl,
  held: Held | undefined,
): Promise<{ held: Held | undefined; error?: unknown }> {
  if (!held) return { held };
  try {
    await p.delete(held.id, held.outs);
    return { held: undefined };
  } catch (error) {
    return { held, error };
  }
}

/**
 * `pulumi preview --refresh --expect-no-changes` for one resource: read it back, then diff the
 * declaration against what was read. Returns what would change (empty when clean).
 */
export async function refreshDiff(
  p: ProviderImpl,
  held: Held,
  news: Record<string, unknown>,
): Promise<string[]> {
  const read = await p.read(held.id, held.outs);
  if (read.id === "") return ["(gone)"];
  const props = { ...unsealed(read.props as Record<string, unknown>), __provider: PROVIDER_TEXT };
  // The engine's stored inputs after the refresh: what the read returned, else the old ones.
  const readInputs = (read as { inputs?: Record<string, unknown> }).inputs;
  const olds = readInputs ? { ...unsealed(readInputs), __provider: PROVIDER_TEXT } : (held.inputs ?? props);
  const inputs = await checked(p, olds, news);
  const d = await p.diff(read.id, props, inputs);
  return [...(d.replaces ?? []).map((r) => `replace ${r}`), ...(d.changes ? ["update"] : [])];
}
