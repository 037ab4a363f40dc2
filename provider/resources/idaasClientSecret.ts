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
import { z } from "zod";
import * as eiam from "../client/eiam";
import { session } from "../client/session";
import { AlicloudApiError } from "../errors";
import { EIAM } from "../limits";
import { containsUnknown } from "../normalize";
import { applyConfig } from "../settings";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked, validateFields } from "../validation";
import { idRule, instanceIdRule, isNotFound } from "./idaas/common";

/** The arguments of an `IdaasClientSecret`. */
export interface IdaasClientSecretArgs {
  /** The EIAM instance (`idaas_…`). A change replaces the secret. */
  instanceId: pulumi.Input<string>;
  /** The application (`app_…`), e.g. an `IdaasM2mApplication`'s `applicationId`. A change replaces the secret. */
  applicationId: pulumi.Input<string>;
  /**
   * When the secret stops working, as an ISO 8601 time (`2027-06-30T00:00:00Z`): at least one day
   * and at most three years after it is created. Omitted: it never expires. A change replaces it.
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
    return `'${iso}' is not an ISO 8601 time with a zone, e.g. 2027-06-30T00:00:00Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `'${iso}' is not a valid time`;
  const { minAheadMs: minLifetimeMs, maxAheadMs: maxLifetimeMs } = EIAM.clientSecretExpiration;
  if (ms - now < minLifetimeMs) return `is less than 1 day from now: a secret must live at least 1 day`;
  if (ms - now > maxLifetimeMs) return `is more than 3 years from now: a secret may live at most 3 years`;
  return ms;
}

const rules = {
  instanceId: instanceIdRule,
  applicationId: idRule("app_"),
  expiresAt: {
    schema: z.string({ error: "must be an ISO 8601 time" }).superRefine((v, ctx) => {
      if (v === "") return;
      const r = expirationMs(v, Date.now());
      if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
    }),
  },
  version: {
    schema: z.number({ error: "must be a number" }).refine((v) => Number.isInteger(v) && v >= 1, {
      message: "must be a whole number, at least 1",
    }),
  },
};

export function checkIdaasClientSecretInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules);
  const inputs: Record<string, unknown> = { ...news, ...values };
  inputs.expiresAt ??= "";
  inputs.version ??= 1;
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasClientSecretInputs>("IdaasClientSecret", checkIdaasClientSecretInputs, raw);

function readOlds(olds: object): IdaasClientSecretOutputs {
  const o = olds as Partial<IdaasClientSecretOutputs>;
  return {
    instanceId: o.instanceId ?? "",
    applicationId: o.applicationId ?? "",
    expiresAt: o.expiresAt ?? "",
    version: o.version ?? 1,
    secretId: o.secretId ?? "",
    clientId: o.clientId ?? "",
    clientSecret: o.clientSecret ?? "",
    enabled: o.enabled ?? true,
  };
}

const REPLACING = ["instanceId", "applicationId", "expiresAt", "version"] as const;

export const IdaasClientSecretProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    applyConfig(req.config);
  },

  async check(
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    return checkIdaasClientSecretInputs(news);
  },

  async diff(
    _id: string,
    rawOlds: object,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.DiffResult> {
    const o = readOlds(rawOlds);
    const replaces = REPLACING.filter((k) => containsUnknown(news[k]) || o[k] !== news[k]);
    const changes: string[] = [...replaces];
    if (!o.enabled) changes.push("enabled");
    // Create the new secret first: the application is never without a working one.
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasClientSecretOutputs }> {
    const desired = requireInputs(raw);
    const expiration = desired.expiresAt === "" ? undefined : expirationMs(desired.expiresAt, Date.now());
    if (typeof expiration === "string")
      throw new Error(`invalid IdaasClientSecret arguments:\nexpiresAt: ${expiration}`);
    let created: Awaited<ReturnType<typeof eiam.createClientSecret>>;
    try {
      created = await eiam.createClientSecret(
        session(),
        desired.instanceId,
        desired.applicationId,
        expiration,
      );
    } catch (err) {
      if (AlicloudApiError.is(err) && /quota|limit/i.test(err.code))
        throw new Error(
          `${err.message}\nAn application holds at most ${EIAM.maxClientSecretsPerApplication} client secrets: ` +
            "delete a secret not managed by this stack, or let a rotation finish before the next one.",
        );
      throw err;
    }
    return {
      id: created.secretId,
      outs: {
        ...desired,
        secretId: created.secretId,
        clientId: created.clientId,
        clientSecret: created.clientSecret,
        enabled: true,
      },
    };
  },

  async read(
    id: string,
    props?: object,
  ): Promise<{ id: string; props: Partial<IdaasClientSecretOutputs>; inputs?: object }> {
    const olds = readOlds(props ?? {});
    let secrets: eiam.ClientSecretRecord[];
    try {
      secrets = await eiam.listClientSecrets(session(), olds.instanceId, olds.applicationId);
    } catch (err) {
      if (isNotFound(err)) return { id: "", props: {} }; // the application is gone
      throw err;
    }
    const mine = secrets.find((x) => x.secretId === id);
    if (!mine) return { id: "", props: {} };
    const outs: IdaasClientSecretOutputs = { ...olds, enabled: mine.status !== "disabled" };
    const { instanceId, applicationId, expiresAt, version } = outs;
    return { id, props: outs, inputs: { instanceId, applicationId, expiresAt, version } };
  },

  async update(
    id: string,
    rawOlds: object,
    rawNews: Record<string, unknown>,
  ): Promise<{ outs: IdaasClientSecretOutputs }> {
    const olds = readOlds(rawOlds);
    const news = requireInputs(rawNews);
    if (!olds.enabled) await eiam.enableClientSecret(session(), news.instanceId, news.applicationId, id);
    return { outs: { ...olds, ...news, enabled: true } };
  },

  async delete(id: string, props: object): Promise<void> {
    const { instanceId, applicationId } = readOlds(props);
    try {
      await eiam.deleteClientSecret(session(), instanceId, applicationId, id);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  },
};

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
      { ...args, secretId: undefined, clientId: undefined, clientSecret: undefined, enabled: undefined },
      // The dynamic provider host cannot mark outputs secret itself.
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret"] },
      "alicloud-federation",
      "IdaasClientSecret",
    );
  }
}
