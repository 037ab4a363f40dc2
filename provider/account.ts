/**
 * Account binding and preview-stable outputs: the one place every resource's lifecycle passes
 * through (`accountBound` wraps each provider implementation where it is defined).
 *
 * A stack acts only on its own account. Each resource records `accountId` (the account it was
 * created in) in its state. Before any read, update or delete, the account of the credentials in
 * use (STS GetCallerIdentity, asked once per provider process) must be the recorded one (a delete
 * that changes nothing in the account, such as an inventory's, is not checked); and
 * before anything, create included, it must be in `alicloud-federation:allowedAccountIds` when
 * that is set. A mismatch is refused before any other call, with both accounts named. This is what keeps a
 * stack built against the emulator (account 1234567890123456) from reading "everything is gone"
 * in a real account on refresh, or deleting same-named objects there on destroy.
 *
 * Preview tells the truth. At preview the engine takes an updated dynamic resource's outputs to be
 * its checked inputs, so a computed output that is not an input (an ARN, a server id) would become
 * unknown for every dependent, which would then show as updated although nothing about it changes.
 * `check` therefore carries the stable outputs (and `accountId`) from the old inputs when the
 * resource's identity is unchanged, and `read` returns them among the inputs, so that after a
 * refresh they are there to carry. Outputs that change on every write without a change of meaning
 * (`updateDate`) keep their stored value on refresh unless something else about the object changed.
 *
 * GetCallerIdentity: https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity
 */
import type * as pulumi from "@pulumi/pulumi";
import { explainCallerFailure, explainSettingsFailure, isRepeat, reportOnce, resetReported } from "./causes";
import { getCallerIdentity } from "./client/generic";
import { session } from "./client/session";
import { quietHostEcho } from "./diagnostics";
import { firstOf } from "./errors";
import { canonicalJson } from "./lifecycle";
import { containsUnknown } from "./normalize";
import { CONFIG_KEYS, type RuntimeSettings, runtimeSettings } from "./settings";
import { forEngine, maskError, withSecretNames } from "./validation";

/** What the engine drives: the methods of a dynamic provider implementation. */
export interface ProviderImpl {
  configure?(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: object, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: object }>;
  read(id: string, props?: object): Promise<{ id: string; props?: object; inputs?: object }>;
  update(id: string, olds: object, news: Record<string, unknown>): Promise<{ outs: object }>;
  delete(id: string, props: object): Promise<void>;
}

/** How a resource is bound: which outputs are stable, and what identifies the object. */
export interface BindingSpec {
  /** The resource's name in messages ("OidcProvider"). */
  kind: string;
  /**
   * Inputs that identify the object: when all are unchanged (and known), the object is the same
   * one, and its `stable` outputs are carried into the checked inputs. Usually the fields whose
   * change replaces the object.
   */
  identity: readonly string[];
  /** Identity fields that are names the service compares ignoring case (RAM role names). */
  namesIgnoringCase?: readonly string[];
  /** Computed outputs that do not change while the identity does not (ARNs, server ids). */
  stable?: readonly string[];
  /** Outputs a write may change without a change of meaning (`updateDate`): not drift on their own. */
  volatile?: readonly string[];
  /** Inputs that hold a secret: never shown beside a check failure, masked in every reason. */
  secrets?: readonly string[];
  /**
   * Outputs made from an input in a form no test of its values finds (a directory's `ids`, made
   * from its `people`), by input name: stored as secrets whenever that input is a Pulumi secret.
   */
  secretDerived?: Readonly<Record<string, readonly string[]>>;
  /**
   * Inputs whose value is one text of many items (a directory's roster), by input name: the pieces
   * a message may quote alone (a person's user name), masked whatever their length when the input is
   * a Pulumi secret.
   */
  secretParts?: Readonly<Record<string, (value: unknown) => readonly string[]>>;
  /**
   * Its delete changes nothing in the account (an inventory, a declaration of who may be
   * assigned): no account check is needed for it. The engine deletes such a resource before the
   * ones it names, so its delete starts the account look-up for theirs instead of waiting on it.
   */
  deleteChangesNothing?: true;
}

/** The output (and carried input) that records the account. */
export const ACCOUNT_KEY = "accountId";

let cached: { key: string; account: Promise<string> } | undefined;

/** Forgets the account asked so far (tests switch credentials within one process). */
export function resetCallerAccount(): void {
  cached = undefined;
  settled = undefined;
  resetReported();
}

/**
 * The account of the credentials in use: one GetCallerIdentity per provider process (and per
 * settings, which `configure` may replace). A failure is not cached: the next operation asks again.
 */
export function callerAccount(): Promise<string> {
  const { identityKey: key } = runtimeSettings();
  if (!cached || cached.key !== key) {
    const account = getCallerIdentity(session()).then((id) => id.accountId);
    cached = { key, account };
    account.catch(() => {
      if (cached?.account === account) cached = undefined;
    });
  }
  return cached.account;
}

let settled: { key: string; ready: Promise<unknown> } | undefined;

/** The credentials in use, resolved once per settings (a failure is not kept: the next call asks again). */
function credentialReady(): Promise<unknown> {
  const settings = runtimeSettings();
  if (!settled || settled.key !== settings.identityKey) {
    const ready = settings.credential.getCredential();
    settled = { key: settings.identityKey, ready };
    ready.catch(() => {
      if (settled?.ready === ready) settled = undefined;
    });
  }
  return settled.ready;
}

type Operation = "create" | "refresh" | "update" | "delete";

const VERB: Record<Operation, string> = {
  create: "create",
  refresh: "read (refresh)",
  update: "update",
  delete: "delete",
};

/** The caller's account, or an error saying why it could not be known (fail safe: refuse). */
async function knownCaller(kind: string, id: string | undefined, op: Operation): Promise<string> {
  const what = `${kind}${id ? ` '${id}'` : ""}`;
  let settings: RuntimeSettings;
  try {
    settings = runtimeSettings();
  } catch (err) {
    // The settings themselves are refused (an unknown config key, a malformed value).
    throw reportOnce(explainSettingsFailure(err), what, VERB[op]);
  }
  try {
    return await callerAccount();
  } catch (err) {
    throw reportOnce(explainCallerFailure(err, settings), what, VERB[op]);
  }
}

/**
 * Checks the caller's account for `op` on an object recorded in `recorded` (undefined: new, or
 * state written before accounts were recorded). Returns the caller's account.
 */
export async function checkAccount(
  kind: string,
  id: string | undefined,
  op: Operation,
  recorded: unknown,
): Promise<string> {
  const caller = await knownCaller(kind, id, op);
  const what = `${kind}${id ? ` '${id}'` : ""}`;
  if (typeof recorded === "string" && recorded !== "" && recorded !== caller) {
    // What to do first: behind the engine's prefix, a long resource name must not push it out of view.
    throw new Error(
      `Use credentials of account ${recorded}, or select the stack that belongs to account ${caller}: ` +
        `${what} belongs to account ${recorded} (recorded in the stack's state), but the credentials in use belong to account ${caller}: ` +
        `refusing to ${VERB[op]} it, nothing was changed. Where the credentials come from: the alicloud-federation:endpoint ` +
        "and alicloud-federation:accessKeyId/accessKeySecret config, the ALIBABA_CLOUD_* environment, the CLI profile.",
    );
  }
  const allowed = runtimeSettings().allowedAccountIds;
  if (allowed && !allowed.includes(caller)) {
    const listed = firstOf(allowed, 8);
    throw new Error(
      `Use credentials of an allowed account, or add ${caller} to ${CONFIG_KEYS.allowedAccountIds} if the stack really belongs there: ` +
        `${what}: refusing to ${VERB[op]} it in account ${caller}: ${CONFIG_KEYS.allowedAccountIds} allows only ${listed}. ` +
        "Nothing was changed.",
    );
  }
  return caller;
}

/**
 * A read at preview (`check`) of the object a create would make, by its natural key, through the
 * same account binding as every operation: the caller's account (one GetCallerIdentity per
 * process, shared with the operations that follow) must be one `allowedAccountIds` permits, so a
 * check never reads an account the stack may not act in. Fail safe and quiet: when the account
 * cannot be checked (no credentials, rejected, unreachable, not allowed) or the read fails, the
 * read is not made or its failure is dropped and `undefined` comes back; the operation that needs
 * the account reports the run-wide cause once (causes.ts), a check does not add a second error.
 *
 * Without `allowedAccountIds` every account is one the stack may create in, and a new object has
 * no recorded account to compare: the read is sent beside the account's look-up instead of after
 * its answer (the engine checks one resource after another, so on a first `up` each round trip
 * here delays every check behind it), and its answer is still dropped if the look-up fails.
 */
export async function previewLookup<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    const { allowedAccountIds } = runtimeSettings();
    if (!allowedAccountIds) {
      // The credential chain settles its source on the first call; two first calls at once could
      // each find it half-settled (the second one tries only the source the first is trying).
      await credentialReady();
      return (await Promise.all([callerAccount(), read()]))[1];
    }
    const caller = await callerAccount();
    if (!allowedAccountIds.includes(caller)) return undefined;
    return await read();
  } catch {
    return undefined;
  }
}

const pick = (from: object | undefined, keys: readonly string[]): Record<string, unknown> => {
  const o = (from ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== "") out[k] = o[k];
  return out;
};

/** Whether old and new inputs name the same object: every identity field known and equal. */
function sameIdentity(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  identity: readonly string[],
  ignoringCase: readonly string[] = [],
) {
  const text = (v: unknown, k: string) =>
    ignoringCase.includes(k) && typeof v === "string" ? v.toLowerCase() : canonicalJson(v ?? null);
  return identity.every((k) => {
    const n = at(news, k);
    return !containsUnknown(n) && text(at(olds, k), k) === text(n, k);
  });
}

/** The value at a dotted path (`oidc.issuer`). */
function at(o: Record<string, unknown>, path: string): unknown {
  let v: unknown = o;
  for (const part of path.split("."))
    v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** Attaches the account to a partial-state error's properties (a create or update failed half-way). */
function withAccountOnPartial(err: unknown, account: string): unknown {
  const e = err as { properties?: Record<string, unknown> } | null;
  if (e && typeof e === "object" && e.properties && typeof e.properties === "object")
    e.properties = { ...e.properties, [ACCOUNT_KEY]: account };
  return err;
}

/** `impl`, bound to its account and with preview-stable outputs (see the module comment). */
export function accountBound<T extends ProviderImpl>(spec: BindingSpec, impl: T): T {
  const stable = [...(spec.stable ?? []), ACCOUNT_KEY];
  const volatile = spec.volatile ?? [];
  const bound: ProviderImpl = {
    async check(olds, news) {
      const result = forEngine(await impl.check(olds, news), news, spec.secrets);
      const inputs = result.inputs as Record<string, unknown> | undefined;
      if ((result.failures?.length ?? 0) > 0) return result;
      if (!inputs) return result;
      // Carried only from olds that had them, for the very same object.
      if (Object.keys(olds).length > 0 && sameIdentity(olds, inputs, spec.identity, spec.namesIgnoringCase))
        return { ...result, inputs: { ...inputs, ...pick(olds, stable) } };
      return result;
    },
    diff: (id, olds, news) => impl.diff(id, olds, news),
    async create(inputs) {
      const account = await checkAccount(spec.kind, undefined, "create", undefined);
      try {
        const r = await impl.create(inputs);
        return { ...r, outs: { ...r.outs, [ACCOUNT_KEY]: account } };
      } catch (err) {
        throw maskError(withAccountOnPartial(err, account));
      }
    },
    async read(id, props) {
      const old = (props ?? {}) as Record<string, unknown>;
      let account: string;
      try {
        account = await checkAccount(spec.kind, id, "refresh", old[ACCOUNT_KEY]);
      } catch (err) {
        // The run already failed with this cause, explained once (causes.ts): the state stays as it was.
        if (isRepeat(err)) return { id, props: old };
        throw err;
      }
      const r = await impl.read(id, props);
      if (r.id === "") return r;
      const live: Record<string, unknown> = { ...(r.props ?? {}), [ACCOUNT_KEY]: account };
      // A volatile output moved alone: keep the stored one, it is not drift.
      if (volatile.length > 0) {
        const meaningful = Object.keys(live).filter((k) => !volatile.includes(k));
        const rest = (o: Record<string, unknown>) => canonicalJson(meaningful.map((k) => o[k] ?? null));
        if (rest(live) === rest({ ...old, [ACCOUNT_KEY]: account }))
          for (const k of volatile) if (old[k] !== undefined) live[k] = old[k];
      }
      return {
        ...r,
        props: live,
        ...(r.inputs === undefined ? {} : { inputs: { ...r.inputs, ...pick(live, stable) } }),
      };
    },
    async update(id, olds, news) {
      const account = await checkAccount(
        spec.kind,
        id,
        "update",
        (olds as Record<string, unknown>)[ACCOUNT_KEY],
      );
      try {
        const r = await impl.update(id, olds, news);
        return { ...r, outs: { ...r.outs, [ACCOUNT_KEY]: account } };
      } catch (err) {
        throw maskError(withAccountOnPartial(err, account));
      }
    },
    async delete(id, props) {
      if (spec.deleteChangesNothing) {
        // After this answer is sent: the look-up overlaps the engine's turn to the next deletes. A
        // failure is not kept (callerAccount), so the delete that needs the account reports it.
        setImmediate(() => {
          try {
            callerAccount().catch(() => undefined);
          } catch {
            // Settings refused: the delete that needs the account says why.
          }
        });
        return impl.delete(id, props);
      }
      await checkAccount(spec.kind, id, "delete", (props as Record<string, unknown>)[ACCOUNT_KEY]);
      try {
        await impl.delete(id, props);
      } catch (err) {
        throw maskError(err);
      }
    },
  };
  if (impl.configure) {
    const configure = impl.configure.bind(impl);
    bound.configure = async (req) => {
      await configure(req);
    };
  }
  return quieted(withSecretNames({ ...impl, ...bound } as T, spec.secretDerived, spec.secretParts));
}

/** Every method of `impl`, with the host's stderr echo of its errors left out (diagnostics.ts). */
function quieted<T extends ProviderImpl>(impl: T): T {
  const out = { ...impl } as unknown as Record<string, unknown>;
  for (const name of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
    const method = impl[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!method) continue;
    out[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(impl, args);
      } catch (err) {
        quietHostEcho(err);
        throw err;
      }
    };
  }
  return out as T;
}
