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
import { accountBound } from "../account";
import * as eiam from "../client/eiam";
import { type Session, session } from "../client/session";
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
  unlessGone,
} from "../lifecycle";
import { EIAM } from "../limits";
import { containsUnknown } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, tooLong, validateFields } from "../validation";
import {
  boundedString,
  createApplicationOnce,
  findOwnApplication,
  instanceIdRule,
  isConflict,
  isNotFound,
  optionalText,
} from "./idaas/common";

/** One scope of the resource server. */
export interface IdaasScopeArgs {
  /**
   * What clients request after the `|`, e.g. `read:orders`: letters, digits and `: . _ / -`,
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

const rules = lazyRules((z) => {
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
            message: `'${v}' is not allowed: use letters, digits and ': . _ / -' (no spaces, '*' or '|')`,
          });
        else if (v === ".all")
          ctx.addIssue({ code: "custom", message: "'.all' is reserved (it requests every scope)" });
        // Scope ids are kept in state as an object keyed by value, and Pulumi rebuilds state objects
        // by assignment, where this one key would set the object's prototype and be lost.
        else if (v === "__proto__")
          ctx.addIssue({
            code: "custom",
            message: "'__proto__' cannot be kept in Pulumi state: choose another value",
          });
      }),
      name: z
        .string({ error: "must be a string" })
        .refine((v) => v.length > 0, { message: "must not be empty: leave name out to show the value" })
        .refine((v) => v.length <= EIAM.scopeName.maxLength, {
          message: `allows at most ${EIAM.scopeName.maxLength} characters`,
        })
        .optional(),
    },
    { error: "must be an object with a value" },
  );
  return {
    instanceId: instanceIdRule(),
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
            message: `must hold at most ${EIAM.maxScopesPerResourceServer} scopes, but holds ${list.length}`,
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
});

export function checkIdaasResourceServerInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  fillDefaults(inputs, DEFAULTS);
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

/** What `check` fills in and what old state falls back to. */
const DEFAULTS = { description: "", grants: [] as IdaasGrant[] };

const STATE: IdaasResourceServerOutputs = {
  ...DEFAULTS,
  instanceId: "",
  applicationName: "",
  identifier: "",
  scopes: [],
  applicationId: "",
  scopeIds: {},
  enabled: true,
};

const readOlds = (olds: object) => stateOf(olds, STATE);

const canonicalScopes = (scopes: IdaasScope[]) =>
  JSON.stringify([...scopes].sort((a, b) => a.value.localeCompare(b.value)));
const canonicalGrants = (grants: IdaasGrant[]) =>
  JSON.stringify(
    [...grants]
      .map((g) => ({ c: g.clientApplicationId, s: [...new Set(g.scopes)].sort() }))
      .sort((a, b) => a.c.localeCompare(b.c)),
  );

/**
 * A scope, exactly once: CreateResourceServerScope takes no ClientToken, but a value is unique
 * per application and the application is this resource's own, so a scope that already has the
 * value (made by a call whose answer was lost) is ours.
 */
async function createScopeOnce(
  s: Session,
  inst: string,
  applicationId: string,
  scope: IdaasScope,
): Promise<string> {
  const find = async () =>
    (await eiam.listScopes(s, inst, applicationId)).find((x) => x.value === scope.value)?.scopeId;
  try {
    const { value } = await createOnce(s, {
      create: (o) =>
        eiam.createScope({ ...s, ...o }, inst, applicationId, { ...scope, type: EIAM.scopeType }),
      find,
    });
    return value;
  } catch (err) {
    const id = isConflict(err) ? await find() : undefined;
    if (id === undefined) throw err;
    return id;
  }
}

/**
 * A scope's id by value, from the object's own keys only: a scope may be called `constructor` or
 * `toString`, which a plain object also answers through its prototype.
 */
const idOf = (scopeIds: Record<string, string>, value: string): string | undefined =>
  Object.hasOwn(scopeIds, value) ? scopeIds[value] : undefined;

/** A grant's scope values spelt out (`*` = every scope in `scopeIds`). */
const valuesOf = (g: IdaasGrant, scopeIds: Record<string, string>): string[] =>
  g.scopes.includes("*") ? Object.keys(scopeIds) : g.scopes;

const scopeList = (names: Map<string, string>): IdaasScope[] =>
  [...names].map(([value, name]) => ({ value, name })).sort((a, b) => a.value.localeCompare(b.value));

/**
 * Makes the resource server of `desired` real, starting from what `p` says exists (the old state,
 * or a new bare application): the feature, the identifier, scopes (created before anything is
 * deleted), grants (added before any is revoked), then the scopes no longer declared. Each step
 * that succeeds is recorded in `p`, so a failure half-way reports every scope id that exists.
 */
async function converge(
  s: Session,
  applicationId: string,
  p: Progress<IdaasResourceServerOutputs>,
  desired: IdaasResourceServerInputs,
): Promise<IdaasResourceServerOutputs> {
  const inst = desired.instanceId;
  const current = p.outs;
  if (!current.enabled) {
    await eiam.setAppFeature(s, inst, applicationId, "ResourceServer", true);
    p.set({ enabled: true });
  }
  if (current.identifier !== desired.identifier) {
    await eiam.setResourceServerIdentifier(s, inst, applicationId, desired.identifier);
    p.set({ identifier: desired.identifier });
  }
  const scopeIds = { ...current.scopeIds };
  const names = new Map(current.scopes.map((x) => [x.value, x.name]));
  for (const scope of desired.scopes) {
    const id = idOf(scopeIds, scope.value);
    if (id === undefined) {
      scopeIds[scope.value] = await createScopeOnce(s, inst, applicationId, scope);
    } else if (names.get(scope.value) !== scope.name) {
      await eiam.updateScopeName(s, inst, applicationId, id, scope.name);
    } else continue;
    names.set(scope.value, scope.name);
    p.set({ scopeIds: { ...scopeIds }, scopes: scopeList(names) });
  }
  const wantedValues = new Set(desired.scopes.map((x) => x.value));
  const finalIds = Object.fromEntries(Object.entries(scopeIds).filter(([v]) => wantedValues.has(v)));
  // Grants: add what is missing, then take away what is no longer declared.
  const before = new Map(current.grants.map((g) => [g.clientApplicationId, valuesOf(g, current.scopeIds)]));
  const granted = new Map(before);
  for (const g of desired.grants) {
    const had = new Set((before.get(g.clientApplicationId) ?? []).map((v) => idOf(scopeIds, v)));
    const ids = [...new Set(valuesOf(g, finalIds).map((v) => idOf(finalIds, v) as string))].sort();
    await eiam.setScopeGrant(
      s,
      inst,
      {
        clientApplicationId: g.clientApplicationId,
        resourceServerApplicationId: applicationId,
        scopeIds: ids.filter((id) => !had.has(id)),
      },
      true,
    );
    granted.set(
      g.clientApplicationId,
      [...new Set([...(granted.get(g.clientApplicationId) ?? []), ...valuesOf(g, finalIds)])].sort(),
    );
    p.set({ grants: [...granted].map(([clientApplicationId, scopes]) => ({ clientApplicationId, scopes })) });
  }
  const after = new Map(desired.grants.map((g) => [g.clientApplicationId, new Set(valuesOf(g, finalIds))]));
  for (const [client, values] of before) {
    const keep = after.get(client) ?? new Set<string>();
    const drop = [
      ...new Set(
        values
          .map((v) => (keep.has(v) ? undefined : idOf(finalIds, v)))
          .filter((id): id is string => id !== undefined),
      ),
    ];
    await eiam.setScopeGrant(
      s,
      inst,
      { clientApplicationId: client, resourceServerApplicationId: applicationId, scopeIds: drop },
      false,
    );
  }
  p.set({ grants: desired.grants });
  // Deleting a scope drops its grants with it.
  for (const [value, id] of Object.entries(scopeIds))
    if (!wantedValues.has(value)) {
      await deleteUnlessGone(isNotFound, () => eiam.deleteScope(s, inst, applicationId, id));
      delete scopeIds[value];
      names.delete(value);
      p.set({ scopeIds: { ...scopeIds }, scopes: scopeList(names) });
    }
  return p.set({ ...desired, scopeIds: finalIds, enabled: true });
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
async function createServer(
  raw: Record<string, unknown>,
  desired: IdaasResourceServerInputs,
): Promise<IdaasResourceServerOutputs> {
  const s = session();
  const started = Date.now();
  const bare: IdaasResourceServerOutputs = {
    ...desired,
    applicationId: "",
    identifier: "",
    scopes: [],
    grants: [],
    scopeIds: {},
    enabled: false,
  };
  let applicationId: string;
  try {
    applicationId = await createApplicationOnce(s, desired.instanceId, keyOf(desired));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, pendingId(desired.applicationName), bare, started, err);
    throw err;
  }
  // The bare application exists: from here on every step is recorded, and a failure is partial
  // state that the next `up` continues from.
  return new Progress(raw, applicationId, { ...bare, applicationId }, true).run((p) =>
    converge(s, applicationId, p, desired),
  );
}

/** An update of the application `id` from `olds`, what exists: names, then the resource server. */
async function updateServer(
  rawNews: Record<string, unknown>,
  id: string,
  olds: IdaasResourceServerOutputs,
  news: IdaasResourceServerInputs,
): Promise<{ outs: IdaasResourceServerOutputs }> {
  const s = session();
  const inst = news.instanceId;
  const outs = await new Progress(rawNews, id, olds, false).run(async (p) => {
    if (olds.applicationName !== news.applicationName) {
      await eiam.renameApplication(s, inst, id, news.applicationName);
      p.set({ applicationName: news.applicationName });
    }
    if (olds.description !== news.description) {
      await eiam.updateApplicationDescription(s, inst, id, news.description);
      p.set({ description: news.description });
    }
    return converge(s, id, p, news);
  });
  return { outs };
}

/** A pending create's application, if it was made (read and delete resolve it without creating). */
async function pendingApp(olds: IdaasResourceServerOutputs, since: number): Promise<string | undefined> {
  return findPending(since, (t) => findOwnApplication(session(), olds.instanceId, keyOf(olds), t));
}

export const IdaasResourceServerProvider = accountBound(
  {
    kind: "IdaasResourceServer",
    identity: ["instanceId"],
    stable: ["applicationId"],
    // Keyed by each scope's value: keys no value test reads.
    secretDerived: { scopes: ["scopeIds"] },
  },
  {
    configure,

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
      const d = diffFields(o, news, {
        replace: ["instanceId"],
        update: ["applicationName", "description", "identifier", "scopes", "grants"],
        equal: {
          scopes: (a, b) => canonicalScopes(a as IdaasScope[]) === canonicalScopes(b as IdaasScope[]),
          grants: (a, b) => canonicalGrants(a as IdaasGrant[]) === canonicalGrants(b as IdaasGrant[]),
        },
      });
      if (!o.enabled) d.changes.push("enabled");
      return diffResult(d);
    },

    async create(raw: Record<string, unknown>): Promise<{ id: string; outs: IdaasResourceServerOutputs }> {
      const outs = await createServer(raw, requireInputs(raw));
      return { id: outs.applicationId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<IdaasResourceServerOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      const pending = pendingSince(props ?? {});
      if (pending !== undefined) {
        const found = await pendingApp(olds, pending);
        // Not made: nothing to hold. Made: refreshed as the application (the next `up` finishes it).
        if (found === undefined) return GONE;
        id = found;
      }
      id = liveId(id, olds.applicationId);
      const s = session();
      const app = await unlessGone(isNotFound, () => eiam.getApplication(s, olds.instanceId, id));
      const scopes = app && (await unlessGone(isNotFound, () => eiam.listScopes(s, olds.instanceId, id)));
      if (!app || !scopes) return GONE;
      const scopeIds = Object.fromEntries(scopes.map((x) => [x.value, x.scopeId]));
      // EIAM has no call that lists a client's grants: they are kept as last applied, minus
      // scopes that no longer exist (a deleted scope takes its grants with it).
      const grants = olds.grants.map((g) => ({
        ...g,
        scopes: g.scopes.includes("*") ? g.scopes : g.scopes.filter((v) => Object.hasOwn(scopeIds, v)),
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
      const news = requireInputs(rawNews);
      const pending = pendingSince(rawOlds);
      if (pending === undefined) {
        const olds = readOlds(rawOlds);
        return updateServer(rawNews, liveId(id, olds.applicationId), olds, news);
      }
      const before = readOlds(rawOlds);
      return resumePendingCreate(
        rawNews,
        id,
        pending,
        (t) => findOwnApplication(session(), before.instanceId, keyOf(before), t),
        // Made by CreateApplication alone: a bare application.
        (applicationId): IdaasResourceServerOutputs => ({
          ...before,
          applicationId,
          identifier: "",
          scopes: [],
          grants: [],
          scopeIds: {},
          enabled: false,
        }),
        (state) => updateServer(rawNews, state.applicationId, state, news),
        async () => ({ outs: await createServer(rawNews, news) }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      const olds = readOlds(props);
      const pending = pendingSince(props);
      // A create left pending: delete the application only if it was made, and is provably ours.
      const appId = pending !== undefined ? await pendingApp(olds, pending) : liveId(id, olds.applicationId);
      if (appId === undefined) return;
      // Scopes and grants go with it.
      await deleteUnlessGone(isNotFound, () => eiam.deleteApplication(session(), olds.instanceId, appId));
    },
  },
);

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
      withSecretInputs({ ...args, applicationId: undefined, scopeIds: undefined, enabled: undefined }),
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
