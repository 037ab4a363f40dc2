/**
 * `IdaasApplicationFederatedCredential`: lets a workload authenticate as an EIAM application's
 * M2M client with a credential a federated credential provider vouches for, e.g. a Kubernetes
 * service-account token, instead of a client secret. The workload names it in its
 * `client-config.json` (`applicationFederatedCredentialName`), so its `name` is what to hand on.
 *
 * API: https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
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
import { containsUnknown, UNKNOWN } from "../normalize";
import { withSecretInputs } from "../secretInputs";
import { providerShim } from "../shim";
import { type CheckFailure, lazyRules, requireChecked, validateFields } from "../validation";
import {
  boundedString,
  exactlyOne,
  idRule,
  instanceIdRule,
  isNotFound,
  isSet,
  kubernetesNamespace,
  kubernetesPodNamePrefix,
  kubernetesServiceAccountName,
  kubernetesSubject,
  nestingProblem,
  OIDC_SUBJECT_MAX_LENGTH,
  optionalText,
  validateNested,
} from "./idaas/common";

/** A structured check of a Kubernetes service-account token (profile `kubernetes`). */
export interface IdaasKubernetesVerificationArgs {
  /**
   * The service account's namespace: a DNS-1123 label (lower-case letters, digits and `-`, at
   * most 63 characters).
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  namespace: pulumi.Input<string>;
  /**
   * The service account: a DNS-1123 subdomain (lower-case letters, digits, `-` and `.`, at most
   * 253 characters). The token's `sub` must be `system:serviceaccount:<namespace>:<name>`.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  serviceAccountName: pulumi.Input<string>;
  /**
   * Only pods whose name starts with this (the token's `kubernetes.io.pod.name`): lower-case
   * letters, digits, `-` and `.`, at most 253 characters. Default: any pod.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  podNamePrefix?: pulumi.Input<string>;
}

/** One attribute mapping: a value computed from the credential, written to a token field. */
export interface IdaasAttributeMappingArgs {
  /**
   * An expression over the credential's claims, 1 to 1024 characters, nested at most 32 deep (guesses).
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  sourceValueExpression: pulumi.Input<string>;
  /**
   * The field it sets, e.g. `client.activeSubjectUrn`; 1 to 1024 characters (a guess), each field
   * mapped once.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  targetField: pulumi.Input<string>;
}

/** The arguments of an `IdaasApplicationFederatedCredential`. */
export interface IdaasApplicationFederatedCredentialArgs {
  /**
   * The EIAM instance (`idaas_…`). A change replaces the credential.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  instanceId: pulumi.Input<string>;
  /**
   * The application (`app_…`), e.g. an `IdaasM2mApplication`'s `applicationId`. A change
   * replaces the credential.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  applicationId: pulumi.Input<string>;
  /**
   * The trust source (`fcp_…`), an `IdaasFederatedCredentialProvider`'s `providerId`. A change
   * replaces the credential.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  providerId: pulumi.Input<string>;
  /**
   * `oidc`, `pkcs7` or `private_ca`: the provider's type. Default `oidc`. A change replaces it.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  type?: pulumi.Input<"oidc" | "pkcs7" | "private_ca">;
  /**
   * 1 to 64 characters, unique per application: the workload's `client-config.json` names it. A
   * change replaces the credential (there is no rename).
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-createapplicationfederatedcredential
   */
  name: pulumi.Input<string>;
  /**
   * At most 128 characters (a guess: the application's limit). Default empty.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updateapplicationfederatedcredentialdescription
   */
  description?: pulumi.Input<string>;
  /**
   * Structured verification of a Kubernetes service-account token (type `oidc` only). Exactly one
   * of `kubernetes`, `subject` and `condition`.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updateapplicationfederatedcredential
   */
  kubernetes?: pulumi.Input<IdaasKubernetesVerificationArgs>;
  /**
   * Structured verification of the token's `sub` claim, exactly (profile `generic`, type `oidc`
   * only): 1 to 255 characters (OpenID Connect Core §2). Exactly one of `kubernetes`, `subject` and
   * `condition`.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updateapplicationfederatedcredential
   */
  subject?: pulumi.Input<string>;
  /**
   * Free-form verification (`VerificationCondition`): an expression in EIAM's condition language,
   * 1 to 1024 characters, nested at most 32 deep (guesses); any type. Exactly one of `kubernetes`, `subject` and
   * `condition`. Switching between it and a structured one replaces the credential.
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updateapplicationfederatedcredential
   */
  condition?: pulumi.Input<string>;
  /**
   * Values computed from the credential and written to the token. Default none. Removing all of
   * them replaces the credential (the API cannot send an empty list).
   * @see https://www.alibabacloud.com/help/en/idaas/eiam/developer-reference/api-eiam-2021-12-01-updateapplicationfederatedcredential
   */
  attributeMappings?: pulumi.Input<pulumi.Input<IdaasAttributeMappingArgs>[]>;
}

export type FederatedCredentialType = "oidc" | "pkcs7" | "private_ca";

export interface KubernetesVerificationInputs {
  namespace: string;
  serviceAccountName: string;
  /** "" = any pod. */
  podNamePrefix: string;
}

export interface AttributeMappingInputs {
  sourceValueExpression: string;
  targetField: string;
}

export interface IdaasApplicationFederatedCredentialInputs {
  instanceId: string;
  applicationId: string;
  providerId: string;
  type: FederatedCredentialType;
  name: string;
  description: string;
  kubernetes?: KubernetesVerificationInputs;
  subject?: string;
  condition?: string;
  attributeMappings: AttributeMappingInputs[];
}

export interface IdaasApplicationFederatedCredentialOutputs
  extends IdaasApplicationFederatedCredentialInputs {
  credentialId: string;
  /** `enabled`, or `disabled` when someone disabled it out of band: the next `up` enables it again. */
  status: string;
  /** `structured` (kubernetes, subject) or `freedom` (condition), as stored. */
  verificationMode: string;
  /**
   * The `sub` a workload's token must carry (`system:serviceaccount:<ns>:<sa>` for kubernetes, the
   * subject for subject); empty for a condition.
   */
  expectedSubject: string;
}

const VERIFICATIONS = ["kubernetes", "subject", "condition"] as const;

const kubernetesRules = lazyRules(() => ({
  namespace: { schema: kubernetesNamespace(), required: true },
  serviceAccountName: { schema: kubernetesServiceAccountName(), required: true },
  podNamePrefix: { schema: kubernetesPodNamePrefix() },
}));

const mappingRules = lazyRules(() => ({
  sourceValueExpression: {
    schema: boundedString(EIAM.expression.maxLength, "an expression"),
    required: true,
  },
  targetField: { schema: boundedString(EIAM.expression.maxLength, "a target field"), required: true },
}));

const rules = lazyRules((z) => ({
  instanceId: instanceIdRule(),
  applicationId: idRule("app_"),
  providerId: idRule("fcp_"),
  type: {
    schema: z
      .string({ error: "must be a string" })
      .refine((v) => (EIAM.federatedCredentialProviderTypes as readonly string[]).includes(v), {
        message: `must be one of ${EIAM.federatedCredentialProviderTypes.map((t) => `'${t}'`).join(", ")}`,
      }),
  },
  name: {
    schema: boundedString(
      EIAM.applicationFederatedCredentialName.maxLength,
      "an application federated credential name",
    ),
    required: true,
  },
  description: { schema: optionalText(EIAM.description.maxLength, "a description") },
  subject: { schema: boundedString(OIDC_SUBJECT_MAX_LENGTH, "a subject (the OIDC sub claim)") },
  condition: {
    schema: boundedString(EIAM.expression.maxLength, "a verification condition").superRefine((v, ctx) => {
      const problem = nestingProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  },
}));

function checkMappings(value: unknown): { value: unknown; failures: CheckFailure[] } {
  if (value === UNKNOWN) return { value, failures: [] };
  if (!Array.isArray(value))
    return { value, failures: [{ property: "attributeMappings", reason: "must be a list" }] };
  const failures: CheckFailure[] = [];
  const seen = new Map<string, number>();
  const out = value.map((item, i) => {
    const nested = validateNested(`attributeMappings[${i}]`, item, mappingRules());
    failures.push(...nested.failures);
    const target = (nested.value as { targetField?: unknown } | undefined)?.targetField;
    if (typeof target === "string" && !containsUnknown(target)) {
      const first = seen.get(target);
      if (first !== undefined)
        failures.push({
          property: `attributeMappings[${i}].targetField`,
          reason: `must map each field once, but maps '${target}' again (attributeMappings[${first}] does)`,
        });
      else seen.set(target, i);
    }
    return nested.value;
  });
  return { value: out, failures };
}

export function checkIdaasApplicationFederatedCredentialInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
} {
  const { values, failures } = validateFields(news, rules());
  const inputs: Record<string, unknown> = { ...news, ...values };
  inputs.type ??= "oidc";
  inputs.description ??= "";
  const one = exactlyOne(news, VERIFICATIONS, "it says which workloads may use the credential");
  failures.push(...one.failures);
  if (isSet(news.kubernetes)) {
    const nested = validateNested("kubernetes", news.kubernetes, kubernetesRules());
    failures.push(...nested.failures);
    const k = nested.value;
    if (k && typeof k === "object") (k as Record<string, unknown>).podNamePrefix ??= "";
    inputs.kubernetes = k;
  }
  const structured = (["kubernetes", "subject"] as const).find((k) => isSet(news[k]));
  const typeKnownValid = !containsUnknown(inputs.type) && !failures.some((f) => f.property === "type");
  if (structured && typeKnownValid && inputs.type !== "oidc")
    failures.push({
      property: "type",
      reason: `is '${String(inputs.type)}', but a ${structured} verification applies to OIDC tokens only: use type 'oidc', or a condition for ${String(inputs.type)} credentials`,
    });
  if (isSet(news.attributeMappings)) {
    const mapped = checkMappings(news.attributeMappings);
    failures.push(...mapped.failures);
    inputs.attributeMappings = mapped.value;
  } else inputs.attributeMappings = [];
  return { inputs, failures };
}

const requireInputs = (raw: Record<string, unknown>) =>
  requireChecked<IdaasApplicationFederatedCredentialInputs>(
    "IdaasApplicationFederatedCredential",
    checkIdaasApplicationFederatedCredentialInputs,
    raw,
  );

/** `structured` or `freedom`: Update has no VerificationMode, so it decides replacement. */
function modeOf(c: { kubernetes?: unknown; subject?: unknown }): "structured" | "freedom" {
  return isSet(c.kubernetes) || isSet(c.subject) ? "structured" : "freedom";
}

function expectedSubjectOf(c: IdaasApplicationFederatedCredentialInputs): string {
  if (c.kubernetes) return kubernetesSubject(c.kubernetes.namespace, c.kubernetes.serviceAccountName);
  return c.subject ?? "";
}

function readOlds(olds: object): IdaasApplicationFederatedCredentialOutputs {
  const o = olds as Partial<IdaasApplicationFederatedCredentialOutputs>;
  const out: IdaasApplicationFederatedCredentialOutputs = {
    instanceId: o.instanceId ?? "",
    applicationId: o.applicationId ?? "",
    providerId: o.providerId ?? "",
    type: o.type ?? "oidc",
    name: o.name ?? "",
    description: o.description ?? "",
    attributeMappings: o.attributeMappings ?? [],
    credentialId: o.credentialId ?? "",
    status: o.status ?? "enabled",
    verificationMode: o.verificationMode ?? modeOf(o),
    expectedSubject: o.expectedSubject ?? "",
  };
  if (o.kubernetes) out.kubernetes = { ...o.kubernetes, podNamePrefix: o.kubernetes.podNamePrefix ?? "" };
  if (o.subject !== undefined) out.subject = o.subject;
  if (o.condition !== undefined) out.condition = o.condition;
  return out;
}

/** The verification and mappings as the API takes them (model field names). */
function wireOf(c: IdaasApplicationFederatedCredentialInputs): eiam.ApplicationFederatedCredentialWire {
  const attributeMappings = c.attributeMappings;
  if (c.kubernetes)
    return {
      verificationMode: "structured",
      oidcVerificationConfig: {
        Profile: "kubernetes",
        KubernetesConfig: {
          Namespace: c.kubernetes.namespace,
          ServiceAccountName: c.kubernetes.serviceAccountName,
          PodNamePrefix: c.kubernetes.podNamePrefix === "" ? undefined : c.kubernetes.podNamePrefix,
        },
      },
      attributeMappings,
    };
  if (c.subject !== undefined)
    return {
      verificationMode: "structured",
      oidcVerificationConfig: { Profile: "generic", GenericConfig: { Subject: c.subject } },
      attributeMappings,
    };
  return { verificationMode: "freedom", verificationCondition: c.condition ?? "", attributeMappings };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The verification argument of a stored credential; nothing for a profile this resource does not manage. */
function verificationOf(
  rec: eiam.ApplicationFederatedCredentialRecord,
): Pick<IdaasApplicationFederatedCredentialInputs, "kubernetes" | "subject" | "condition"> {
  if (rec.verificationMode === "freedom") return { condition: rec.verificationCondition };
  const cfg = obj(rec.oidcVerificationConfig);
  if (cfg.Profile === "kubernetes") {
    const k = obj(cfg.KubernetesConfig);
    return {
      kubernetes: {
        namespace: str(k.Namespace),
        serviceAccountName: str(k.ServiceAccountName),
        podNamePrefix: str(k.PodNamePrefix),
      },
    };
  }
  if (cfg.Profile === "generic") return { subject: str(obj(cfg.GenericConfig).Subject) };
  return {}; // gcp_vm / azure_vm set out of band: the next `up` puts ours back.
}

const mappingKey = (m: AttributeMappingInputs) => JSON.stringify([m.targetField, m.sourceValueExpression]);

function mappingsChanged(a: AttributeMappingInputs[], b: AttributeMappingInputs[]): boolean {
  const x = a.map(mappingKey).sort();
  const y = b.map(mappingKey).sort();
  return x.length !== y.length || x.some((k, i) => k !== y[i]);
}

/** The verification as one comparable text (fixed member order). */
function verificationKey(
  c: Pick<IdaasApplicationFederatedCredentialInputs, "kubernetes" | "subject" | "condition">,
) {
  const k = c.kubernetes;
  return JSON.stringify([
    k ? [k.namespace, k.serviceAccountName, k.podNamePrefix ?? ""] : null,
    c.subject ?? null,
    c.condition ?? null,
  ]);
}

function verificationChanged(
  o: IdaasApplicationFederatedCredentialInputs,
  n: IdaasApplicationFederatedCredentialInputs,
): boolean {
  return verificationKey(o) !== verificationKey(n);
}

const REPLACING = ["instanceId", "applicationId", "providerId", "type", "name"] as const;

/**
 * The credential with this name created at or after `since`, with the declared provider, type,
 * description, verification and mappings: provably ours (names are unique per application).
 */
async function findOwnCredential(
  desired: IdaasApplicationFederatedCredentialInputs,
  since: number,
): Promise<string | undefined> {
  const s = session();
  const { instanceId, applicationId } = desired;
  const [live] = await eiam.listApplicationFederatedCredentialsNamed(
    s,
    instanceId,
    applicationId,
    desired.name,
  );
  if (!live || live.createTime < since || live.description !== desired.description) return undefined;
  const rec = await eiam.getApplicationFederatedCredential(s, instanceId, applicationId, live.id);
  if (rec.providerId !== desired.providerId || rec.type !== desired.type) return undefined;
  const declared = { ...desired, ...verificationOf(rec), attributeMappings: rec.attributeMappings };
  return verificationChanged(declared, desired) ||
    mappingsChanged(rec.attributeMappings, desired.attributeMappings)
    ? undefined
    : live.id;
}

/**
 * Create; a CreateApplicationFederatedCredential whose outcome is unknown is recorded as pending
 * under its name, which `update` resumes (`resumePendingCreate`).
 */
async function createCredential(
  raw: Record<string, unknown>,
  desired: IdaasApplicationFederatedCredentialInputs,
): Promise<IdaasApplicationFederatedCredentialOutputs> {
  const wire = wireOf(desired);
  const s = session();
  const { instanceId, applicationId } = desired;
  const started = Date.now();
  const outs = (credentialId: string, status: string): IdaasApplicationFederatedCredentialOutputs => ({
    ...desired,
    credentialId,
    status,
    verificationMode: wire.verificationMode,
    expectedSubject: expectedSubjectOf(desired),
  });
  let credentialId: string;
  try {
    // No ClientToken here; the name is unique per application: after a lost answer, the
    // credential with this name and these declared properties made since the operation began is ours.
    ({ value: credentialId } = await createOnce(s, {
      create: (o) =>
        eiam.createApplicationFederatedCredential(withOptions(s, o), instanceId, applicationId, {
          ...wire,
          name: desired.name,
          type: desired.type,
          providerId: desired.providerId,
          description: desired.description,
        }),
      find: (t) => findOwnCredential(desired, t),
      alreadyExists: (e) => hasCodePrefix(e, "EntityAlreadyExists"),
    }));
  } catch (err) {
    if (err instanceof OutcomeUnknownError)
      throw pendingCreate(raw, pendingId(`${applicationId}/${desired.name}`), outs("", ""), started, err);
    throw err;
  }
  // Guess: a new credential is enabled (Create takes no status).
  return outs(credentialId, "enabled");
}

/** An update of the credential `id` from `olds`, what exists. */
async function updateCredential(
  id: string,
  olds: IdaasApplicationFederatedCredentialOutputs,
  news: IdaasApplicationFederatedCredentialInputs,
): Promise<{ outs: IdaasApplicationFederatedCredentialOutputs }> {
  const s = session();
  const { instanceId, applicationId } = news;
  if (verificationChanged(olds, news) || mappingsChanged(olds.attributeMappings, news.attributeMappings))
    await eiam.updateApplicationFederatedCredential(s, instanceId, applicationId, id, wireOf(news));
  if (olds.description !== news.description)
    await eiam.updateApplicationFederatedCredentialDescription(
      s,
      instanceId,
      applicationId,
      id,
      news.description,
    );
  if (olds.status === "disabled")
    await eiam.setApplicationFederatedCredentialEnabled(s, instanceId, applicationId, id, true);
  return {
    outs: {
      ...news,
      credentialId: id,
      status: "enabled",
      verificationMode: modeOf(news),
      expectedSubject: expectedSubjectOf(news),
    },
  };
}

/** The credential's id; for a pending create, the one it made, if any (read and delete resolve it). */
async function resolvePending(id: string, props: object): Promise<string | undefined> {
  const olds = readOlds(props);
  const since = pendingSince(props);
  return since === undefined
    ? liveId(id, olds.credentialId)
    : findPending(since, (t) => findOwnCredential(olds, t));
}

export const IdaasApplicationFederatedCredentialProvider = accountBound(
  {
    kind: "IdaasApplicationFederatedCredential",
    identity: ["instanceId", "applicationId", "providerId", "type", "name"],
    // `system:serviceaccount:<namespace>:<name>`: short names no value test finds in it.
    secretDerived: { kubernetes: ["expectedSubject"], subject: ["expectedSubject"] },
    stable: ["credentialId"],
  },
  {
    configure,

    async check(
      _olds: Record<string, unknown>,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
      return checkIdaasApplicationFederatedCredentialInputs(news);
    },

    async diff(
      _id: string,
      rawOlds: object,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
      const o = readOlds(rawOlds);
      const n = news as unknown as IdaasApplicationFederatedCredentialInputs;
      const replaces: string[] = REPLACING.filter((k) => containsUnknown(news[k]) || o[k] !== news[k]);
      const chosen = VERIFICATIONS.find((k) => isSet(news[k]));
      // UpdateApplicationFederatedCredential has no VerificationMode: switching mode replaces.
      if (chosen && modeOf(n) !== o.verificationMode) replaces.push(chosen);
      const newMappings = news.attributeMappings;
      if (Array.isArray(newMappings) && newMappings.length === 0 && o.attributeMappings.length > 0)
        replaces.push("attributeMappings");
      const changes = [...replaces];
      if (containsUnknown(news.description) || o.description !== news.description)
        changes.push("description");
      if (replaces.length === 0) {
        if (VERIFICATIONS.some((k) => containsUnknown(news[k])) || verificationChanged(o, n))
          changes.push(chosen ?? "condition");
        if (containsUnknown(newMappings) || mappingsChanged(o.attributeMappings, n.attributeMappings))
          changes.push("attributeMappings");
      }
      if (o.status === "disabled") changes.push("status");
      // Guess: names are unique per application, so a replacement keeping its name and application
      // must delete the old one first (the workload cannot authenticate in between).
      const deleteBeforeReplace =
        replaces.length > 0 &&
        !replaces.some((k) => k === "name" || k === "applicationId" || k === "instanceId");
      return { changes: changes.length > 0, replaces, deleteBeforeReplace };
    },

    async create(
      raw: Record<string, unknown>,
    ): Promise<{ id: string; outs: IdaasApplicationFederatedCredentialOutputs }> {
      const outs = await createCredential(raw, requireInputs(raw));
      return { id: outs.credentialId, outs };
    },

    async read(
      id: string,
      props?: object,
    ): Promise<{ id: string; props: Partial<IdaasApplicationFederatedCredentialOutputs>; inputs?: object }> {
      const olds = readOlds(props ?? {});
      const found = await unlessGone(isNotFound, () => resolvePending(id, props ?? {}));
      if (found === undefined) return GONE;
      id = found;
      const rec = await unlessGone(isNotFound, () =>
        eiam.getApplicationFederatedCredential(session(), olds.instanceId, olds.applicationId, id),
      );
      if (!rec) return GONE;
      const inputs: IdaasApplicationFederatedCredentialInputs = {
        instanceId: olds.instanceId,
        applicationId: olds.applicationId,
        providerId: rec.providerId || olds.providerId,
        type: (rec.type || olds.type) as FederatedCredentialType,
        name: rec.name || olds.name,
        description: rec.description,
        ...verificationOf(rec),
        attributeMappings: rec.attributeMappings,
      };
      const outs: IdaasApplicationFederatedCredentialOutputs = {
        ...inputs,
        credentialId: id,
        status: rec.status || olds.status,
        verificationMode: rec.verificationMode || olds.verificationMode,
        expectedSubject: expectedSubjectOf(inputs),
      };
      return { id, props: outs, inputs };
    },

    async update(
      id: string,
      rawOlds: object,
      rawNews: Record<string, unknown>,
    ): Promise<{ outs: IdaasApplicationFederatedCredentialOutputs }> {
      const news = requireInputs(rawNews);
      const since = pendingSince(rawOlds);
      if (since === undefined) {
        const olds = readOlds(rawOlds);
        return updateCredential(liveId(id, olds.credentialId), olds, news);
      }
      const before = readOlds(rawOlds);
      return resumePendingCreate(
        rawNews,
        id,
        since,
        (t) => findOwnCredential(before, t),
        (credentialId): IdaasApplicationFederatedCredentialOutputs => ({
          ...before,
          credentialId,
          status: "enabled",
        }),
        (state) => updateCredential(state.credentialId, state, news),
        async () => ({ outs: await createCredential(rawNews, news) }),
      );
    },

    async delete(id: string, props: object): Promise<void> {
      const { instanceId, applicationId } = readOlds(props);
      // Gone, or its application is: deleted. A create left pending: only what it provably made.
      await deleteUnlessGone(isNotFound, async () => {
        const credentialId = await resolvePending(id, props);
        if (credentialId !== undefined)
          await eiam.deleteApplicationFederatedCredential(session(), instanceId, applicationId, credentialId);
      });
    },
  },
);

/**
 * Lets workloads holding a credential from a federated credential provider (e.g. a Kubernetes
 * service-account token) authenticate as an EIAM application, without a client secret.
 */
export class IdaasApplicationFederatedCredential extends pulumi.dynamic.Resource {
  declare readonly instanceId: pulumi.Output<string>;
  declare readonly applicationId: pulumi.Output<string>;
  declare readonly credentialId: pulumi.Output<string>;
  /** What the workload's `client-config.json` names (`applicationFederatedCredentialName`). */
  declare readonly name: pulumi.Output<string>;
  /** `enabled` after every `up`. */
  declare readonly status: pulumi.Output<string>;
  /** The `sub` a workload's token must carry; empty for a condition. */
  declare readonly expectedSubject: pulumi.Output<string>;

  constructor(
    name: string,
    args: IdaasApplicationFederatedCredentialArgs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      providerShim("IdaasApplicationFederatedCredentialProvider"),
      name,
      withSecretInputs({
        ...args,
        credentialId: undefined,
        status: undefined,
        verificationMode: undefined,
        expectedSubject: undefined,
      }),
      opts,
      "alicloud-federation",
      "IdaasApplicationFederatedCredential",
    );
  }
}
