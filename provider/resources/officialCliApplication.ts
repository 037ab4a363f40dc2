/**
 * `OfficialCliApplication`: the Alibaba Cloud CLI's official OAuth application
 * (`official-cli`), installed in the account so that assigned RAM users and
 * roles can log in with `aliyun configure --mode OAuth` instead of AccessKeys.
 *
 * https://www.alibabacloud.com/help/en/ram/configure-oauth-for-alibaba-cloud-cli
 * API: https://help.aliyun.com/zh/ram/developer-reference/api-ims-2019-08-15-provisionexternalapplication
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as apps from "../client/imsApps";
import { session } from "../client/session";
import { hasCodePrefix } from "../errors";
import { canonicalSet, containsUnknown, sameSet } from "../normalize";
import { applyConfig } from "../settings";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked, validateFields } from "../validation";

/**
 * official-cli's AppId per site: it is the CLI's OAuth client_id (aliyun-cli
 * `config/configure.go`). Inferred, not documented as "the AppId of
 * official-cli" (docs/alibaba-api.md §3.3): kept here, in one place.
 */
export const OFFICIAL_CLI_APP_IDS = { cn: "4038181954557748008", intl: "4103531455503354461" } as const;

/** The scopes the CLI needs: the user's OpenID, and STS credentials for API calls (§3.1). */
export const OFFICIAL_CLI_SCOPES = ["/internal/ram/usersts", "openid"] as const;

export type Site = keyof typeof OFFICIAL_CLI_APP_IDS;

/** The arguments of an `OfficialCliApplication`. */
export interface OfficialCliApplicationArgs {
  /**
   * The account's site: `cn` (China, signin.aliyun.com) or `intl`
   * (international, signin.alibabacloud.com). It decides the application's
   * AppId. Default `cn`. Changing it replaces the installation.
   */
  site?: pulumi.Input<Site>;
  /**
   * Take over an installation that already exists instead of failing. An
   * adopted installation is left installed when this resource is deleted:
   * only what this stack installed is uninstalled. Default `false`.
   */
  adopt?: pulumi.Input<boolean>;
}

export interface OfficialCliApplicationInputs {
  site: Site;
  adopt: boolean;
}

export interface OfficialCliApplicationOutputs extends OfficialCliApplicationInputs {
  /** The application's AppId: what assignments name. */
  appId: string;
  displayName: string;
  /** `<app name>@app.<account id>.onaliyun.com` */
  appPrincipalName: string;
  /** The scopes consented to at installation. */
  scopes: string[];
  /** Whether this stack installed it (and so uninstalls it on delete). */
  installedByStack: boolean;
  createDate: string;
}

const rules = {
  site: {
    schema: z.enum(["cn", "intl"], { error: "must be 'cn' (China site) or 'intl' (international site)" }),
  },
  adopt: { schema: z.boolean({ error: "must be true or false" }) },
};

export function checkOfficialCliApplicationInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules);
  const inputs: Record<string, unknown> = { ...news, ...values };
  inputs.site ??= "cn";
  inputs.adopt ??= false;
  return { inputs, failures };
}

function requireInputs(raw: Record<string, unknown>): OfficialCliApplicationInputs {
  return requireChecked<OfficialCliApplicationInputs>(
    "OfficialCliApplication",
    checkOfficialCliApplicationInputs,
    raw,
  );
}

function readOlds(olds: object): OfficialCliApplicationOutputs {
  const o = olds as Partial<OfficialCliApplicationOutputs>;
  const site = o.site ?? "cn";
  return {
    site,
    adopt: o.adopt ?? false,
    appId: o.appId ?? OFFICIAL_CLI_APP_IDS[site],
    displayName: o.displayName ?? "",
    appPrincipalName: o.appPrincipalName ?? "",
    scopes: o.scopes ?? [],
    // Older state without the flag: assume not ours, so a delete never uninstalls by mistake.
    installedByStack: o.installedByStack ?? false,
    createDate: o.createDate ?? "",
  };
}

function toOutputs(
  rec: apps.ExternalApplicationRecord,
  desired: OfficialCliApplicationInputs,
  installedByStack: boolean,
): OfficialCliApplicationOutputs {
  return {
    site: desired.site,
    adopt: desired.adopt,
    appId: rec.appId,
    displayName: rec.displayName,
    appPrincipalName: rec.appPrincipalName,
    scopes: canonicalSet(rec.scopes),
    installedByStack,
    createDate: rec.createDate,
  };
}

export const OfficialCliApplicationProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    applyConfig(req.config);
  },

  async check(
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    return checkOfficialCliApplicationInputs(news);
  },

  async diff(_id: string, olds: object, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const o = readOlds(olds);
    const replaces = containsUnknown(news.site) || o.site !== (news.site ?? "cn") ? ["site"] : [];
    // The scopes are fixed by what the CLI needs; a drift in them re-installs.
    const scopesDrifted = o.scopes.length > 0 && !sameSet(o.scopes, [...OFFICIAL_CLI_SCOPES]);
    if (scopesDrifted) replaces.push("scopes");
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(raw: Record<string, unknown>): Promise<{ id: string; outs: OfficialCliApplicationOutputs }> {
    const desired = requireInputs(raw);
    const appId = OFFICIAL_CLI_APP_IDS[desired.site];
    const s = session();
    try {
      const rec = await apps.provisionExternalApplication(s, appId, [...OFFICIAL_CLI_SCOPES]);
      return { id: appId, outs: toOutputs(rec, desired, true) };
    } catch (err) {
      // The code for "already installed" is not published; any EntityAlreadyExists means it.
      if (!hasCodePrefix(err, "EntityAlreadyExists")) throw err;
      if (!desired.adopt) {
        throw new Error(
          `official-cli (AppId ${appId}) is already installed in this account. To manage it from this stack, set ` +
            "`adopt: true`; it will then be left installed when the stack is destroyed, since this stack did not install it.",
        );
      }
      const rec = await apps.getExternalApplication(s, appId);
      return { id: appId, outs: toOutputs(rec, desired, false) };
    }
  },

  async read(
    id: string,
    props?: object,
  ): Promise<{ id: string; props: Partial<OfficialCliApplicationOutputs>; inputs?: object }> {
    const olds = readOlds(props ?? {});
    let rec: apps.ExternalApplicationRecord;
    try {
      rec = await apps.getExternalApplication(session(), id);
    } catch (err) {
      if (hasCodePrefix(err, "EntityNotExist")) return { id: "", props: {} };
      throw err;
    }
    const outs = toOutputs(rec, olds, olds.installedByStack);
    return { id, props: outs, inputs: { site: outs.site, adopt: outs.adopt } };
  },

  async update(
    _id: string,
    rawOlds: object,
    rawNews: Record<string, unknown>,
  ): Promise<{ outs: OfficialCliApplicationOutputs }> {
    // Only `adopt` can change in place; it changes nothing in the account.
    const olds = readOlds(rawOlds);
    const news = requireInputs(rawNews);
    return { outs: { ...olds, adopt: news.adopt } };
  },

  async delete(id: string, props: object): Promise<void> {
    const olds = readOlds(props);
    if (!olds.installedByStack) return; // adopted: someone else installed it, so it stays
    try {
      await apps.deprovisionExternalApplication(session(), id);
    } catch (err) {
      if (hasCodePrefix(err, "EntityNotExist")) return;
      throw err;
    }
  },
};

/**
 * The Alibaba Cloud CLI's official OAuth application, installed for this
 * account's site. Assign the people who may use it with `ApplicationAssignment`.
 */
export class OfficialCliApplication extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<Site>;
  /** The AppId (the CLI's OAuth client_id for the site). */
  declare readonly appId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly appPrincipalName: pulumi.Output<string>;
  declare readonly scopes: pulumi.Output<string[]>;
  /** True when this stack installed it, and so will uninstall it. */
  declare readonly installedByStack: pulumi.Output<boolean>;
  declare readonly createDate: pulumi.Output<string>;

  constructor(name: string, args: OfficialCliApplicationArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("OfficialCliApplicationProvider"),
      name,
      {
        ...args,
        appId: undefined,
        displayName: undefined,
        appPrincipalName: undefined,
        scopes: undefined,
        installedByStack: undefined,
        createDate: undefined,
      },
      opts,
      "alicloud-federation",
      "OfficialCliApplication",
    );
  }
}
