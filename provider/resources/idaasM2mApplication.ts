/**
 * `IdaasM2mApplication`: an IDaaS EIAM application with its M2M client
 * enabled, so it can obtain client-credentials tokens from the instance's
 * OAuth endpoint (with an `IdaasClientSecret`, an `IdaasClientPublicKey` or an
 * `IdaasApplicationFederatedCredential`).
 *
 * API: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplication
 * and https://help.aliyun.com/zh/idaas/eiam/developer-reference/api-eiam-2021-12-01-enableapplicationm2mclient
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as eiam from "../client/eiam";
import { type Session, session } from "../client/session";
import {
  configure,
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
  unlessGone,
} from "../lifecycle";
import { EIAM } from "../limits";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, validateFields } from "../validation";
import {
  boundedString,
  createApplicationOnce,
  findOwnApplication,
  instanceIdRule,
  isNotFound,
  optionalText,
} from "./idaas/common";

/** The arguments of an `IdaasM2mApplication`. */
export interface IdaasM2mApplicationArgs {
  /**
   * The EIAM instance, e.g. `idaas_ue2jvisn35ea5lmthk267xxxxx`. Cannot change:
   * another instance replaces the application.
   */
  instanceId: pulumi.Input<string>;
  /**
   * 1 to 64 characters. Renamed in place.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplication
   */
  applicationName: pulumi.Input<string>;
  /** At most 128 characters. Default empty. */
  description?: pulumi.Input<string>;
}

export interface IdaasM2mApplicationInputs {
  instanceId: string;
  applicationName: string;
  description: string;
}

export interface IdaasM2mApplicationOutputs extends IdaasM2mApplicationInputs {
  applicationId: string;
  /** The OAuth client_id of the M2M client. */
  clientId: string;
  /** False when someone disabled the M2M client out of band: the next `up` enables it again. */
  m2mClientEnabled: boolean;
}

const rules = lazyRules(() => ({
  instanceId: instanceIdRule(),
  applicationName: {
    schema: boundedString(EIAM.applicationName.maxLength, "an application name"),
    required: true,
  },
  description: { schema: optionalText(EIAM.description.maxLength, "an application description") },
}));

export function checkIdaasM2mApplicationInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasM2mApplicationInputs>("IdaasM2mApplication", checkIdaasM2mApplicationInputs, raw);

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { description: "" };

const STATE: IdaasM2mApplicationOutputs = {
  ...DEFAULTS,
  instanceId: "",
  applicationName: "",
  applicationId: "",
  clientId: "",
  m2mClientEnabled: true,
};

const readOlds = (olds: object) => stateOf(olds, STATE);

/** Enables the M2M client and learns its client id, as far as `from` still needs; partial state on failure. */
async function finish(
  raw: Record<string, unknown>,
  s: Session,
  id: string,
  from: IdaasM2mApplicationOutputs,
  created: boolean,
  renames: (p: Progress<IdaasM2mApplicationOutputs>) => Promise<void> = async () => undefined,
): Promise<IdaasM2mApplicationOutputs> {
  return new Progress(raw, id, from, created).run(async (p) => {
    await renames(p);
    if (!p.outs.m2mClientEnabled) {
      await eiam.setAppFeature(s, from.instanceId, id, "M2MClient", true);
      p.set({ m2mClientEnabled: true });
    }
    if (p.outs.clientId === "") {
      const app = await eiam.getApplication(s, from.instanceId, id);
      p.set({ clientId: app.clientId });
    }
    return undefined;
  });
}

/** The application's natural key: what a pending create is looked up by. */
const keyOf = (d: { applicationName: string; description: string }) => ({
  name: d.applicationName,
  description: d.description,
});

/**
 * Create; a CreateApplication whose outcome is unknown is recorded as pending under its name, and
 * `update` adopts the application only if provably ours (`resumePendingCreate`).
 */
async function createApp(
  raw: Record<string, unknown>,
  desired: IdaasM2mApplicationInputs,
): Promise<IdaasM2mApplicationOutputs> {
  const s = session();
  const started = Date.now();
  const bare = { ...desired, applicationId: "", clientId: "", m2mClientEnabled: false };
  let applicationId: string;
  try {
    applicationId = await createApplicationOnce(s, desired.instanceId, keyOf(desired));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, pendingId(desired.applicationName), bare, started, err);
    throw err;
  }
  // The application exists from here: a later failure is partial state, finished by the next `up`.
  return finish(raw, s, applicationId, { ...bare, applicationId }, true);
}

/** An update of the application `id` from `olds`, what exists. */
async function updateApp(
  rawNews: Record<string, unknown>,
  id: string,
  olds: IdaasM2mApplicationOutputs,
  news: IdaasM2mApplicationInputs,
): Promise<{ outs: IdaasM2mApplicationOutputs }> {
  const s = session();
  // Each call sets a value, so a repeat after a lost answer changes nothing more.
  const outs = await finish(rawNews, s, id, olds, false, async (p) => {
    if (olds.applicationName !== news.applicationName) {
      await eiam.renameApplication(s, news.instanceId, id, news.applicationName);
      p.set({ applicationName: news.applicationName });
    }
    if (olds.description !== news.description) {
      await eiam.updateApplicationDescription(s, news.instanceId, id, news.description);
      p.set({ description: news.description });
    }
  });
  return { outs: { ...outs, ...news } };
}

/** A pending create's application, if it was made (read and delete resolve it without creating). */
async function pendingApp(olds: IdaasM2mApplicationOutputs, since: number): Promise<string | undefined> {
  return findPending(since, (t) => findOwnApplication(session(), olds.instanceId, keyOf(olds), t));
}

export const IdaasM2mApplicationProvider = accountBound(
  { kind: "IdaasM2mApplication", identity: ["instanceId"], stable: ["applicationId", "clientId"] },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkIdaasM2mApplicationInputs(news);
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const d = diffFields(o, news, { replace: ["instanceId"], update: ["applicationName", "description"] });
      // Disabled out of band, or a create that stopped half-way: the next `up` finishes it.
      if (!o.m2mClientEnabled || o.clientId === "") d.changes.push("m2mClientEnabled");
      return diffResult(d);
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasM2mApplicationOutputs }> {
      const outs = await createApp(raw, requireInputs(raw));
      return { id: outs.applicationId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<IdaasM2mApplicationOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      const pending = pendingSince(props ?? {});
      if (pending !== undefined) {
        const found = await pendingApp(olds, pending);
        // Not made: nothing to hold. Made: refreshed as the application (the next `up` finishes it).
        if (found === undefined) return GONE;
        id = found;
      }
      id = liveId(id, olds.applicationId);
      const app = await unlessGone(isNotFound, () => eiam.getApplication(session(), olds.instanceId, id));
      if (!app) return GONE;
      const outs: IdaasM2mApplicationOutputs = {
        ...olds,
        applicationId: id,
        applicationName: app.applicationName,
        description: app.description,
        clientId: app.clientId,
        m2mClientEnabled: app.m2mClientStatus === "enabled",
      };
      const { instanceId, applicationName, description } = outs;
      return { id, props: outs, inputs: { instanceId, applicationName, description } };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: IdaasM2mApplicationOutputs }> {
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending === undefined) {
        const olds = readOlds(rawOlds);
        return updateApp(rawNews, liveId(id, olds.applicationId), olds, news);
      }
      const before = readOlds(rawOlds);
      return resumePendingCreate(
        rawNews,
        id,
        pending,
        (t) => findOwnApplication(session(), before.instanceId, keyOf(before), t),
        // Made by CreateApplication alone: its M2M client is not enabled yet.
        (applicationId): IdaasM2mApplicationOutputs => ({
          ...before,
          applicationId,
          clientId: "",
          m2mClientEnabled: false,
        }),
        (state) => updateApp(rawNews, state.applicationId, state, news),
        async () => ({ outs: await createApp(rawNews, news) }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      const olds = readOlds(props);
      const pending = pendingSince(props);
      // A create left pending: delete the application only if it was made, and is provably ours.
      const appId = pending !== undefined ? await pendingApp(olds, pending) : liveId(id, olds.applicationId);
      if (appId === undefined) return;
      // Its secrets, keys and federated credentials go with it.
      await deleteUnlessGone(isNotFound, () => eiam.deleteApplication(session(), olds.instanceId, appId));
    },
  },
);

/** An EIAM application acting as an OAuth client for machine-to-machine tokens. */
export class IdaasM2mApplication extends pulumi.dynamic.Resource {
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly applicationId: pulumi.Output<string>;
  declare readonly applicationName: pulumi.Output<string>;
  /** The OAuth client_id. */
  declare readonly clientId: pulumi.Output<string>;

  constructor(name: string, args: IdaasM2mApplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("IdaasM2mApplicationProvider"),
      name,
      withSecretInputs({
        ...args,
        applicationId: undefined,
        clientId: undefined,
        m2mClientEnabled: undefined,
      }),
      opts,
      "alicloud-federation",
      "IdaasM2mApplication",
    );
  }
}
