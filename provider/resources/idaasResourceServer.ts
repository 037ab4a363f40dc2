/**
 * `IdaasResourceServer`: an EIAM application acting as an OAuth resource
 * server: its identifier (the `aud` of the tokens issued for it), its scopes,
 * and which M2M clients are granted which scopes. A client asks for
 * `<identifier>|<scope>` at the token endpoint.
 *
 * API: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-setapplicationresourceserveridentifier
 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createresourceserverscope
 * https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-authorizeresourceserverscopestoclient
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as eiam from "../client/eiam";
import { type Session, session } from "../client/session";
import { EIAM } from "../limits";
import { containsUnknown } from "../normalize";
import { applyConfig } from "../settings";
import { providerShim } from "../shim";
import { type CheckFailure, requireChecked, tooLong, validateFields } from "../validation";
import { boundedString, instanceIdRule, isNotFound, optionalText } from "./idaas/common";

/** One scope of the resource server. */
export interface IdaasScopeArgs {
  /**
   * What clients request after the `|`, e.g. `read:orders`: letters, digits and `: . _ / * -`,
   * at most 64, unique in the resource server. A new value is a new scope.
   */
  value: string;
  /** Shown in the console: at most 64 characters. Default: the value. Renamed in place. */
  name?: string;
}

/** Scopes granted to one M2M client. */
export interface IdaasGrantArgs {
  /** The client application (`app_…`), e.g. an `IdaasM2mApplication`'s `applicationId`. */
  clientApplicationId: pulumi.Input<string>;
  /** Values among this resource server's scopes; `["*"]` grants all of them. At least one. */
  scopes: pulumi.Input<pulumi.Input<string>[]>;
}

/** The arguments of an `IdaasResourceServer`. */
export interface IdaasResourceServerArgs {
  /** The EIAM instance (`idaas_…`). A change replaces the resource server. */
  instanceId: pulumi.Input<string>;
  /** 1 to 64 characters. Renamed in place. */
  applicationName: pulumi.Input<string>;
  /** At most 128 characters. */
  description?: pulumi.Input<string>;
  /**
   * The audience of its tokens, e.g. `api://orders.example.com`: unique in the instance, no
   * spaces or `|`, at most 256 characters. Changed in place (clients must then ask for the new one).
   */
  identifier: pulumi.Input<string>;
  /** Its scopes: at least one, at most 100. */
  scopes: pulumi.Input<pulumi.Input<IdaasScopeArgs>[]>;
  /** Which clients get which scopes. Default none. */
  grants?: pulumi.Input<pulumi.Input<IdaasGrantArgs>[]>;
}

export interface IdaasScope {
  value: string;
  name: string;
}
export interface IdaasGrant {
  clientApplicationId: string;
  scopes: string[];
}

export interface IdaasResourceServerInputs {
  instanceId: string;
  applicationName: string;
  description: string;
  identifier: string;
  scopes: IdaasScope[];
  grants: IdaasGrant[];
}

export interface IdaasResourceServerOutputs extends IdaasResourceServerInputs {
  applicationId: string;
  /** Scope value → ResourceServerScopeId. */
  scopeIds: Record<string, string>;
  /** False when the resource server was disabled out of band: the next `up` enables it again. */
  enabled: boolean;
}

const scopeSchema = z.object(
  {
    value: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > EIAM.scopeValue.maxLength)
        ctx.addIssue({
          code: "custom",
          message: tooLong(v.length, EIAM.scopeValue.maxLength, "a scope value"),
        });
      else if (!EIAM.scopeValue.pattern.test(v))
        ctx.addIssue({
          code: "custom",
          message: `'${v}' is not allowed: use letters, digits and ': . _ / * -' (no spaces or '|')`,
        });
      else if (v === ".all")
        ctx.addIssue({ code: "custom", message: "'.all' is reserved (it requests every scope)" });
    }),
    name: z
      .string({ error: "must be a string" })
      .refine((v) => v.length <= EIAM.scopeName.maxLength, {
        message: `allows at most ${EIAM.scopeName.maxLength} characters`,
      })
      .optional(),
  },
  { error: "must be an object with a value" },
);

const rules = {
  instanceId: instanceIdRule,
  applicationName: {
    schema: boundedString(EIAM.applicationName.maxLength, "an application name"),
    required: true,
  },
  description: { schema: optionalText(EIAM.description.maxLength, "an application description") },
  identifier: {
    schema: z.string({ error: "must be a string" }).superRefine((v, ctx) => {
      const max = EIAM.resourceServerIdentifier.maxLength;
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
      else if (v.length > max)
        ctx.addIssue({ code: "custom", message: tooLong(v.length, max, "an identifier") });
      else if (/[\s|]/.test(v))
        ctx.addIssue({
          code: "custom",
          message: "must not contain spaces or '|' (the token request's separators)",
        });
    }),
    required: true,
  },
  scopes: {
    schema: z.array(scopeSchema, { error: "must be a list of scopes" }).superRefine((list, ctx) => {
      if (list.length === 0) ctx.addIssue({ code: "custom", message: "must hold at least one scope" });
      if (list.length > EIAM.maxScopesPerResourceServer)
        ctx.addIssue({
          code: "custom",
          message: `holds ${list.length} scopes, but at most ${EIAM.maxScopesPerResourceServer} are allowed`,
        });
      const seen = new Set<string>();
      list.forEach((s, i) => {
        if (seen.has(s.value))
          ctx.addIssue({ code: "custom", path: [i, "value"], message: `'${s.value}' is declared twice` });
        seen.add(s.value);
      });
    }),
    required: true,
  },
  grants: {
    schema: z.array(
      z.object(
        {
          clientApplicationId: z.string({ error: "must be an application id" }).min(1, "must not be empty"),
          scopes: z
            .array(z.string(), { error: "must be a list of scope values" })
            .min(1, "must grant at least one scope"),
        },
        { error: "must be an object with clientApplicationId and scopes" },
      ),
      { error: "must be a list of grants" },
    ),
  },
};

export function checkIdaasResourceServerInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules);
  const inputs: Record<string, unknown> = { ...news, ...values };
  inputs.description ??= "";
  inputs.grants ??= [];
  if (Array.isArray(inputs.scopes) && !containsUnknown(inputs.scopes))
    inputs.scopes = (inputs.scopes as IdaasScopeArgs[]).map((s) => ({
      value: s.value,
      name: s.name ?? s.value,
    }));
  // Grants must name declared scopes; `*` stands for all of them.
  if (Array.isArray(inputs.scopes) && Array.isArray(inputs.grants) && !containsUnknown(inputs.scopes)) {
    const declared = new Set((inputs.scopes as IdaasScope[]).map((s) => s.value));
    const clients = new Set<string>();
    (inputs.grants as IdaasGrant[]).forEach((g, i) => {
      if (containsUnknown(g)) return;
      if (clients.has(g.clientApplicationId))
        failures.push({
          property: `grants[${i}].clientApplicationId`,
          reason: `'${g.clientApplicationId}' is granted twice: merge the entries`,
        });
      clients.add(g.clientApplicationId);
      g.scopes?.forEach((v, j) => {
        if (v !== "*" && !declared.has(v))
          failures.push({
            property: `grants[${i}].scopes[${j}]`,
            reason: `'${v}' is not one of this resource server's scopes`,
          });
      });
    });
  }
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasResourceServerInputs>("IdaasResourceServer", checkIdaasResourceServerInputs, raw);

function readOlds(olds: object): IdaasResourceServerOutputs {
  const o = olds as Partial<IdaasResourceServerOutputs>;
  return {
    instanceId: o.instanceId ?? "",
    applicationName: o.applicationName ?? "",
    description: o.description ?? "",
    identifier: o.identifier ?? "",
    scopes: o.scopes ?? [],
    grants: o.grants ?? [],
    applicationId: o.applicationId ?? "",
    scopeIds: o.scopeIds ?? {},
    enabled: o.enabled ?? true,
  };
}

/** The scope ids a grant stands for (`*` = all scopes). */
function grantedIds(grant: IdaasGrant, scopeIds: Record<string, string>): string[] {
  const values = grant.scopes.includes("*") ? Object.keys(scopeIds) : grant.scopes;
  return [...new Set(values.map((v) => scopeIds[v]).filter((id): id is string => id !== undefined))].sort();
}

const canonicalScopes = (scopes: IdaasScope[]) =>
  JSON.stringify([...scopes].sort((a, b) => a.value.localeCompare(b.value)));
const canonicalGrants = (grants: IdaasGrant[]) =>
  JSON.stringify(
    [...grants]
      .map((g) => ({ c: g.clientApplicationId, s: [...new Set(g.scopes)].sort() }))
      .sort((a, b) => a.c.localeCompare(b.c)),
  );

/** Makes the scopes and grants of `desired` real, starting from `current`. Creates before it deletes. */
async function converge(
  s: Session,
  applicationId: string,
  current: { scopeIds: Record<string, string>; scopes: IdaasScope[]; grants: IdaasGrant[] },
  desired: IdaasResourceServerInputs,
): Promise<Record<string, string>> {
  const inst = desired.instanceId;
  const scopeIds = { ...current.scopeIds };
  const currentNames = new Map(current.scopes.map((x) => [x.value, x.name]));
  for (const scope of desired.scopes) {
    const id = scopeIds[scope.value];
    if (id === undefined) {
      scopeIds[scope.value] = await eiam.createScope(s, inst, applicationId, {
        ...scope,
        type: EIAM.scopeType,
      });
    } else if (currentNames.get(scope.value) !== scope.name) {
      await eiam.updateScopeName(s, inst, applicationId, id, scope.name);
    }
  }
  const wantedValues = new Set(desired.scopes.map((x) => x.value));
  const finalIds = Object.fromEntries(Object.entries(scopeIds).filter(([v]) => wantedValues.has(v)));
  // Grants: add what is missing, then take away what is no longer declared.
  const before = new Map(current.grants.map((g) => [g.clientApplicationId, grantedIds(g, current.scopeIds)]));
  const after = new Map(desired.grants.map((g) => [g.clientApplicationId, grantedIds(g, finalIds)]));
  for (const [client, ids] of after) {
    const had = new Set(before.get(client) ?? []);
    const add = ids.filter((id) => !had.has(id));
    await eiam.setScopeGrant(
      s,
      inst,
      { clientApplicationId: client, resourceServerApplicationId: applicationId, scopeIds: add },
      true,
    );
  }
  for (const [client, ids] of before) {
    const keep = new Set(after.get(client) ?? []);
    const drop = ids.filter((id) => !keep.has(id) && Object.values(finalIds).includes(id));
    await eiam.setScopeGrant(
      s,
      inst,
      { clientApplicationId: client, resourceServerApplicationId: applicationId, scopeIds: drop },
      false,
    );
  }
  // Deleting a scope drops its grants with it.
  for (const [value, id] of Object.entries(scopeIds))
    if (!wantedValues.has(value)) {
      try {
        await eiam.deleteScope(s, inst, applicationId, id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  return finalIds;
}

export const IdaasResourceServerProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    applyConfig(req.config);
  },

  async check(
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    return checkIdaasResourceServerInputs(news);
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
    for (const key of ["applicationName", "description", "identifier"] as const)
      if (containsUnknown(news[key]) || o[key] !== news[key]) changes.push(key);
    if (
      containsUnknown(news.scopes) ||
      canonicalScopes(o.scopes) !== canonicalScopes(news.scopes as IdaasScope[])
    )
      changes.push("scopes");
    if (
      containsUnknown(news.grants) ||
      canonicalGrants(o.grants) !== canonicalGrants(news.grants as IdaasGrant[])
    )
      changes.push("grants");
    if (!o.enabled) changes.push("enabled");
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasResourceServerOutputs }> {
    const desired = requireInputs(raw);
    const s = session();
    const inst = desired.instanceId;
    const applicationId = await eiam.createApplication(s, inst, {
      name: desired.applicationName,
      description: desired.description,
    });
    try {
      await eiam.setAppFeature(s, inst, applicationId, "ResourceServer", true);
      await eiam.setResourceServerIdentifier(s, inst, applicationId, desired.identifier);
      const scopeIds = await converge(s, applicationId, { scopeIds: {}, scopes: [], grants: [] }, desired);
      return { id: applicationId, outs: { ...desired, applicationId, scopeIds, enabled: true } };
    } catch (err) {
      await eiam.deleteApplication(s, inst, applicationId).catch(() => undefined);
      throw err;
    }
  },

  async read(
    id: string,
    props?: object,
  ): Promise<{ id: string; props: Partial<IdaasResourceServerOutputs>; inputs?: object }> {
    const olds = readOlds(props ?? {});
    const s = session();
    let app: eiam.ApplicationRecord;
    let scopes: eiam.ScopeRecord[];
    try {
      app = await eiam.getApplication(s, olds.instanceId, id);
      scopes = await eiam.listScopes(s, olds.instanceId, id);
    } catch (err) {
      if (isNotFound(err)) return { id: "", props: {} };
      throw err;
    }
    const scopeIds = Object.fromEntries(scopes.map((x) => [x.value, x.scopeId]));
    // EIAM has no call that lists a client's grants: they are kept as last applied, minus
    // scopes that no longer exist (a deleted scope takes its grants with it).
    const grants = olds.grants.map((g) => ({
      ...g,
      scopes: g.scopes.includes("*") ? g.scopes : g.scopes.filter((v) => v in scopeIds),
    }));
    const outs: IdaasResourceServerOutputs = {
      ...olds,
      applicationName: app.applicationName,
      description: app.description,
      identifier: app.resourceServerIdentifier,
      scopes: scopes.map((x) => ({ value: x.value, name: x.name })),
      grants,
      scopeIds,
      enabled: app.resourceServerStatus === "enabled",
    };
    const { instanceId, applicationName, description, identifier } = outs;
    return {
      id,
      props: outs,
      inputs: { instanceId, applicationName, description, identifier, scopes: outs.scopes, grants },
    };
  },

  async update(
    id: string,
    rawOlds: object,
    rawNews: Record<string, unknown>,
  ): Promise<{ outs: IdaasResourceServerOutputs }> {
    const olds = readOlds(rawOlds);
    const news = requireInputs(rawNews);
    const s = session();
    const inst = news.instanceId;
    if (olds.applicationName !== news.applicationName)
      await eiam.renameApplication(s, inst, id, news.applicationName);
    if (olds.description !== news.description)
      await eiam.updateApplicationDescription(s, inst, id, news.description);
    if (!olds.enabled) await eiam.setAppFeature(s, inst, id, "ResourceServer", true);
    if (olds.identifier !== news.identifier)
      await eiam.setResourceServerIdentifier(s, inst, id, news.identifier);
    const scopeIds = await converge(s, id, olds, news);
    return { outs: { ...olds, ...news, scopeIds, enabled: true } };
  },

  async delete(id: string, props: object): Promise<void> {
    const { instanceId } = readOlds(props);
    try {
      await eiam.deleteApplication(session(), instanceId, id); // scopes and grants go with it
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  },
};

/** An EIAM resource server with its scopes and the clients granted them. */
export class IdaasResourceServer extends pulumi.dynamic.Resource {
  declare readonly applicationId: pulumi.Output<string>;
  /** The audience clients put before `|` in their scope. */
  declare readonly identifier: pulumi.Output<string>;
  declare readonly scopes: pulumi.Output<IdaasScope[]>;
  declare readonly scopeIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: IdaasResourceServerArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("IdaasResourceServerProvider"),
      name,
      { ...args, applicationId: undefined, scopeIds: undefined, enabled: undefined },
      opts,
      "alicloud-federation",
      "IdaasResourceServer",
    );
  }
}

/**
 * The `scope` a client asks for: `<identifier>|<value>` items separated by spaces (one
 * resource server per request). With no values, every granted scope (`<identifier>|.all`).
 */
export function idaasScope(identifier: pulumi.Input<string>, values: string[] = []): pulumi.Output<string> {
  return pulumi
    .output(identifier)
    .apply((id) => (values.length === 0 ? `${id}|.all` : values.map((v) => `${id}|${v}`).join(" ")));
}
