/**
 * `OfficialCliApplication`: the Alibaba Cloud CLI's official OAuth application
 * (`official-cli`), installed in the account so that assigned RAM users and
 * roles can log in with `aliyun configure --mode OAuth` instead of AccessKeys.
 *
 * https://www.alibabacloud.com/help/en/ram/configure-oauth-for-alibaba-cloud-cli
 * API: https://help.aliyun.com/zh/ram/developer-reference/api-ims-2019-08-15-provisionexternalapplication
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as apps from "../client/imsApps";
import { session, withOptions } from "../client/session";
import { hasCodePrefix } from "../errors";
import {
  claim,
  configure,
  createOnce,
  deleteUnlessGone,
  fillDefaults,
  GONE,
  OutcomeUnknownError,
  pendingCreate,
  pendingSince,
  stateOf,
  takeClaim,
  timeOf,
  unclaim,
  unlessGone,
} from "../lifecycle";
import { canonicalSet, containsUnknown, sameSet } from "../normalize";
import { OFFICIAL_CLI_APP_IDS, OFFICIAL_CLI_SCOPES, type Site } from "../officialCli";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, validateFields } from "../validation";

export { OFFICIAL_CLI_APP_IDS, OFFICIAL_CLI_SCOPES, type Site };

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

const rules = lazyRules((z) => ({
  site: {
    schema: z.enum(["cn", "intl"], { error: "must be 'cn' (China site) or 'intl' (international site)" }),
  },
  adopt: { schema: z.boolean({ error: "must be true or false" }) },
}));

export function checkOfficialCliApplicationInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
  return { inputs, failures };
}

function requireInputs(raw: Record<string, unknown>): OfficialCliApplicationInputs {
  return requireChecked<OfficialCliApplicationInputs>(
    "OfficialCliApplication",
    checkOfficialCliApplicationInputs,
    raw,
  );
}

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { site: "cn" as Site, adopt: false };

const STATE: OfficialCliApplicationOutputs = {
  ...DEFAULTS,
  appId: "",
  displayName: "",
  appPrincipalName: "",
  scopes: [],
  // Older state without the flag: assume not ours, so a delete never uninstalls by mistake.
  installedByStack: false,
  createDate: "",
};

function readOlds(olds: object): OfficialCliApplicationOutputs {
  const o = stateOf(olds, STATE);
  return { ...o, appId: o.appId || OFFICIAL_CLI_APP_IDS[o.site] };
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

const claimKey = (appId: string) => `OfficialCliApplication:${appId}`;
const isGone = (e: unknown) => hasCodePrefix(e, "EntityNotExist");

/** Install, resumed by `update` when a previous `up` could not tell whether it happened. */
async function install(
  raw: Record<string, unknown>,
  desired: OfficialCliApplicationInputs,
  since?: number,
): Promise<{ id: string; outs: OfficialCliApplicationOutputs }> {
  const appId = OFFICIAL_CLI_APP_IDS[desired.site];
  const s = session();
  const started = since ?? Date.now();
  // The code for "already installed" is not published; any EntityAlreadyExists means it.
  const exists = (e: unknown) => hasCodePrefix(e, "EntityAlreadyExists");
  try {
    const { value } = await createOnce(s, {
      create: (o) => apps.provisionExternalApplication(withOptions(s, o), appId, [...OFFICIAL_CLI_SCOPES]),
      find: async (t) => {
        const rec = await unlessGone(isGone, () => apps.getExternalApplication(s, appId));
        return rec && timeOf(rec.createDate) >= t && sameSet(rec.scopes, [...OFFICIAL_CLI_SCOPES])
          ? rec
          : undefined;
      },
      alreadyExists: exists,
      since,
    });
    unclaim(claimKey(appId));
    return { id: appId, outs: toOutputs(value, desired, true) };
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, appId, { ...STATE, ...desired, appId, installedByStack: true }, started, err);
    if (!exists(err)) throw err;
    if (!desired.adopt) {
      throw new Error(
        `official-cli (AppId ${appId}) is already installed in this account. To manage it from this stack, set ` +
          "`adopt: true`; it will then be left installed when the stack is destroyed, since this stack did not install it.",
      );
    }
    claim(claimKey(appId));
    const rec = await apps.getExternalApplication(s, appId);
    return { id: appId, outs: toOutputs(rec, desired, false) };
  }
}

export const OfficialCliApplicationProvider = accountBound(
  {
    kind: "OfficialCliApplication",
    identity: ["site"],
    stable: ["appId", "appPrincipalName", "displayName", "installedByStack", "createDate"],
  },
  {
    configure,

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

    create(raw: Record<string, unknown>): Promise<{ id: string; outs: OfficialCliApplicationOutputs }> {
      return install(raw, requireInputs(raw));
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<OfficialCliApplicationOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      const rec = await unlessGone(isGone, () => apps.getExternalApplication(session(), id));
      if (!rec) return GONE;
      const outs = toOutputs(rec, olds, olds.installedByStack);
      return { id, props: outs, inputs: { site: outs.site, adopt: outs.adopt } };
    },

    async update(
      _id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: OfficialCliApplicationOutputs }> {
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending !== undefined) return { outs: (await install(rawNews, news, pending)).outs };
      // Only `adopt` can change in place; it changes nothing in the account.
      return { outs: { ...readOlds(rawOlds), adopt: news.adopt } };
    },

    async delete(id: string, props: object): Promise<void> {
      const olds = readOlds(props);
      // Adopted by its replacement in this deployment, or installed by someone else: it stays.
      if (takeClaim(claimKey(id)) || !olds.installedByStack) return;
      await deleteUnlessGone(isGone, () => apps.deprovisionExternalApplication(session(), id));
    },
  },
);

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
      withSecretInputs({
        ...args,
        appId: undefined,
        displayName: undefined,
        appPrincipalName: undefined,
        scopes: undefined,
        installedByStack: undefined,
        createDate: undefined,
      }),
      opts,
      "alicloud-federation",
      "OfficialCliApplication",
    );
  }
}
