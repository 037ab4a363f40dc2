/**
 * `IdaasClientSecret`: a client secret of an EIAM application, for the
 * `client_secret_basic`, `client_secret_post` and `client_secret_jwt` methods.
 * The value is returned by the API once, at creation, and only ever leaves
 * this resource as a Pulumi secret. An application holds at most two, which is
 * exactly what a rotation needs: bump `version` and the new secret is created
 * before the old one is deleted.
 *
 * API: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationclientsecret
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as eiam from "../client/eiam";
import { session, withOptions } from "../client/session";
import { warn } from "../diagnostics";
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
  newcomer,
  OutcomeUnknownError,
  PENDING_EXISTING,
  pendingCreate,
  pendingExisting,
  pendingId,
  pendingSince,
  stateOf,
  unlessGone,
  withSecretOutputs,
} from "../lifecycle";
import { EIAM } from "../limits";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked, validateFields, zod } from "../validation";
import { idRule, instanceIdRule, isNotFound, isQuotaExceeded } from "./idaas/common";

/** The arguments of an `IdaasClientSecret`. */
export interface IdaasClientSecretArgs {
  /** The EIAM instance (`idaas_…`). A change replaces the secret. */
  instanceId: pulumi.Input<string>;
  /** The application (`app_…`), e.g. an `IdaasM2mApplication`'s `applicationId`. A change replaces the secret. */
  applicationId: pulumi.Input<string>;
  /**
   * When the secret stops working, as an ISO 8601 time (`2027-06-30T00:00:00Z`): at least one day
   * and at most three years ahead when it is set or changed (a secret that exists is not
   * re-judged against the clock, so previews keep working as it ages; within
   * `EXPIRY_WARNING_MS` of it, or past it, preview shows a warning). Omitted: it never expires.
   * A change replaces it.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationclientsecret
   */
  expiresAt?: pulumi.Input<string>;
  /**
   * Bump to rotate: a new secret is created, consumers are updated, then the old one is deleted
   * (an application holds at most two, so keep no other secret on it). Default 1.
   */
  version?: pulumi.Input<number>;
}

export interface IdaasClientSecretInputs {
  instanceId: string;
  applicationId: string;
  expiresAt: string;
  version: number;
}

export interface IdaasClientSecretOutputs extends IdaasClientSecretInputs {
  secretId: string;
  /** The OAuth client_id the secret belongs to. */
  clientId: string;
  /** The secret value: a Pulumi secret. */
  clientSecret: string;
  /** False when the secret was disabled out of band: the next `up` enables it again. */
  enabled: boolean;
}

/** Milliseconds of an ISO time, or a reason it is not acceptable (relative to `now`). */
export function expirationMs(iso: string, now: number): number | string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso))
    return `must be an ISO 8601 time with a zone, e.g. 2027-06-30T00:00:00Z (not ${quoted(iso)})`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `must be a valid time, e.g. 2027-06-30T00:00:00Z (not ${quoted(iso)})`;
  const { minAheadMs: minLifetimeMs, maxAheadMs: maxLifetimeMs } = EIAM.clientSecretExpiration;
  if (ms - now < minLifetimeMs) return `is less than 1 day from now: a secret must live at least 1 day`;
  if (ms - now > maxLifetimeMs) return `is more than 3 years from now: a secret may live at most 3 years`;
  return ms;
}

/** How long before `expiresAt` preview starts warning: 7 days, time to rotate in a normal release. */
export const EXPIRY_WARNING_MS = 7 * 86_400_000;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The format half of `expirationMs`: what does not depend on the clock. */
function expirationFormatProblem(iso: string): string | undefined {
  if (!ISO_WITH_ZONE.test(iso))
    return `must be an ISO 8601 time with a zone, e.g. 2027-06-30T00:00:00Z (not ${quoted(iso)})`;
  if (Number.isNaN(Date.parse(iso)))
    return `must be a valid time, e.g. 2027-06-30T00:00:00Z (not ${quoted(iso)})`;
  return undefined;
}

const REPLACING = ["instanceId", "applicationId", "expiresAt", "version"] as const;
/** The value as a reason quotes it: whole when short, else its start (a reason says what to do first). */
function quoted(value: string): string {
  return value.length <= 40 ? `'${value}'` : `'${value.slice(0, 40)}…' (${value.length} characters)`;
}

/** What `check` fills in and what old state falls back to. */
const DEFAULTS: Record<string, unknown> = { expiresAt: "", version: 1 };

/** The rules; `expiresAt`'s bounds relative to now only when `relative` (the value is new or changed). */
const rulesFor = (relative: boolean) => {
  const z = zod();
  return {
    instanceId: instanceIdRule(),
    applicationId: idRule("app_"),
    expiresAt: {
      schema: z.string({ error: "must be an ISO 8601 time" }).superRefine((v, ctx) => {
        if (v === "") return;
        const r = relative ? expirationMs(v, Date.now()) : expirationFormatProblem(v);
        if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
      }),
    },
    version: {
      schema: z.number({ error: "must be a number" }).refine((v) => Number.isInteger(v) && v >= 1, {
        message: "must be a whole number, at least 1",
      }),
    },
  };
};

/**
 * Validates and normalizes inputs. `olds`: the inputs the secret has now, when it exists. The
 * clock-relative bounds of `expiresAt` (1 day to 3 years ahead) are judged only when a secret will
 * be created with it (none exists, or a field that replaces it changed); otherwise only its format.
 */
export function checkIdaasClientSecretInputs(
  news: Record<string, unknown>,
  olds?: Record<string, unknown>,
): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  // A new secret is created when none exists or a replacing field changes: then expiresAt is
  // being set, and must be 1 day to 3 years ahead.
  const kept =
    olds !== undefined && REPLACING.every((k) => (olds[k] ?? DEFAULTS[k]) === (news[k] ?? DEFAULTS[k]));
  const { values, failures } = validateFields(news, rulesFor(!kept));
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

// Format only: create judges the clock-relative bounds itself, and an update (re-enabling) must
// work on a secret close to its expiry.
const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasClientSecretInputs>(
    "IdaasClientSecret",
    (n) => checkIdaasClientSecretInputs(n, n),
    raw,
  );

/** The warning preview shows for a secret that expires within `EXPIRY_WARNING_MS`, or has expired. */
export function expiryWarning(inputs: Record<string, unknown>, now: number): string | undefined {
  const at = inputs.expiresAt;
  if (typeof at !== "string" || at === "" || expirationFormatProblem(at) !== undefined) return undefined;
  const left = Date.parse(at) - now;
  if (left > EXPIRY_WARNING_MS) return undefined;
  const what = `IdaasClientSecret of application ${String(inputs.applicationId)}`;
  const rotate =
    "set a later expiresAt and bump version to rotate it (the new secret is created before the old one is deleted)";
  if (left <= 0) return `${what} expired at ${at}: clients using it fail to get tokens; ${rotate}`;
  const hours = Math.floor(left / 3_600_000);
  const when = hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} hours`;
  return `${what} expires at ${at}, in ${when}; ${rotate}`;
}

const STATE: IdaasClientSecretOutputs = {
  expiresAt: "",
  version: 1,
  instanceId: "",
  applicationId: "",
  secretId: "",
  clientId: "",
  clientSecret: "",
  enabled: true,
};

const readOlds = (olds: object) => stateOf(olds, STATE);

/** The secret a pending create made, if any: the one id not there before it (several: refused). */
async function pendingSecret(
  olds: IdaasClientSecretOutputs,
  before: ReadonlySet<string>,
): Promise<string | undefined> {
  const ids = (await eiam.listClientSecrets(session(), olds.instanceId, olds.applicationId)).map(
    (x) => x.secretId,
  );
  return newcomer(`client secrets of application ${olds.applicationId}`, ids, before);
}

/**
 * Create, resumed by `update` when a previous `up` could not tell whether
 * CreateApplicationClientSecret happened (recorded pending with the secrets there before it).
 */
async function createSecret(
  raw: Record<string, unknown>,
  desired: IdaasClientSecretInputs,
  resume?: { since: number; before: ReadonlySet<string> },
): Promise<IdaasClientSecretOutputs> {
  const expiration = desired.expiresAt === "" ? undefined : expirationMs(desired.expiresAt, Date.now());
  if (typeof expiration === "string")
    throw new Error(`invalid IdaasClientSecret arguments:\nexpiresAt: ${expiration}`);
  const s = session();
  const { instanceId, applicationId } = desired;
  const started = resume?.since ?? Date.now();
  const bare: IdaasClientSecretOutputs = {
    ...desired,
    secretId: "",
    clientId: "",
    clientSecret: "",
    enabled: true,
  };
  let created: Awaited<ReturnType<typeof eiam.createClientSecret>>;
  // CreateApplicationClientSecret takes no ClientToken, and a lost answer would leave a live
  // secret nobody holds. So the secrets there before are listed first (one call): after a
  // lost answer, the one secret that is new is ours, and its value is read back with
  // ObtainApplicationClientSecret.
  const before =
    resume?.before ??
    new Set((await eiam.listClientSecrets(s, instanceId, applicationId)).map((x) => x.secretId));
  try {
    ({ value: created } = await createOnce(s, {
      create: (o) => eiam.createClientSecret(withOptions(s, o), instanceId, applicationId, expiration),
      find: async () => {
        const mine = await pendingSecret(bare, before);
        return mine === undefined ? undefined : eiam.obtainClientSecret(s, instanceId, applicationId, mine);
      },
      since: resume?.since,
    }));
  } catch (err) {
    // Made or not, unknown: remembered with the secrets there before, so the next run can tell.
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(
        raw,
        pendingId(applicationId),
        { ...bare, [PENDING_EXISTING]: [...before] },
        started,
        err,
      );
    if (isQuotaExceeded(err))
      throw new Error(
        `${(err as Error).message}\nAn application holds at most ${EIAM.maxClientSecretsPerApplication} client secrets: ` +
          "delete a secret not managed by this stack, or let a rotation finish before the next one.",
      );
    throw err;
  }
  return {
    ...desired,
    secretId: created.secretId,
    clientId: created.clientId,
    clientSecret: created.clientSecret,
    enabled: true,
  };
}

/** A pending create's secret (see `pendingSecret`), when old state records one. */
async function resolvePending(id: string, props: object): Promise<string | undefined> {
  const olds = readOlds(props);
  const since = pendingSince(props);
  const before = pendingExisting(props);
  if (since === undefined || before === undefined) return liveId(id, olds.secretId);
  return findPending(since, () => pendingSecret(olds, before));
}

export const IdaasClientSecretProvider = accountBound(
  {
    kind: "IdaasClientSecret",
    identity: ["instanceId", "applicationId", "expiresAt", "version"],
    stable: ["secretId", "clientId"],
  },
  {
    configure,

    async check(
      olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      // The engine passes empty olds (the previous inputs) for a resource it has not created yet.
      const exists = olds.instanceId !== undefined;
      const result = checkIdaasClientSecretInputs(news, exists ? olds : undefined);
      if (exists && result.failures.length === 0) {
        const warning = expiryWarning(result.inputs, Date.now());
        if (warning) await warn(warning);
      }
      return result;
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const d = diffFields(o, news, { replace: REPLACING });
      if (!o.enabled) d.changes.push("enabled");
      // Create the new secret first: the application is never without a working one.
      return diffResult(d);
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasClientSecretOutputs }> {
      const outs = await createSecret(raw, requireInputs(raw));
      return { id: outs.secretId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<IdaasClientSecretOutputs>; inputs?: object }> {
      let olds = readOlds(props ?? {});
      const s = session();
      if (pendingSince(props ?? {}) !== undefined) {
        // A create left pending: refreshed as the secret it made (value read back), or gone.
        const found = await unlessGone(isNotFound, () => resolvePending(id, props ?? {}));
        if (found === undefined) return GONE;
        const got = await eiam.obtainClientSecret(s, olds.instanceId, olds.applicationId, found);
        olds = { ...olds, secretId: got.secretId, clientId: got.clientId, clientSecret: got.clientSecret };
      }
      id = liveId(id, olds.secretId);
      // The application gone takes the secret with it.
      const secrets = await unlessGone(isNotFound, () =>
        eiam.listClientSecrets(s, olds.instanceId, olds.applicationId),
      );
      const mine = secrets?.find((x) => x.secretId === id);
      if (!mine) return GONE;
      const outs: IdaasClientSecretOutputs = { ...olds, enabled: mine.status !== "disabled" };
      const { instanceId, applicationId, expiresAt, version } = outs;
      return { id, props: outs, inputs: { instanceId, applicationId, expiresAt, version } };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: IdaasClientSecretOutputs }> {
      const news = requireInputs(rawNews);
      const since = pendingSince(rawOlds);
      const before = pendingExisting(rawOlds);
      if (since !== undefined && before !== undefined)
        return { outs: await createSecret(rawNews, news, { since, before }) };
      const olds = readOlds(rawOlds);
      id = liveId(id, olds.secretId);
      if (!olds.enabled) await eiam.enableClientSecret(session(), news.instanceId, news.applicationId, id);
      return { outs: { ...olds, ...news, enabled: true } };
    },

    async delete(id: string, props: object): Promise<void> {
      const { instanceId, applicationId } = readOlds(props);
      await deleteUnlessGone(isNotFound, async () => {
        // A create left pending: only the secret provably made by it is deleted.
        const secretId = await resolvePending(id, props);
        if (secretId !== undefined)
          await eiam.deleteClientSecret(session(), instanceId, applicationId, secretId);
      });
    },
  },
);

/** A client secret of an EIAM application; `clientSecret` is a Pulumi secret. */
export class IdaasClientSecret extends pulumi.dynamic.Resource {
  declare readonly secretId: pulumi.Output<string>;
  declare readonly clientId: pulumi.Output<string>;
  /** The secret value, as a Pulumi secret. Hand it to the workload as an environment variable. */
  declare readonly clientSecret: pulumi.Output<string>;

  constructor(name: string, args: IdaasClientSecretArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("IdaasClientSecretProvider"),
      name,
      withSecretInputs({
        ...args,
        secretId: undefined,
        clientId: undefined,
        clientSecret: undefined,
        enabled: undefined,
      }),
      withSecretOutputs(opts, ["clientSecret"]),
      "alicloud-federation",
      "IdaasClientSecret",
    );
  }
}
