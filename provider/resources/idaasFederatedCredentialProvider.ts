/**
 * `IdaasFederatedCredentialProvider`: a federated trust source of an EIAM instance. Workloads
 * present a credential it vouches for (an OIDC token, a PKCS#7 signature, a certificate of a
 * private CA) and an `IdaasApplicationFederatedCredential` turns it into an application's M2M
 * client identity. The type follows from which of `oidc`, `pkcs7` or `privateCa` is set.
 *
 * API: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
 */
import * as pulumi from "@pulumi/pulumi";
import { accountBound } from "../account";
import * as eiam from "../client/eiam";
import { session, withOptions } from "../client/session";
import { hasCodePrefix } from "../errors";
import {
  configure,
  createOnce,
  deleteUnlessGone,
  findPending,
  GONE,
  liveId,
  OutcomeUnknownError,
  pendingCreate,
  pendingId,
  pendingSince,
  resumePendingCreate,
  unlessGone,
} from "../lifecycle";
import { EIAM } from "../limits";
import { containsUnknown, normalizeIssuerUrl, sameSet } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, httpsUrlProblem, lazyRules, requireChecked, validateFields } from "../validation";
import {
  boundedList,
  boundedString,
  canonicalCertificateOrSelf,
  canonicalJwks,
  canonicalJwksOrSelf,
  certificateList,
  conditionText,
  exactlyOne,
  instanceIdRule,
  isConflict,
  isNotFound,
  isSet,
  optionalText,
  validateNested,
} from "./idaas/common";

/** An OIDC trust source: tokens signed by the issuer's keys, for one of the audiences. */
export interface IdaasOidcProviderConfigArgs {
  /**
   * The exact `iss` claim of the tokens: an https URL with no query, fragment or user info (the
   * scheme and host are compared case-insensitively, the path exactly). Cannot change: a new
   * issuer replaces the provider.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  issuer: pulumi.Input<string>;
  /**
   * Where EIAM fetches the issuer's keys (JWKS source `dynamic`): an https URL, e.g. a
   * Kubernetes API server's `https://<host>/openid/v1/jwks`. Exactly one of `jwksUri` and `jwks`.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  jwksUri?: pulumi.Input<string>;
  /**
   * The issuer's keys themselves (JWKS source `static`), as a JSON text `{"keys": [...]}` with at
   * least one public key; for clusters whose JWKS endpoint EIAM cannot reach (`kubectl get
   * --raw /openid/v1/jwks`). Private key members (`d`, `p`, `k`, …) are refused. Exactly one of
   * `jwksUri` and `jwks`.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  jwks?: pulumi.Input<string>;
  /**
   * Accepted `aud` values: 1 to 5, each 1 to 128 characters, no repeats (the bounds are guesses,
   * `EIAM.oidcAudiences`).
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  audiences: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * An extra condition every token must meet, in EIAM's expression language (the docs show
   * `IsNullOrEmpty("jwt.issuer")`); at most 1024 characters, nested at most 32 deep (guesses). Default: none.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  trustCondition?: pulumi.Input<string>;
}

/** A certificate-based trust source (PKCS#7 signatures, or certificates of a private CA). */
export interface IdaasCertificateProviderConfigArgs {
  /**
   * The trusted root certificates, one PEM certificate (`-----BEGIN CERTIFICATE-----`) per item, at
   * least one, no repeats. Compared by content: re-encoding the same certificate is no change.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  certificates: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * An extra condition every credential must meet; at most 1024 characters, nested at most 32 deep (guesses). Default none.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  trustCondition?: pulumi.Input<string>;
}

/** The arguments of an `IdaasFederatedCredentialProvider`. */
export interface IdaasFederatedCredentialProviderArgs {
  /**
   * The EIAM instance, e.g. `idaas_ue2jvisn35ea5lmthk267xxxxx`. Cannot change: another instance
   * replaces the provider.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createfederatedcredentialprovider
   */
  instanceId: pulumi.Input<string>;
  /**
   * 1 to 64 characters, unique in the instance (a guess). Renamed in place.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updatefederatedcredentialprovider
   */
  name: pulumi.Input<string>;
  /**
   * At most 128 characters (a guess: the application's limit). Default empty.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updatefederatedcredentialproviderdescription
   */
  description?: pulumi.Input<string>;
  /** Type `oidc`. Exactly one of `oidc`, `pkcs7` and `privateCa`; switching replaces the provider. */
  oidc?: pulumi.Input<IdaasOidcProviderConfigArgs>;
  /** Type `pkcs7`. Exactly one of `oidc`, `pkcs7` and `privateCa`; switching replaces the provider. */
  pkcs7?: pulumi.Input<IdaasCertificateProviderConfigArgs>;
  /** Type `private_ca`. Exactly one of `oidc`, `pkcs7` and `privateCa`; switching replaces the provider. */
  privateCa?: pulumi.Input<IdaasCertificateProviderConfigArgs>;
}

export type FederatedCredentialProviderType = "oidc" | "pkcs7" | "private_ca";

export interface OidcProviderConfigInputs {
  /** Normalized (`normalizeIssuerUrl`). */
  issuer: string;
  jwksUri?: string;
  /** Compact JSON. */
  jwks?: string;
  audiences: string[];
  trustCondition: string;
}

export interface CertificateProviderConfigInputs {
  /** Canonical PEM. */
  certificates: string[];
  trustCondition: string;
}

export interface IdaasFederatedCredentialProviderInputs {
  instanceId: string;
  name: string;
  description: string;
  oidc?: OidcProviderConfigInputs;
  pkcs7?: CertificateProviderConfigInputs;
  privateCa?: CertificateProviderConfigInputs;
}

export interface IdaasFederatedCredentialProviderOutputs extends IdaasFederatedCredentialProviderInputs {
  providerId: string;
  type: FederatedCredentialProviderType;
  /** `enabled`, or `disabled` when someone disabled it out of band: the next `up` enables it again. */
  status: string;
}

/** Argument name → provider type. */
const CONFIG_KEYS = { oidc: "oidc", pkcs7: "pkcs7", privateCa: "private_ca" } as const;
type ConfigKey = keyof typeof CONFIG_KEYS;
const KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[];

const EXAMPLE_URL = "https://oidc.example.com";

const oidcRules = lazyRules((z) => {
  const issuerSchema = z
    .string({ error: "must be a string" })
    .superRefine((v, ctx) => {
      const problem = httpsUrlProblem(v, { allowQuery: false, example: EXAMPLE_URL });
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .transform(normalizeIssuerUrl);

  const jwksUriSchema = z.string({ error: "must be a string" }).superRefine((v, ctx) => {
    const problem = httpsUrlProblem(v, { allowQuery: true, example: EXAMPLE_URL });
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

  const jwksSchema = z.string({ error: "must be a JSON text" }).transform((v, ctx) => {
    const c = canonicalJwks(v);
    if ("problem" in c) {
      ctx.addIssue({ code: "custom", message: c.problem });
      return v;
    }
    return c.jwks;
  });
  return {
    issuer: { schema: issuerSchema, required: true },
    jwksUri: { schema: jwksUriSchema },
    jwks: { schema: jwksSchema },
    audiences: {
      schema: boundedList(EIAM.oidcAudiences.max, EIAM.oidcAudiences.maxLength, "audience"),
      required: true,
    },
    trustCondition: { schema: conditionText() },
  };
});

const certificateRules = lazyRules(() => ({
  certificates: { schema: certificateList(), required: true },
  trustCondition: { schema: conditionText() },
}));

const rules = lazyRules(() => ({
  instanceId: instanceIdRule(),
  name: {
    schema: boundedString(
      EIAM.federatedCredentialProviderName.maxLength,
      "a federated credential provider name",
    ),
    required: true,
  },
  description: { schema: optionalText(EIAM.description.maxLength, "a description") },
}));

/** The type the arguments ask for, or undefined when none (or an unknown one) is set. */
function typeOf(args: Record<string, unknown>): FederatedCredentialProviderType | undefined {
  const key = KEYS.find((k) => isSet(args[k]));
  return key ? CONFIG_KEYS[key] : undefined;
}

export function checkIdaasFederatedCredentialProviderInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  inputs.description ??= "";
  const one = exactlyOne(news, KEYS, "it chooses the provider type");
  failures.push(...one.failures);
  for (const key of KEYS) {
    if (!isSet(news[key])) continue;
    const nested = validateNested(key, news[key], key === "oidc" ? oidcRules() : certificateRules());
    failures.push(...nested.failures);
    const config = nested.value;
    // Not when the whole block is unknown at preview; its known members are still checked.
    if (config && typeof config === "object" && !Array.isArray(config)) {
      const c = config as Record<string, unknown>;
      c.trustCondition ??= "";
      if (key === "oidc") {
        const sources = (["jwksUri", "jwks"] as const).filter((k) => isSet(c[k]));
        if (sources.length === 0)
          failures.push({
            property: "oidc.jwksUri",
            reason:
              "is required: set jwksUri (where EIAM fetches the issuer's keys) or jwks (the keys themselves)",
          });
        else if (sources.length === 2)
          failures.push({ property: "oidc.jwks", reason: "jwksUri and jwks are both set: set exactly one" });
      }
    }
    inputs[key] = config;
  }
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasFederatedCredentialProviderInputs>(
    "IdaasFederatedCredentialProvider",
    checkIdaasFederatedCredentialProviderInputs,
    raw,
  );

function readOlds(olds: object): IdaasFederatedCredentialProviderOutputs {
  const o = olds as Partial<IdaasFederatedCredentialProviderOutputs>;
  const out: IdaasFederatedCredentialProviderOutputs = {
    instanceId: o.instanceId ?? "",
    name: o.name ?? "",
    description: o.description ?? "",
    providerId: o.providerId ?? "",
    type: o.type ?? typeOf(o as Record<string, unknown>) ?? "oidc",
    status: o.status ?? "enabled",
  };
  if (o.oidc) out.oidc = { ...o.oidc, trustCondition: o.oidc.trustCondition ?? "" };
  if (o.pkcs7) out.pkcs7 = { ...o.pkcs7, trustCondition: o.pkcs7.trustCondition ?? "" };
  if (o.privateCa) out.privateCa = { ...o.privateCa, trustCondition: o.privateCa.trustCondition ?? "" };
  return out;
}

/** The type-specific configuration as the API takes it (model field names). */
function wireConfig(p: IdaasFederatedCredentialProviderInputs, forUpdate: boolean): eiam.ProviderConfigWire {
  if (p.oidc) {
    const o = p.oidc;
    return {
      // The Update model has no Issuer: it cannot change in place.
      Issuer: forUpdate ? undefined : o.issuer,
      JwksSource: o.jwksUri !== undefined ? "dynamic" : "static",
      JwksUri: o.jwksUri,
      StaticJwks: o.jwks,
      Audiences: o.audiences,
      TrustCondition: trustConditionWire(o.trustCondition, forUpdate),
    };
  }
  const c = (p.pkcs7 ?? p.privateCa)!;
  return {
    // The documented example value (the SDK models of Create/UpdateFederatedCredentialProvider):
    // certificates supplied by the caller.
    TrustAnchorSource: "custom",
    Certificates: c.certificates.map((content) => ({ Content: content })),
    TrustCondition: trustConditionWire(c.trustCondition, forUpdate),
  };
}

/**
 * Update merges (a field not sent keeps its value), so removing a condition sends it empty; a
 * create leaves it out. Guess: "" clears, as the emulator does (the docs say nothing).
 */
function trustConditionWire(condition: string, forUpdate: boolean): string | undefined {
  return condition === "" && !forUpdate ? undefined : condition;
}

/** The configuration argument (`oidc`, `pkcs7` or `privateCa`) of a stored provider. */
function configOf(
  rec: eiam.FederatedCredentialProviderRecord,
): Partial<IdaasFederatedCredentialProviderInputs> {
  if (rec.type === "oidc" && rec.oidc) {
    const o = rec.oidc;
    const config: OidcProviderConfigInputs = {
      issuer: normalizeIssuerUrl(o.issuer),
      audiences: o.audiences,
      trustCondition: o.trustCondition,
    };
    if (o.jwksSource === "static") config.jwks = canonicalJwksOrSelf(o.staticJwks);
    else config.jwksUri = o.jwksUri;
    return { oidc: config };
  }
  const certs: CertificateProviderConfigInputs = {
    certificates: (rec.certificates?.certificates ?? []).map(canonicalCertificateOrSelf),
    trustCondition: rec.certificates?.trustCondition ?? "",
  };
  return rec.type === "private_ca" ? { privateCa: certs } : { pkcs7: certs };
}

/** Whether two configurations (of the same type) differ in what Update can change. */
function configChanged(
  o: IdaasFederatedCredentialProviderInputs,
  n: IdaasFederatedCredentialProviderInputs,
): boolean {
  if (o.oidc && n.oidc) {
    return (
      o.oidc.jwksUri !== n.oidc.jwksUri ||
      o.oidc.jwks !== n.oidc.jwks ||
      !sameSet(o.oidc.audiences, n.oidc.audiences) ||
      o.oidc.trustCondition !== n.oidc.trustCondition
    );
  }
  const a = o.pkcs7 ?? o.privateCa;
  const b = n.pkcs7 ?? n.privateCa;
  if (!a || !b) return true;
  return !sameSet(a.certificates, b.certificates) || a.trustCondition !== b.trustCondition;
}

/**
 * The provider with this name created at or after `since`, with the declared type, description
 * and configuration: provably ours (names are unique in the instance).
 */
async function findOwnProvider(
  desired: IdaasFederatedCredentialProviderInputs,
  since: number,
): Promise<string | undefined> {
  const s = session();
  const type = typeOf(desired as unknown as Record<string, unknown>);
  const [live] = await eiam.listFederatedCredentialProvidersNamed(s, desired.instanceId, desired.name);
  if (!live || live.createTime < since || live.description !== desired.description) return undefined;
  const rec = await eiam.getFederatedCredentialProvider(s, desired.instanceId, live.id);
  if (rec.type !== type) return undefined;
  const declared = {
    instanceId: desired.instanceId,
    name: rec.name,
    description: rec.description,
    ...configOf(rec),
  };
  return configChanged(declared as IdaasFederatedCredentialProviderInputs, desired) ? undefined : live.id;
}

/**
 * Create; a CreateFederatedCredentialProvider whose outcome is unknown is recorded as pending under
 * its name, which `update` resumes (`resumePendingCreate`).
 */
async function createProvider(
  raw: Record<string, unknown>,
  desired: IdaasFederatedCredentialProviderInputs,
): Promise<IdaasFederatedCredentialProviderOutputs> {
  const type = typeOf(desired as unknown as Record<string, unknown>)!;
  const s = session();
  const started = Date.now();
  let providerId: string;
  try {
    // No ClientToken here; the name is unique in the instance: after a lost answer, the provider
    // with this name, type, description and configuration made since the operation began is ours.
    ({ value: providerId } = await createOnce(s, {
      create: (o) =>
        eiam.createFederatedCredentialProvider(withOptions(s, o), desired.instanceId, {
          name: desired.name,
          type,
          description: desired.description,
          config: wireConfig(desired, false),
        }),
      find: (t) => findOwnProvider(desired, t),
      alreadyExists: (e) => hasCodePrefix(e, "EntityAlreadyExists"),
    }));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(
        raw,
        pendingId(desired.name),
        { ...desired, providerId: "", type, status: "" },
        started,
        err,
      );
    throw err;
  }
  // Guess: a new provider is enabled (Create takes no status; the console shows it enabled).
  return { ...desired, providerId, type, status: "enabled" };
}

/** An update of the provider `id` from `olds`, what exists. */
async function updateProvider(
  id: string,
  olds: IdaasFederatedCredentialProviderOutputs,
  news: IdaasFederatedCredentialProviderInputs,
): Promise<{ outs: IdaasFederatedCredentialProviderOutputs }> {
  const s = session();
  if (olds.name !== news.name || configChanged(olds, news))
    await eiam.updateFederatedCredentialProvider(s, news.instanceId, id, {
      name: news.name,
      type: olds.type,
      config: wireConfig(news, true),
    });
  if (olds.description !== news.description)
    await eiam.updateFederatedCredentialProviderDescription(s, news.instanceId, id, news.description);
  if (olds.status === "disabled")
    await eiam.setFederatedCredentialProviderEnabled(s, news.instanceId, id, true);
  return { outs: { ...news, providerId: id, type: olds.type, status: "enabled" } };
}

/** The provider's id; for a pending create, the one it made, if any (read and delete resolve it). */
async function resolvePending(id: string, props: object): Promise<string | undefined> {
  const olds = readOlds(props);
  const since = pendingSince(props);
  return since === undefined
    ? liveId(id, olds.providerId)
    : findPending(since, (t) => findOwnProvider(olds, t));
}

export const IdaasFederatedCredentialProviderProvider = accountBound(
  {
    kind: "IdaasFederatedCredentialProvider",
    identity: ["instanceId", "oidc.issuer", "pkcs7", "privateCa"],
    stable: ["providerId", "type"],
  },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkIdaasFederatedCredentialProviderInputs(news);
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const replaces: string[] = [];
      if (containsUnknown(news.instanceId) || o.instanceId !== news.instanceId) replaces.push("instanceId");
      const newType = typeOf(news);
      if (newType !== o.type) replaces.push(...KEYS.filter((k) => isSet(news[k]) || isSet(o[k])));
      else if (newType === "oidc") {
        // `news.oidc` may itself be unknown at preview: then so is the issuer.
        const issuer = (news.oidc as { issuer?: unknown }).issuer;
        if (issuer === undefined || containsUnknown(issuer) || o.oidc?.issuer !== issuer)
          replaces.push("oidc.issuer");
      }
      const changes = [...replaces];
      if (containsUnknown(news.name) || o.name !== news.name) changes.push("name");
      if (containsUnknown(news.description) || o.description !== news.description)
        changes.push("description");
      if (replaces.length === 0 && newType) {
        const key = KEYS.find((k) => CONFIG_KEYS[k] === newType)!;
        if (
          containsUnknown(news[key]) ||
          configChanged(o, news as unknown as IdaasFederatedCredentialProviderInputs)
        )
          changes.push(key);
      }
      if (o.status === "disabled") changes.push("status");
      // Guess: names are unique in the instance, so a replacement keeping its name must go first.
      const deleteBeforeReplace =
        replaces.length > 0 && !replaces.includes("instanceId") && o.name === news.name;
      return { changes: changes.length > 0, replaces, deleteBeforeReplace };
    },

    async create(
      raw: Record<string, unknown>,
    ): Promise<{ id: string; outs: IdaasFederatedCredentialProviderOutputs }> {
      const outs = await createProvider(raw, requireInputs(raw));
      return { id: outs.providerId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<IdaasFederatedCredentialProviderOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      const found = await resolvePending(id, props ?? {});
      if (found === undefined) return GONE;
      id = found;
      const rec = await unlessGone(isNotFound, () =>
        eiam.getFederatedCredentialProvider(session(), olds.instanceId, id),
      );
      if (!rec) return GONE;
      const type = (rec.type || olds.type) as FederatedCredentialProviderType;
      const inputs: IdaasFederatedCredentialProviderInputs = {
        instanceId: olds.instanceId,
        name: rec.name,
        description: rec.description,
        ...configOf({ ...rec, type }),
      };
      const outs: IdaasFederatedCredentialProviderOutputs = {
        ...inputs,
        providerId: id,
        type,
        status: rec.status || olds.status,
      };
      return { id, props: outs, inputs };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: IdaasFederatedCredentialProviderOutputs }> {
      const news = requireInputs(rawNews);
      const since = pendingSince(rawOlds);
      if (since === undefined) {
        const olds = readOlds(rawOlds);
        return updateProvider(liveId(id, olds.providerId), olds, news);
      }
      const before = readOlds(rawOlds);
      return resumePendingCreate(
        rawNews,
        id,
        since,
        (t) => findOwnProvider(before, t),
        (providerId): IdaasFederatedCredentialProviderOutputs => ({
          ...before,
          providerId,
          type: typeOf(before as unknown as Record<string, unknown>) ?? before.type,
          status: "enabled",
        }),
        (state) => updateProvider(state.providerId, state, news),
        async () => ({ outs: await createProvider(rawNews, news) }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      const { instanceId, name } = readOlds(props);
      // A create left pending: only the provider provably made by it is deleted.
      const providerId = await resolvePending(id, props);
      if (providerId === undefined) return;
      id = providerId;
      try {
        await deleteUnlessGone(isNotFound, () =>
          eiam.deleteFederatedCredentialProvider(session(), instanceId, providerId),
        );
      } catch (err) {
        if (isConflict(err))
          throw new Error(
            `${(err as Error).message}\nThe federated credential provider '${name}' (${id}) is still used by ` +
              "application federated credentials: delete them first (or make them depend on this provider).",
          );
        throw err;
      }
    },
  },
);

/** A federated trust source of an EIAM instance (OIDC issuer, PKCS#7 or private CA). */
export class IdaasFederatedCredentialProvider extends pulumi.dynamic.Resource {
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly providerId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** `oidc`, `pkcs7` or `private_ca`. */
  declare readonly type: pulumi.Output<FederatedCredentialProviderType>;
  /** `enabled` after every `up`. */
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: IdaasFederatedCredentialProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("IdaasFederatedCredentialProviderProvider"),
      name,
      withSecretInputs({ ...args, providerId: undefined, type: undefined, status: undefined }),
      opts,
      "alicloud-federation",
      "IdaasFederatedCredentialProvider",
    );
  }
}
