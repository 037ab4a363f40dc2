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
import * as eiam from "../client/eiam";
import { session } from "../client/session";
import { EIAM } from "../limits";
import { containsUnknown } from "../normalize";
import { applyConfig } from "../settings";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked, validateFields } from "../validation";
import { boundedString, instanceIdRule, isNotFound, optionalText } from "./idaas/common";

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

const rules = {
  instanceId: instanceIdRule,
  applicationName: {
    schema: boundedString(EIAM.applicationName.maxLength, "an application name"),
    required: true,
  },
  description: { schema: optionalText(EIAM.description.maxLength, "an application description") },
};

export function checkIdaasM2mApplicationInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules);
  const inputs: Record<string, unknown> = { ...news, ...values };
  inputs.description ??= "";
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasM2mApplicationInputs>("IdaasM2mApplication", checkIdaasM2mApplicationInputs, raw);

function readOlds(olds: object): IdaasM2mApplicationOutputs {
  const o = olds as Partial<IdaasM2mApplicationOutputs>;
  return {
    instanceId: o.instanceId ?? "",
    applicationName: o.applicationName ?? "",
    description: o.description ?? "",
    applicationId: o.applicationId ?? "",
    clientId: o.clientId ?? "",
    m2mClientEnabled: o.m2mClientEnabled ?? true,
  };
}

export const IdaasM2mApplicationProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    applyConfig(req.config);
  },

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
    const replaces =
      containsUnknown(news.instanceId) || o.instanceId !== news.instanceId ? ["instanceId"] : [];
    const changes = [...replaces];
    for (const key of ["applicationName", "description"] as const)
      if (containsUnknown(news[key]) || o[key] !== news[key]) changes.push(key);
    if (!o.m2mClientEnabled) changes.push("m2mClientEnabled");
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasM2mApplicationOutputs }> {
    const desired = requireInputs(raw);
    const s = session();
    const applicationId = await eiam.createApplication(s, desired.instanceId, {
      name: desired.applicationName,
      description: desired.description,
    });
    try {
      await eiam.setAppFeature(s, desired.instanceId, applicationId, "M2MClient", true);
      const app = await eiam.getApplication(s, desired.instanceId, applicationId);
      return {
        id: applicationId,
        outs: { ...desired, applicationId, clientId: app.clientId, m2mClientEnabled: true },
      };
    } catch (err) {
      // Pulumi records nothing for a failed create: do not leave a half-made application behind.
      await eiam.deleteApplication(s, desired.instanceId, applicationId).catch(() => undefined);
      throw err;
    }
  },

  async read(
    id: string,
    props?: object,
  ): Promise<{ id: string; props: Partial<IdaasM2mApplicationOutputs>; inputs?: object }> {
    const olds = readOlds(props ?? {});
    let app: eiam.ApplicationRecord;
    try {
      app = await eiam.getApplication(session(), olds.instanceId, id);
    } catch (err) {
      if (isNotFound(err)) return { id: "", props: {} };
      throw err;
    }
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
    const olds = readOlds(rawOlds);
    const news = requireInputs(rawNews);
    const s = session();
    if (olds.applicationName !== news.applicationName)
      await eiam.renameApplication(s, news.instanceId, id, news.applicationName);
    if (olds.description !== news.description)
      await eiam.updateApplicationDescription(s, news.instanceId, id, news.description);
    if (!olds.m2mClientEnabled) await eiam.setAppFeature(s, news.instanceId, id, "M2MClient", true);
    return { outs: { ...olds, ...news, m2mClientEnabled: true } };
  },

  async delete(id: string, props: object): Promise<void> {
    const { instanceId } = readOlds(props);
    try {
      // Its secrets, keys and federated credentials go with it.
      await eiam.deleteApplication(session(), instanceId, id);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  },
};

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
      { ...args, applicationId: undefined, clientId: undefined, m2mClientEnabled: undefined },
      opts,
      "alicloud-federation",
      "IdaasM2mApplication",
    );
  }
}
