/**
 * `ScimApplication`: the OAuth ServerApp that syncs a directory into RAM over
 * SCIM: created with the `/acs/scim` scope, consented (ProvisionApplication),
 * and given a client secret that only ever leaves as a Pulumi secret.
 *
 * https://www.alibabacloud.com/help/en/ram/user-guide/synchronize-accounts-from-an-enterprise-internal-system-to-ram-based-on-scim
 * API: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createapplication
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as apps from "../client/imsApps";
import { type Session, session } from "../client/session";
import { hasCodePrefix } from "../errors";
import { OAUTH_APP, SCIM_SCOPE } from "../limits";
import { containsUnknown } from "../normalize";
import { applyConfig } from "../settings";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked, tooLong, validateFields } from "../validation";

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
}

const rules = {
  appName: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > APP.appName.maxLength)
        ctx.addIssue({
          code: "custom",
          message: tooLong(v.length, APP.appName.maxLength, "an application name"),
        });
      else if (!APP.appName.pattern.test(v))
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
};

export function checkScimApplicationInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules);
  const inputs: Record<string, unknown> = { ...news, ...values };
  if (
    inputs.displayName === undefined &&
    typeof inputs.appName === "string" &&
    !containsUnknown(inputs.appName)
  )
    inputs.displayName = inputs.appName.slice(0, APP.displayName.maxLength);
  inputs.accessTokenValidity ??= APP.accessTokenValidity.default;
  inputs.secretVersion ??= 1;
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<ScimApplicationInputs>("ScimApplication", checkScimApplicationInputs, raw);

function readOlds(olds: object): ScimApplicationOutputs {
  const o = olds as Partial<ScimApplicationOutputs>;
  return {
    appName: o.appName ?? "",
    displayName: o.displayName ?? "",
    accessTokenValidity: o.accessTokenValidity ?? APP.accessTokenValidity.default,
    secretVersion: o.secretVersion ?? 1,
    appId: o.appId ?? "",
    clientId: o.clientId ?? o.appId ?? "",
    clientSecret: o.clientSecret ?? "",
    appSecretId: o.appSecretId ?? "",
    scopes: o.scopes ?? [],
    createDate: o.createDate ?? "",
  };
}

/** Creates a new secret, then deletes the old one: never a moment without a working secret. */
async function rotateSecret(
  s: Session,
  appId: string,
  oldSecretId: string,
): Promise<{ appSecretId: string; value: string }> {
  const fresh = await apps.createAppSecret(s, appId);
  if (oldSecretId !== "") {
    try {
      await apps.deleteAppSecret(s, appId, oldSecretId);
    } catch (err) {
      if (!hasCodePrefix(err, "EntityNotExist")) throw err;
    }
  }
  return fresh;
}

export const ScimApplicationProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    applyConfig(req.config);
  },

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
    const replaces = containsUnknown(news.appName) || o.appName !== news.appName ? ["appName"] : [];
    const changes = [...replaces];
    for (const key of ["displayName", "accessTokenValidity", "secretVersion"] as const)
      if (containsUnknown(news[key]) || o[key] !== news[key]) changes.push(key);
    // The secret was deleted out of band (refresh saw it gone): make a new one.
    if (o.appSecretId === "") changes.push("clientSecret");
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(raw: Record<string, unknown>): Promise<{ id: string; outs: ScimApplicationOutputs }> {
    const desired = requireInputs(raw);
    const s = session();
    const app = await apps.createServerApp(s, {
      appName: desired.appName,
      displayName: desired.displayName,
      accessTokenValidity: desired.accessTokenValidity,
      scopes: [SCIM_SCOPE],
    });
    try {
      await apps.provisionApplication(s, app.appId, [SCIM_SCOPE]);
      const secret = await apps.createAppSecret(s, app.appId);
      return {
        id: app.appId,
        outs: {
          ...desired,
          appId: app.appId,
          clientId: app.appId,
          clientSecret: secret.value,
          appSecretId: secret.appSecretId,
          scopes: app.scopes,
          createDate: app.createDate,
        },
      };
    } catch (err) {
      // Pulumi records nothing for a failed create; do not leave a half-made app behind.
      await apps.deleteApplication(s, app.appId).catch(() => undefined);
      throw err;
    }
  },

  async read(
    id: string,
    props?: object,
  ): Promise<{ id: string; props: Partial<ScimApplicationOutputs>; inputs?: object }> {
    const olds = readOlds(props ?? {});
    const s = session();
    let app: apps.OAuthApplicationRecord;
    let secretIds: string[];
    try {
      app = await apps.getApplication(s, id);
      secretIds = await apps.listAppSecretIds(s, id);
    } catch (err) {
      if (hasCodePrefix(err, "EntityNotExist")) return { id: "", props: {} };
      throw err;
    }
    const secretAlive = secretIds.includes(olds.appSecretId);
    const outs: ScimApplicationOutputs = {
      ...olds,
      displayName: app.displayName,
      accessTokenValidity: app.accessTokenValidity ?? olds.accessTokenValidity,
      scopes: app.scopes,
      appSecretId: secretAlive ? olds.appSecretId : "",
      clientSecret: secretAlive ? olds.clientSecret : "",
    };
    const { appName, displayName, accessTokenValidity, secretVersion } = outs;
    return { id, props: outs, inputs: { appName, displayName, accessTokenValidity, secretVersion } };
  },

  async update(
    id: string,
    rawOlds: object,
    rawNews: Record<string, unknown>,
  ): Promise<{ outs: ScimApplicationOutputs }> {
    const olds = readOlds(rawOlds);
    const news = requireInputs(rawNews);
    const s = session();
    if (olds.displayName !== news.displayName || olds.accessTokenValidity !== news.accessTokenValidity) {
      await apps.updateApplication(s, id, {
        displayName: olds.displayName !== news.displayName ? news.displayName : undefined,
        accessTokenValidity:
          olds.accessTokenValidity !== news.accessTokenValidity ? news.accessTokenValidity : undefined,
      });
    }
    let { appSecretId, clientSecret } = olds;
    if (olds.secretVersion !== news.secretVersion || appSecretId === "") {
      ({ appSecretId, value: clientSecret } = await rotateSecret(s, id, appSecretId));
    }
    return { outs: { ...olds, ...news, appSecretId, clientSecret } };
  },

  async delete(id: string): Promise<void> {
    try {
      await apps.deleteApplication(session(), id); // its secrets go with it
    } catch (err) {
      if (hasCodePrefix(err, "EntityNotExist")) return;
      throw err;
    }
  },
};

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
      {
        ...args,
        appId: undefined,
        clientId: undefined,
        clientSecret: undefined,
        appSecretId: undefined,
        scopes: undefined,
        createDate: undefined,
      },
      // The dynamic provider host cannot mark outputs secret itself.
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret"] },
      "alicloud-federation",
      "ScimApplication",
    );
  }
}
