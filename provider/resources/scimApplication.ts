/**
 * `ScimApplication`: the OAuth ServerApp that syncs a directory into RAM over
 * SCIM: created with the `/acs/scim` scope, consented (ProvisionApplication),
 * and given a client secret that only ever leaves as a Pulumi secret.
 *
 * https://www.alibabacloud.com/help/en/ram/user-guide/synchronize-accounts-from-an-enterprise-internal-system-to-ram-based-on-scim
 * API: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplication
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as apps from "../client/imsApps";
import { type Session, session, withOptions } from "../client/session";
import { hasCodePrefix } from "../errors";
import {
  configure,
  createOnce,
  deleteUnlessGone,
  diffFields,
  diffResult,
  fillDefaults,
  findPending,
  GONE,
  liveId,
  OutcomeUnknownError,
  Progress,
  pendingCreate,
  pendingId,
  pendingSince,
  resumePendingCreate,
  stateOf,
  timeOf,
  unlessGoneBoth,
  withSecretOutputs,
} from "../lifecycle";
import { OAUTH_APP, SCIM_SCOPE } from "../limits";
import { containsUnknown } from "../normalize";
import { isAmbiguous } from "../retry";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, tooLong, validateFields } from "../validation";

/** The scope RAM's SCIM service requires (docs/alibaba-api.md §4.3). */
export { SCIM_SCOPE };

const APP = OAUTH_APP;

/** The arguments of a `ScimApplication`. */
export interface ScimApplicationArgs {
  /**
   * The application's name: letters, digits, `.`, `_`, `-`; at most 64.
   * Cannot change: a new name replaces the application.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplication
   */
  appName: pulumi.Input<string>;
  /** Shown in the console: 1 to 24 characters. Default: the app name, cut to 24. */
  displayName?: pulumi.Input<string>;
  /** Lifetime of its access tokens in seconds: 900 to 10800. Default 3600. */
  accessTokenValidity?: pulumi.Input<number>;
  /**
   * Bump to rotate the client secret: a new secret is created before the old
   * one is deleted, so the app is never without a working secret, and every
   * `ScimUser` using this app picks the new one up in the same `up`.
   * Default 1.
   */
  secretVersion?: pulumi.Input<number>;
}

export interface ScimApplicationInputs {
  appName: string;
  displayName: string;
  accessTokenValidity: number;
  secretVersion: number;
}

export interface ScimApplicationOutputs extends ScimApplicationInputs {
  /** The AppId: the OAuth client_id. */
  appId: string;
  clientId: string;
  /** The client secret: a Pulumi secret, never in plain text in state. */
  clientSecret: string;
  appSecretId: string;
  scopes: string[];
  createDate: string;
  /** False while a create that failed half-way has not yet given admin consent: the next `up` does. */
  provisioned: boolean;
  /** Secrets replaced by a rotation whose delete failed: the next `up` deletes them. */
  retiredSecretIds: string[];
  /**
   * True when a CreateAppSecret of this resource may have made a secret whose answer never came:
   * the next `up` deletes every secret of the app it does not know before making a new one.
   */
  secretPending: boolean;
}

const rules = lazyRules((z) => ({
  appName: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > APP.appName.maxLength)
        ctx.addIssue({
          code: "custom",
          message: tooLong(v.length, APP.appName.maxLength, "an application name"),
        });
      if (v.length > 0 && !APP.appName.pattern.test(v))
        ctx.addIssue({
          code: "custom",
          message: `'${v}' is not allowed: use letters, digits, '.', '_' and '-'`,
        });
    }),
    required: true,
  },
  displayName: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > APP.displayName.maxLength)
        ctx.addIssue({
          code: "custom",
          message: tooLong(v.length, APP.displayName.maxLength, "an application display name"),
        });
    }),
  },
  accessTokenValidity: {
    schema: z.number({ error: "must be a number of seconds" }).superRefine((v, ctx) => {
      const { min, max } = APP.accessTokenValidity;
      if (!Number.isInteger(v) || v < min || v > max)
        ctx.addIssue({
          code: "custom",
          message: `is ${v}, but must be a whole number of seconds from ${min} to ${max}`,
        });
    }),
  },
  secretVersion: {
    schema: z.number({ error: "must be a number" }).refine((v) => Number.isInteger(v) && v >= 1, {
      message: "must be a whole number, at least 1",
    }),
  },
}));

export function checkScimApplicationInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  if (
    inputs.displayName === undefined &&
    typeof inputs.appName === "string" &&
    !containsUnknown(inputs.appName)
  )
    inputs.displayName = inputs.appName.slice(0, APP.displayName.maxLength);
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<ScimApplicationInputs>("ScimApplication", checkScimApplicationInputs, raw);

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { accessTokenValidity: APP.accessTokenValidity.default, secretVersion: 1 };

const STATE: ScimApplicationOutputs = {
  ...DEFAULTS,
  appName: "",
  displayName: "",
  appId: "",
  clientId: "",
  clientSecret: "",
  appSecretId: "",
  scopes: [],
  createDate: "",
  provisioned: true,
  retiredSecretIds: [],
  secretPending: false,
};

function readOlds(olds: object): ScimApplicationOutputs {
  const o = stateOf(olds, STATE);
  return { ...o, clientId: o.clientId || o.appId };
}

const isGone = (e: unknown) => hasCodePrefix(e, "EntityNotExist");

/**
 * A new secret, exactly one although its answer may be lost. A lost CreateAppSecret leaves a
 * secret whose value nobody holds (GetAppSecret never answers it): after an ambiguous failure,
 * every secret of the app not in `known` is such a leftover of ours and is deleted before the
 * next attempt. Nothing else can be there: the app holds at most two secrets (emulator/README.md,
 * a guess), `known` and the new one, so a secret made by anyone else would have refused ours.
 */
async function createSecretOnce(
  s: Session,
  appId: string,
  known: readonly string[],
): Promise<{ appSecretId: string; value: string }> {
  const { value } = await createOnce(s, {
    create: (o) => apps.createAppSecret(withOptions(s, o), appId),
    find: async () => {
      for (const id of await apps.listAppSecretIds(s, appId))
        if (!known.includes(id)) await deleteUnlessGone(isGone, () => apps.deleteAppSecret(s, appId, id));
      return undefined;
    },
  });
  return value;
}

/**
 * Deletes the secrets of the app that are not in `known`: left by a CreateAppSecret of ours whose
 * answer was lost (their values are lost with it). Only run when state says one may exist.
 */
async function deleteStrays(s: Session, appId: string, known: readonly string[]): Promise<void> {
  for (const id of await apps.listAppSecretIds(s, appId))
    if (!known.includes(id)) await deleteUnlessGone(isGone, () => apps.deleteAppSecret(s, appId, id));
}

/** A new secret; when its outcome stays unknown, state says so (`secretPending`) for the next `up`. */
async function newSecret(
  s: Session,
  appId: string,
  known: readonly string[],
  p: Progress<ScimApplicationOutputs>,
): Promise<{ appSecretId: string; value: string }> {
  if (p.outs.secretPending) await deleteStrays(s, appId, known);
  try {
    const fresh = await createSecretOnce(s, appId, known);
    p.set({ secretPending: false });
    return fresh;
  } catch (err) {
    if (isAmbiguous(err) || err instanceof OutcomeUnknownError) p.set({ secretPending: true });
    throw err;
  }
}

/** Deletes secrets that are no longer the app's; returns those whose delete failed. */
async function retire(s: Session, appId: string, ids: readonly string[], done: (left: string[]) => void) {
  const left = [...ids];
  while (left.length > 0) {
    const id = left[0] as string;
    await deleteUnlessGone(isGone, () => apps.deleteAppSecret(s, appId, id));
    left.shift();
    done([...left]);
  }
}

/** The application named `desired.appName`, if it is provably the one this operation created. */
async function findOwnApp(
  s: Session,
  desired: ScimApplicationInputs,
  since: number,
): Promise<apps.OAuthApplicationRecord | undefined> {
  const live = (await apps.listApplications(s)).find(
    (a) => a.appName.toLowerCase() === desired.appName.toLowerCase(),
  );
  const same =
    live !== undefined &&
    live.appType === "ServerApp" &&
    live.displayName === desired.displayName &&
    live.accessTokenValidity === desired.accessTokenValidity &&
    timeOf(live.createDate) >= since;
  return same ? live : undefined;
}

/** Admin consent, which a repeat after a lost answer finds already given. */
async function provision(s: Session, appId: string): Promise<void> {
  try {
    await apps.provisionApplication(s, appId, [SCIM_SCOPE]);
  } catch (err) {
    if (!hasCodePrefix(err, "EntityAlreadyExists")) throw err;
  }
}

/**
 * Create; a CreateApplication whose outcome is unknown is recorded as pending under the app name,
 * and `update` adopts the app only if provably ours (`findOwnApp`, `resumePendingCreate`).
 */
async function createApp(
  raw: Record<string, unknown>,
  desired: ScimApplicationInputs,
): Promise<ScimApplicationOutputs> {
  const s = session();
  const started = Date.now();
  const bare: ScimApplicationOutputs = {
    ...desired,
    appId: "",
    clientId: "",
    clientSecret: "",
    appSecretId: "",
    scopes: [],
    createDate: "",
    provisioned: false,
    retiredSecretIds: [],
    secretPending: false,
  };
  let app: apps.OAuthApplicationRecord;
  try {
    ({ value: app } = await createOnce(s, {
      create: (o) =>
        apps.createServerApp(withOptions(s, o), {
          appName: desired.appName,
          displayName: desired.displayName,
          accessTokenValidity: desired.accessTokenValidity,
          scopes: [SCIM_SCOPE],
        }),
      find: (t) => findOwnApp(s, desired, t),
      alreadyExists: (e) => hasCodePrefix(e, "EntityAlreadyExists"),
    }));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, pendingId(desired.appName), bare, started, err);
    throw err;
  }
  // The app exists: from here a failure is partial state, and the next `up` finishes the job
  // (consent, the secret) instead of stranding an app whose name blocks a new one.
  const progress = new Progress(
    raw,
    app.appId,
    { ...bare, appId: app.appId, clientId: app.appId, scopes: app.scopes, createDate: app.createDate },
    true,
  );
  return progress.run(async (p) => {
    // In the console's order (docs/alibaba-api.md §4.3): no page says a secret may come first.
    await provision(s, app.appId);
    p.set({ provisioned: true });
    const secret = await newSecret(s, app.appId, [], p);
    return p.set({ clientSecret: secret.value, appSecretId: secret.appSecretId });
  });
}

/** The app's id; for a pending create, the one it made, if any (read and delete resolve it). */
async function resolvePending(id: string, props: object): Promise<string | undefined> {
  const olds = readOlds(props);
  const since = pendingSince(props);
  if (since === undefined) return liveId(id, olds.appId);
  return (await findPending(since, (t) => findOwnApp(session(), olds, t)))?.appId;
}

export const ScimApplicationProvider = accountBound(
  {
    kind: "ScimApplication",
    identity: ["appName"],
    // The display name defaults to the first 24 characters of the name: a prefix no value test finds.
    secretDerived: { appName: ["displayName"] },
    namesIgnoringCase: ["appName"],
    stable: ["appId", "clientId", "createDate"],
  },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkScimApplicationInputs(news);
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const d = diffFields(o, news, {
        replace: ["appName"],
        update: ["displayName", "accessTokenValidity", "secretVersion"],
        // Application names ignore case: a change of case alone is no new application.
        equal: { appName: (a, b) => typeof b === "string" && String(a).toLowerCase() === b.toLowerCase() },
      });
      // The secret was deleted out of band (refresh saw it gone): make a new one. Unfinished
      // business of a failed run (consent, an old secret to delete) is a change too.
      if (o.appSecretId === "") d.changes.push("clientSecret");
      if (!o.provisioned) d.changes.push("provisioned");
      if (o.retiredSecretIds.length > 0) d.changes.push("retiredSecretIds");
      if (o.secretPending) d.changes.push("secretPending");
      return diffResult(d);
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: ScimApplicationOutputs }> {
      const outs = await createApp(raw, requireInputs(raw));
      return { id: outs.appId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<ScimApplicationOutputs>; inputs?: object }> {
      let olds = readOlds(props ?? {});
      const s = session();
      const found = await resolvePending(id, props ?? {});
      if (found === undefined) return GONE;
      // A pending create's app: its consent and secret are still to come (the next `up` makes them).
      if (found !== id) olds = { ...olds, appId: found, clientId: found };
      id = found;
      const both = await unlessGoneBoth(
        isGone,
        () => apps.getApplication(s, id),
        () => apps.listAppSecretIds(s, id),
      );
      if (!both) return GONE;
      const [app, secretIds] = both;
      const secretAlive = secretIds.includes(olds.appSecretId);
      const outs: ScimApplicationOutputs = {
        ...olds,
        displayName: app.displayName,
        accessTokenValidity: app.accessTokenValidity ?? olds.accessTokenValidity,
        scopes: app.scopes,
        appSecretId: secretAlive ? olds.appSecretId : "",
        clientSecret: secretAlive ? olds.clientSecret : "",
        retiredSecretIds: olds.retiredSecretIds.filter((x) => secretIds.includes(x)),
      };
      const { appName, displayName, accessTokenValidity, secretVersion } = outs;
      return { id, props: outs, inputs: { appName, displayName, accessTokenValidity, secretVersion } };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: ScimApplicationOutputs }> {
      const news = requireInputs(rawNews);
      const since = pendingSince(rawOlds);
      if (since === undefined) {
        const olds = readOlds(rawOlds);
        return updateApp(rawNews, liveId(id, olds.appId), olds, news);
      }
      const before = readOlds(rawOlds);
      return resumePendingCreate(
        rawNews,
        id,
        since,
        (t) => findOwnApp(session(), before, t),
        // Made by CreateApplication alone: no consent, no secret yet.
        (made): ScimApplicationOutputs => ({
          ...before,
          appId: made.appId,
          clientId: made.appId,
          scopes: made.scopes,
          createDate: made.createDate,
          provisioned: false,
          appSecretId: "",
          clientSecret: "",
          retiredSecretIds: [],
          secretPending: false,
        }),
        (state) => updateApp(rawNews, state.appId, state, news),
        async () => ({ outs: await createApp(rawNews, news) }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      // A create left pending: only the app provably made by it is deleted.
      const appId = await resolvePending(id, props);
      if (appId === undefined) return;
      // Its secrets go with it.
      await deleteUnlessGone(isGone, () => apps.deleteApplication(session(), appId));
    },
  },
);

/** An update of the app `id` from `olds`, what exists: settings, consent, then the secret. */
async function updateApp(
  rawNews: Record<string, unknown>,
  id: string,
  olds: ScimApplicationOutputs,
  news: ScimApplicationInputs,
): Promise<{ outs: ScimApplicationOutputs }> {
  const s = session();
  const progress = new Progress(rawNews, id, olds, false);
  const outs = await progress.run(async (p) => {
    if (olds.displayName !== news.displayName || olds.accessTokenValidity !== news.accessTokenValidity) {
      await apps.updateApplication(s, id, {
        displayName: olds.displayName !== news.displayName ? news.displayName : undefined,
        accessTokenValidity:
          olds.accessTokenValidity !== news.accessTokenValidity ? news.accessTokenValidity : undefined,
      });
      p.set({ displayName: news.displayName, accessTokenValidity: news.accessTokenValidity });
    }
    if (!olds.provisioned) {
      await provision(s, id);
      p.set({ provisioned: true });
    }
    // Secrets an earlier run retired but could not delete go first: nothing uses them, and with
    // two secrets per application a new one would not fit beside them (LimitExceeded.AppSecret).
    if (olds.retiredSecretIds.length > 0)
      await retire(s, id, olds.retiredSecretIds, (left) => p.set({ retiredSecretIds: left }));
    if (olds.secretVersion !== news.secretVersion || olds.appSecretId === "") {
      // New secret first, then the old one goes: never a moment without a working secret. The
      // new value reaches state before the delete, so a failed delete loses nothing.
      const known = [olds.appSecretId, ...p.outs.retiredSecretIds].filter((x) => x !== "");
      const fresh = await newSecret(s, id, known, p);
      p.set({
        secretVersion: news.secretVersion,
        appSecretId: fresh.appSecretId,
        clientSecret: fresh.value,
        retiredSecretIds: known,
      });
    }
    await retire(s, id, p.outs.retiredSecretIds, (left) => p.set({ retiredSecretIds: left }));
    return p.set({ ...news });
  });
  return { outs };
}

/**
 * The SCIM ServerApp: `/acs/scim` scope, admin consent, and a client secret.
 * Pass it to `ScimUser`s (or to `scimUsersFromDirectory`).
 */
export class ScimApplication extends pulumi.dynamic.Resource {
  declare readonly appId: pulumi.Output<string>;
  /** The OAuth client_id (the AppId). */
  declare readonly clientId: pulumi.Output<string>;
  /** The client secret, as a Pulumi secret. */
  declare readonly clientSecret: pulumi.Output<string>;
  declare readonly appSecretId: pulumi.Output<string>;
  declare readonly scopes: pulumi.Output<string[]>;
  declare readonly secretVersion: pulumi.Output<number>;

  constructor(name: string, args: ScimApplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ScimApplicationProvider"),
      name,
      withSecretInputs({
        ...args,
        appId: undefined,
        clientId: undefined,
        clientSecret: undefined,
        appSecretId: undefined,
        scopes: undefined,
        createDate: undefined,
        provisioned: undefined,
        retiredSecretIds: undefined,
        secretPending: undefined,
      }),
      withSecretOutputs(opts, ["clientSecret"]),
      "alicloud-federation",
      "ScimApplication",
    );
  }
}
