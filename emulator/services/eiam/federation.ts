/**
 * EIAM federated credentials: federated credential providers (trust sources: an OIDC issuer, or
 * PKCS#7 / private-CA certificates) and application federated credentials (which tokens of a
 * provider may act as an application at the token endpoint), with every rule.
 *
 * Guesses (public docs are silent), each also in the README:
 * - IDs `fcp_` (documented shape) and `afc_` + 26 lower-case letters or digits.
 * - Provider types `oidc`, `pkcs7`, `private_ca` (only `pkcs7` is seen in the docs); the config
 *   object of the type is required, any other config object is refused; `CloudIdPProviderConfig`
 *   is refused (no type uses it here). Providers and credentials are created `enabled`.
 * - Provider names are unique in the instance; credential names unique per application.
 * - OIDC: `Issuer` an https URL, fixed at creation (the Update model has no Issuer);
 *   `JwksSource` `static` (needs `StaticJwks`, a JSON JWKS of ≥ 1 public RSA/EC key) or
 *   `dynamic` (needs an https `JwksUri`; the token endpoint fetches it on every use and records
 *   `DynamicJwks` and `JwksLastObtainedTime`), the other source's field refused; `Audiences`
 *   1-5, duplicates dropped.
 * - PKCS#7 / private CA: `Certificates[].Content` one PEM certificate each (≥ 1); answered with
 *   `Fingerprint` (SHA-256, lower-case hex) and `CertificateMetadata{NotBefore, NotAfter}` (epoch
 *   ms); `TrustAnchorSource` `static` only (default on create; required on update, as the Update
 *   model says). Stored only: the token endpoint does not verify such assertions.
 * - Update merges: fields sent replace the stored ones, fields not sent stay; an empty
 *   `TrustCondition` clears it. The type never changes.
 * - Conditions (`TrustCondition`, `VerificationCondition`) must parse (expressions.ts) or are
 *   refused with `InvalidParameter.TrustCondition` / `.VerificationCondition`; `cert.…` paths only
 *   for PKCS#7 / private-CA.
 * - A provider that credentials use cannot be deleted (409 OperationConflict.FederatedCredentialProvider).
 * - Credentials: the type must equal the provider's. `VerificationMode` defaults to `freedom`
 *   when `VerificationCondition` is sent and to `structured` when a verification config is sent;
 *   mixing the two is refused. Structured OIDC needs `OidcVerificationConfig` with a `Profile`
 *   (generic, kubernetes, gcp_vm, azure_vm) and that profile's config (generic: `Subject`;
 *   kubernetes: `Namespace`, `ServiceAccountName`, optional `PodNamePrefix`); gcp_vm/azure_vm are
 *   stored but refused at the token endpoint. Structured PKCS#7 needs
 *   `Pkcs7VerificationConfig.InstanceIds`; private CA allows `freedom` only. Update switches the
 *   mode by what it sends (a config → structured, a condition → freedom).
 *   `AttributeMappings` are stored and echoed.
 */
import { createPublicKey, type JsonWebKey, X509Certificate } from "node:crypto";
import { z } from "zod";
import { EIAM } from "../../limits";
import * as E from "./errors";
import { ExpressionError, type PathRoot, parseExpression } from "./expressions";
import type { Reader } from "./params";
import { type EiamState, newEiamId } from "./state";

export type ProviderType = "oidc" | "pkcs7" | "private_ca";

const oidcConfig = z.object({
  issuer: z.string(),
  jwksSource: z.enum(["static", "dynamic"]),
  jwksUri: z.string().optional(),
  staticJwks: z.string().optional(),
  audiences: z.array(z.string()),
  trustCondition: z.string().optional(),
  dynamicJwks: z.string().optional(),
  jwksLastObtainedMs: z.number().optional(),
});
export type OidcConfig = z.infer<typeof oidcConfig>;

const certConfig = z.object({
  certificates: z.array(z.string()),
  trustAnchorSource: z.string(),
  trustCondition: z.string().optional(),
  cmsVerificationMode: z.string().optional(),
  signatureEffectiveTime: z.number().optional(),
  signingTimeValueExpression: z.string().optional(),
});
export type CertConfig = z.infer<typeof certConfig>;

export const providerRecord = z.object({
  providerId: z.string(),
  name: z.string(),
  type: z.enum(["oidc", "pkcs7", "private_ca"]),
  description: z.string(),
  enabled: z.boolean(),
  networkAccessEndpointId: z.string().optional(),
  oidc: oidcConfig.optional(),
  /** pkcs7 and private_ca. */
  certs: certConfig.optional(),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type ProviderRecord = z.infer<typeof providerRecord>;

const oidcVerification = z.object({
  profile: z.enum(["generic", "kubernetes", "gcp_vm", "azure_vm"]),
  generic: z.object({ subject: z.string() }).optional(),
  kubernetes: z
    .object({ namespace: z.string(), serviceAccountName: z.string(), podNamePrefix: z.string().optional() })
    .optional(),
  gcpVm: z
    .object({
      projectId: z.string().optional(),
      serviceAccountId: z.string().optional(),
      instanceIds: z.array(z.string()).optional(),
    })
    .optional(),
  azureVm: z
    .object({
      principalId: z.string().optional(),
      resourceGroupName: z.string().optional(),
      subscriptionId: z.string().optional(),
      vmNames: z.array(z.string()).optional(),
    })
    .optional(),
});
export type OidcVerification = z.infer<typeof oidcVerification>;

export const credentialRecord = z.object({
  credentialId: z.string(),
  applicationId: z.string(),
  providerId: z.string(),
  name: z.string(),
  type: z.enum(["oidc", "pkcs7", "private_ca"]),
  description: z.string(),
  enabled: z.boolean(),
  mode: z.enum(["structured", "freedom"]),
  verificationCondition: z.string().optional(),
  oidcVerification: oidcVerification.optional(),
  pkcs7InstanceIds: z.array(z.string()).optional(),
  attributeMappings: z.array(z.object({ sourceValueExpression: z.string(), targetField: z.string() })),
  lastUsedMs: z.number().optional(),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type CredentialRecord = z.infer<typeof credentialRecord>;

export const federationSnapshot = z.object({
  federatedCredentialProviders: z.array(providerRecord).default([]),
  applicationFederatedCredentials: z.array(credentialRecord).default([]),
});
export type FederationSnapshot = z.infer<typeof federationSnapshot>;

/** A certificate as GetFederatedCredentialProvider answers it. */
export interface CertificateView {
  content: string;
  fingerprint: string;
  notBeforeMs: number;
  notAfterMs: number;
}

export function certificateView(pem: string): CertificateView {
  const cert = new X509Certificate(pem);
  return {
    content: pem,
    fingerprint: cert.fingerprint256.replace(/:/g, "").toLowerCase(),
    notBeforeMs: Date.parse(cert.validFrom),
    notAfterMs: Date.parse(cert.validTo),
  };
}

/** Parses a condition, or refuses it with `InvalidParameter.<param>`. */
export function checkCondition(
  param: "TrustCondition" | "VerificationCondition",
  text: string,
  roots: PathRoot[],
): void {
  try {
    parseExpression(text, roots);
  } catch (e) {
    if (e instanceof ExpressionError)
      throw E.invalidParameter(param, `${e.message} (see the emulator's condition subset)`);
    throw e;
  }
}

const rootsFor = (type: ProviderType): PathRoot[] => (type === "oidc" ? ["jwt"] : ["jwt", "cert"]);

function httpsUrl(param: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw E.invalidParameter(param, "expected an https URL");
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.hash !== "") {
    throw E.invalidParameter(param, "expected an https URL without user info or fragment");
  }
  return value;
}

/** A JSON JWKS with at least one public RSA or EC key. */
function checkStaticJwks(param: string, text: string): void {
  let keys: unknown;
  try {
    keys = (JSON.parse(text) as { keys?: unknown }).keys;
  } catch {
    throw E.invalidParameter(param, "expected a JSON Web Key Set");
  }
  if (!Array.isArray(keys) || keys.length === 0)
    throw E.invalidParameter(param, 'expected {"keys": [ ≥ 1 key ]}');
  for (const k of keys as unknown[]) {
    if (!k || typeof k !== "object") throw E.invalidParameter(param, "every key must be an object");
    const jwk = k as Record<string, unknown>;
    if (jwk.kty !== "RSA" && jwk.kty !== "EC") throw E.invalidParameter(param, "keys must be RSA or EC keys");
    if (jwk.d !== undefined) throw E.invalidParameter(param, "the JWKS holds private key material");
    try {
      createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    } catch {
      throw E.invalidParameter(param, "a key is not a valid public JWK");
    }
  }
}

function checkName(param: string, name: string, max: number): void {
  if (name.length > max)
    throw E.invalidParameter(param, `it is ${name.length} characters long, more than ${max}`);
}

export class EiamFederation {
  private providers = new Map<string, ProviderRecord>();
  private credentials = new Map<string, CredentialRecord>();

  constructor(private readonly state: EiamState) {
    state.onApplicationDeleted((applicationId) => {
      for (const [id, c] of this.credentials)
        if (c.applicationId === applicationId) this.credentials.delete(id);
    });
  }

  // ---- Providers -------------------------------------------------------------------------------

  createProvider(p: Reader): ProviderRecord {
    const name = p.str("FederatedCredentialProviderName", { required: true });
    checkName("FederatedCredentialProviderName", name, EIAM.federatedCredentialProviderName.maxLength);
    const type = p.str("FederatedCredentialProviderType", {
      required: true,
      oneOf: EIAM.federatedCredentialProviderTypes,
    }) as ProviderType;
    const description = p.str("Description") ?? "";
    this.state.checkDescription("Description", description);
    if (p.has("CloudIdPProviderConfig")) {
      throw E.invalidParameter("CloudIdPProviderConfig", "the emulator has no cloud identity provider type");
    }
    this.refuseOtherConfigs(p, type);
    this.checkProviderNameFree(name, undefined);
    const now = this.state.now();
    const record: ProviderRecord = {
      providerId: this.newId("fcp", (id) => this.providers.has(id)),
      name,
      type,
      description,
      enabled: true,
      ...this.networkAccessEndpoint(p),
      createdMs: now,
      updatedMs: now,
    };
    if (type === "oidc") {
      const c = p.obj("OidcProviderConfig");
      if (!c) throw E.missingParameter("OidcProviderConfig");
      record.oidc = this.oidcConfig(c, undefined);
    } else {
      const field = type === "pkcs7" ? "Pkcs7ProviderConfig" : "PrivateCaProviderConfig";
      const c = p.obj(field);
      if (!c) throw E.missingParameter(field);
      record.certs = this.certConfig(c, undefined, type);
    }
    this.providers.set(record.providerId, record);
    return structuredClone(record);
  }

  getProvider(providerId: string): ProviderRecord {
    return structuredClone(this.mustGetProvider(providerId));
  }

  /** In creation order; `name` and `type` filter exactly. */
  listProviders(filter: { name?: string; type?: string }): ProviderRecord[] {
    return [...this.providers.values()]
      .filter((x) => filter.name === undefined || x.name === filter.name)
      .filter((x) => filter.type === undefined || x.type === filter.type)
      .map((x) => structuredClone(x));
  }

  updateProvider(p: Reader): void {
    const provider = this.mustGetProvider(p.str("FederatedCredentialProviderId", { required: true }));
    const name = p.str("FederatedCredentialProviderName", { required: true });
    checkName("FederatedCredentialProviderName", name, EIAM.federatedCredentialProviderName.maxLength);
    this.checkProviderNameFree(name, provider.providerId);
    this.refuseOtherConfigs(p, provider.type);
    let oidc = provider.oidc;
    let certs = provider.certs;
    if (provider.type === "oidc") {
      const c = p.obj("OidcProviderConfig");
      if (c) oidc = this.oidcConfig(c, provider.oidc);
    } else {
      const c = p.obj(provider.type === "pkcs7" ? "Pkcs7ProviderConfig" : "PrivateCaProviderConfig");
      if (c) certs = this.certConfig(c, provider.certs, provider.type);
    }
    provider.name = name;
    const endpoint = this.networkAccessEndpoint(p);
    if (endpoint.networkAccessEndpointId !== undefined)
      provider.networkAccessEndpointId = endpoint.networkAccessEndpointId;
    provider.oidc = oidc;
    provider.certs = certs;
    this.touch(provider);
  }

  updateProviderDescription(providerId: string, description: string): void {
    const provider = this.mustGetProvider(providerId);
    this.state.checkDescription("Description", description);
    provider.description = description;
    this.touch(provider);
  }

  setProviderEnabled(providerId: string, enabled: boolean): void {
    const provider = this.mustGetProvider(providerId);
    if (provider.enabled !== enabled) {
      provider.enabled = enabled;
      this.touch(provider);
    }
  }

  deleteProvider(providerId: string): void {
    this.mustGetProvider(providerId);
    const users = [...this.credentials.values()].filter((c) => c.providerId === providerId);
    if (users.length > 0) {
      throw E.operationConflict(
        "FederatedCredentialProvider",
        `The federated credential provider ${providerId} is used by ${users.length} application federated credential(s) (${users
          .map((c) => c.credentialId)
          .join(", ")}); delete them first.`,
      );
    }
    this.providers.delete(providerId);
  }

  /** The token endpoint records what it fetched from a dynamic JwksUri. */
  recordDynamicJwks(providerId: string, jwks: string): void {
    const provider = this.providers.get(providerId);
    if (provider?.oidc) {
      provider.oidc.dynamicJwks = jwks;
      provider.oidc.jwksLastObtainedMs = this.state.now();
    }
  }

  // ---- Application federated credentials -------------------------------------------------------

  createCredential(p: Reader): CredentialRecord {
    const applicationId = p.str("ApplicationId", { required: true });
    this.state.mustGetApp(applicationId);
    const name = p.str("ApplicationFederatedCredentialName", { required: true });
    checkName("ApplicationFederatedCredentialName", name, EIAM.applicationFederatedCredentialName.maxLength);
    const type = p.str("ApplicationFederatedCredentialType", {
      required: true,
      oneOf: EIAM.federatedCredentialProviderTypes,
    }) as ProviderType;
    const provider = this.mustGetProvider(p.str("FederatedCredentialProviderId", { required: true }));
    if (provider.type !== type) {
      throw E.invalidParameter(
        "ApplicationFederatedCredentialType",
        `it must equal the provider's type ${provider.type}, got ${type}`,
      );
    }
    const description = p.str("Description") ?? "";
    this.state.checkDescription("Description", description);
    const explicitMode = p.str("VerificationMode", { oneOf: ["structured", "freedom"] }) as
      | "structured"
      | "freedom"
      | undefined;
    const verification = this.verification(p, type, explicitMode || undefined);
    if (!verification) throw E.missingParameter("VerificationMode");
    for (const c of this.credentials.values()) {
      if (c.applicationId === applicationId && c.name === name) {
        throw E.entityAlreadyExists(
          "ApplicationFederatedCredential",
          name,
          `in the application ${applicationId}`,
        );
      }
    }
    const now = this.state.now();
    const record: CredentialRecord = {
      credentialId: this.newId("afc", (id) => this.credentials.has(id)),
      applicationId,
      providerId: provider.providerId,
      name,
      type,
      description,
      enabled: true,
      ...verification,
      attributeMappings: this.attributeMappings(p) ?? [],
      createdMs: now,
      updatedMs: now,
    };
    this.credentials.set(record.credentialId, record);
    return structuredClone(record);
  }

  getCredential(applicationId: string, credentialId: string): CredentialRecord {
    return structuredClone(this.mustGetCredential(applicationId, credentialId));
  }

  listCredentials(filter: {
    applicationId?: string;
    providerId?: string;
    type?: string;
  }): CredentialRecord[] {
    if (filter.applicationId !== undefined) this.state.mustGetApp(filter.applicationId);
    return [...this.credentials.values()]
      .filter((c) => filter.applicationId === undefined || c.applicationId === filter.applicationId)
      .filter((c) => filter.providerId === undefined || c.providerId === filter.providerId)
      .filter((c) => filter.type === undefined || c.type === filter.type)
      .map((c) => structuredClone(c));
  }

  updateCredential(p: Reader): void {
    const credential = this.mustGetCredential(
      p.str("ApplicationId", { required: true }),
      p.str("ApplicationFederatedCredentialId", { required: true }),
    );
    const verification = this.verification(p, credential.type, undefined);
    const mappings = this.attributeMappings(p);
    if (verification) {
      credential.mode = verification.mode;
      credential.verificationCondition = verification.verificationCondition;
      credential.oidcVerification = verification.oidcVerification;
      credential.pkcs7InstanceIds = verification.pkcs7InstanceIds;
    }
    if (mappings) credential.attributeMappings = mappings;
    this.touch(credential);
  }

  updateCredentialDescription(applicationId: string, credentialId: string, description: string): void {
    const credential = this.mustGetCredential(applicationId, credentialId);
    this.state.checkDescription("Description", description);
    credential.description = description;
    this.touch(credential);
  }

  setCredentialEnabled(applicationId: string, credentialId: string, enabled: boolean): void {
    const credential = this.mustGetCredential(applicationId, credentialId);
    if (credential.enabled !== enabled) {
      credential.enabled = enabled;
      this.touch(credential);
    }
  }

  deleteCredential(applicationId: string, credentialId: string): void {
    this.mustGetCredential(applicationId, credentialId);
    this.credentials.delete(credentialId);
  }

  /** The token endpoint's lookup: an application's credential by name. */
  findCredentialByName(applicationId: string, name: string): CredentialRecord | undefined {
    for (const c of this.credentials.values()) {
      if (c.applicationId === applicationId && c.name === name) return structuredClone(c);
    }
    return undefined;
  }

  markCredentialUsed(credentialId: string): void {
    const c = this.credentials.get(credentialId);
    if (c) c.lastUsedMs = this.state.now();
  }

  // ---- Snapshot --------------------------------------------------------------------------------

  snapshot(): FederationSnapshot {
    return {
      federatedCredentialProviders: [...this.providers.values()].map((x) => structuredClone(x)),
      applicationFederatedCredentials: [...this.credentials.values()].map((x) => structuredClone(x)),
    };
  }

  restore(snapshot: unknown): void {
    const s = federationSnapshot.parse(snapshot);
    this.providers = new Map(s.federatedCredentialProviders.map((x) => [x.providerId, x]));
    this.credentials = new Map(s.applicationFederatedCredentials.map((x) => [x.credentialId, x]));
  }

  reset(): void {
    this.providers.clear();
    this.credentials.clear();
  }

  // ---- Rules -----------------------------------------------------------------------------------

  private newId(prefix: string, taken: (id: string) => boolean): string {
    let id = newEiamId(prefix);
    while (taken(id)) id = newEiamId(prefix);
    return id;
  }

  private touch(x: { updatedMs: number }): void {
    x.updatedMs = Math.max(this.state.now(), x.updatedMs);
  }

  private mustGetProvider(providerId: string): ProviderRecord {
    const x = this.providers.get(providerId);
    if (!x) throw E.entityNotExists("FederatedCredentialProvider", providerId);
    return x;
  }

  private mustGetCredential(applicationId: string, credentialId: string): CredentialRecord {
    this.state.mustGetApp(applicationId);
    const c = this.credentials.get(credentialId);
    if (!c || c.applicationId !== applicationId)
      throw E.entityNotExists("ApplicationFederatedCredential", credentialId);
    return c;
  }

  private checkProviderNameFree(name: string, self: string | undefined): void {
    for (const x of this.providers.values()) {
      if (x.name === name && x.providerId !== self) {
        throw E.entityAlreadyExists("FederatedCredentialProvider", name, "in this instance");
      }
    }
  }

  private networkAccessEndpoint(p: Reader): { networkAccessEndpointId?: string } {
    const id = p.str("NetworkAccessEndpointId");
    return id ? { networkAccessEndpointId: id } : {};
  }

  private refuseOtherConfigs(p: Reader, type: ProviderType): void {
    const own = {
      oidc: "OidcProviderConfig",
      pkcs7: "Pkcs7ProviderConfig",
      private_ca: "PrivateCaProviderConfig",
    }[type];
    for (const field of ["OidcProviderConfig", "Pkcs7ProviderConfig", "PrivateCaProviderConfig"]) {
      if (field !== own && p.has(field)) {
        throw E.invalidParameter(field, `a provider of type ${type} takes ${own} only`);
      }
    }
  }

  /** Create (`old` undefined) or merge an update into `old`. */
  private oidcConfig(c: Reader, old: OidcConfig | undefined): OidcConfig {
    const issuer = old?.issuer ?? httpsUrl(c.name("Issuer"), c.str("Issuer", { required: true }));
    if (old && c.has("Issuer")) throw E.invalidParameter(c.name("Issuer"), "the issuer cannot be changed");
    const jwksSource = c.str("JwksSource", { required: true, oneOf: ["static", "dynamic"] }) as
      | "static"
      | "dynamic";
    const audiencesIn = c.strList("Audiences");
    let audiences = old?.audiences ?? [];
    if (audiencesIn !== undefined || !old) {
      const list = [...new Set(audiencesIn ?? [])];
      const { min, max, maxLength } = EIAM.oidcAudiences;
      if (list.length < min) throw E.missingParameter(c.name("Audiences"));
      if (list.length > max) throw E.invalidParameter(c.name("Audiences"), `at most ${max} audiences`);
      for (const a of list) {
        if (a === "" || a.length > maxLength) {
          throw E.invalidParameter(c.name("Audiences"), `each audience must be 1 to ${maxLength} characters`);
        }
      }
      audiences = list;
    }
    const out: OidcConfig = { issuer, jwksSource, audiences };
    if (jwksSource === "dynamic") {
      if (c.has("StaticJwks") && c.str("StaticJwks") !== "") {
        throw E.invalidParameter(c.name("StaticJwks"), "it is for JwksSource static");
      }
      const uri = c.str("JwksUri") || (old?.jwksSource === "dynamic" ? old.jwksUri : undefined);
      if (!uri) throw E.missingParameter(c.name("JwksUri"));
      out.jwksUri = httpsUrl(c.name("JwksUri"), uri);
      if (old?.jwksUri === out.jwksUri && old.dynamicJwks !== undefined) {
        out.dynamicJwks = old.dynamicJwks;
        if (old.jwksLastObtainedMs !== undefined) out.jwksLastObtainedMs = old.jwksLastObtainedMs;
      }
    } else {
      if (c.has("JwksUri") && c.str("JwksUri") !== "")
        throw E.invalidParameter(c.name("JwksUri"), "it is for JwksSource dynamic");
      const jwks = c.str("StaticJwks") || (old?.jwksSource === "static" ? old.staticJwks : undefined);
      if (!jwks) throw E.missingParameter(c.name("StaticJwks"));
      checkStaticJwks(c.name("StaticJwks"), jwks);
      out.staticJwks = jwks;
    }
    const trust = this.trustCondition(c, old?.trustCondition, "oidc");
    if (trust !== undefined) out.trustCondition = trust;
    return out;
  }

  private certConfig(c: Reader, old: CertConfig | undefined, type: ProviderType): CertConfig {
    // `custom`, the value the SDK models give as the example (Pkcs7ProviderConfig and
    // PrivateCaProviderConfig of Create/UpdateFederatedCredentialProvider): certificates the
    // caller uploads. Guess: no other value exists; omitted on create means `custom`.
    const anchor = c.str("TrustAnchorSource", { required: old !== undefined, oneOf: ["custom"] }) ?? "custom";
    const certsIn = c.objList("Certificates");
    let certificates = old?.certificates ?? [];
    if (certsIn !== undefined || !old) {
      if (!certsIn || certsIn.length === 0) throw E.missingParameter(c.name("Certificates"));
      certificates = certsIn.map((r) => {
        const pem = r.str("Content", { required: true }).trim();
        const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
        if (blocks !== 1 || !pem.endsWith("-----END CERTIFICATE-----")) {
          throw E.invalidParameter(r.name("Content"), "expected one PEM certificate");
        }
        try {
          certificateView(pem);
        } catch {
          throw E.invalidParameter(r.name("Content"), "the PEM is not a valid X.509 certificate");
        }
        return `${pem}\n`;
      });
    }
    const out: CertConfig = { certificates, trustAnchorSource: anchor };
    const trust = this.trustCondition(c, old?.trustCondition, type);
    if (trust !== undefined) out.trustCondition = trust;
    const mode = c.str("CmsVerificationMode") ?? old?.cmsVerificationMode;
    if (mode) out.cmsVerificationMode = mode;
    const effective = c.int("SignatureEffectiveTime", { min: 1 }) ?? old?.signatureEffectiveTime;
    if (effective !== undefined) out.signatureEffectiveTime = effective;
    const signing = c.str("SigningTimeValueExpression") ?? old?.signingTimeValueExpression;
    if (signing) out.signingTimeValueExpression = signing;
    return out;
  }

  /** The new trust condition: sent ("" clears), else the old one. */
  private trustCondition(c: Reader, old: string | undefined, type: ProviderType): string | undefined {
    const sent = c.str("TrustCondition");
    if (sent === undefined) return old;
    if (sent === "") return undefined;
    checkCondition("TrustCondition", sent, rootsFor(type));
    return sent;
  }

  /** The verification fields a create or update sends, or undefined when an update sends none. */
  private verification(
    p: Reader,
    type: ProviderType,
    explicitMode: "structured" | "freedom" | undefined,
  ):
    | Pick<CredentialRecord, "mode" | "verificationCondition" | "oidcVerification" | "pkcs7InstanceIds">
    | undefined {
    const condition = p.str("VerificationCondition") || undefined;
    const oidc = p.obj("OidcVerificationConfig");
    const pkcs7 = p.obj("Pkcs7VerificationConfig");
    if (oidc && type !== "oidc")
      throw E.invalidParameter("OidcVerificationConfig", `it is for oidc credentials, not ${type}`);
    if (pkcs7 && type !== "pkcs7")
      throw E.invalidParameter("Pkcs7VerificationConfig", `it is for pkcs7 credentials, not ${type}`);
    const config = oidc ?? pkcs7;
    if (condition !== undefined && config) {
      throw E.invalidParameter(
        "VerificationCondition",
        "send either a verification config (structured) or a VerificationCondition (freedom), not both",
      );
    }
    const mode = explicitMode ?? (condition !== undefined ? "freedom" : config ? "structured" : undefined);
    if (mode === undefined) return undefined;
    if (mode === "freedom") {
      if (config)
        throw E.invalidParameter(
          oidc ? "OidcVerificationConfig" : "Pkcs7VerificationConfig",
          "it is for VerificationMode structured",
        );
      if (condition === undefined) throw E.missingParameter("VerificationCondition");
      checkCondition("VerificationCondition", condition, rootsFor(type));
      return { mode, verificationCondition: condition };
    }
    if (type === "private_ca")
      throw E.invalidParameter("VerificationMode", "private_ca credentials use freedom mode");
    if (type === "pkcs7") {
      if (!pkcs7) throw E.missingParameter("Pkcs7VerificationConfig");
      const ids = pkcs7.strList("InstanceIds");
      if (!ids || ids.length === 0 || ids.some((x) => x === ""))
        throw E.missingParameter(pkcs7.name("InstanceIds"));
      return { mode, pkcs7InstanceIds: [...new Set(ids)] };
    }
    if (!oidc) throw E.missingParameter("OidcVerificationConfig");
    return { mode, oidcVerification: this.oidcVerification(oidc) };
  }

  private oidcVerification(c: Reader): OidcVerification {
    const profile = c.str("Profile", {
      required: true,
      oneOf: ["generic", "kubernetes", "gcp_vm", "azure_vm"],
    }) as OidcVerification["profile"];
    const own = {
      generic: "GenericConfig",
      kubernetes: "KubernetesConfig",
      gcp_vm: "GcpVmConfig",
      azure_vm: "AzureVmConfig",
    }[profile];
    for (const field of ["GenericConfig", "KubernetesConfig", "GcpVmConfig", "AzureVmConfig"]) {
      if (field !== own && c.has(field))
        throw E.invalidParameter(c.name(field), `the profile ${profile} takes ${own} only`);
    }
    const cfg = c.obj(own);
    if (!cfg) throw E.missingParameter(c.name(own));
    switch (profile) {
      case "generic":
        return { profile, generic: { subject: cfg.str("Subject", { required: true }) } };
      case "kubernetes": {
        const prefix = cfg.str("PodNamePrefix");
        return {
          profile,
          kubernetes: {
            namespace: cfg.str("Namespace", { required: true }),
            serviceAccountName: cfg.str("ServiceAccountName", { required: true }),
            ...(prefix ? { podNamePrefix: prefix } : {}),
          },
        };
      }
      case "gcp_vm": {
        const projectId = cfg.str("ProjectId");
        const serviceAccountId = cfg.str("ServiceAccountId");
        const instanceIds = cfg.strList("InstanceIds");
        return {
          profile,
          gcpVm: {
            ...(projectId ? { projectId } : {}),
            ...(serviceAccountId ? { serviceAccountId } : {}),
            ...(instanceIds ? { instanceIds } : {}),
          },
        };
      }
      case "azure_vm": {
        const principalId = cfg.str("PrincipalId");
        const resourceGroupName = cfg.str("ResourceGroupName");
        const subscriptionId = cfg.str("SubscriptionId");
        const vmNames = cfg.strList("VmNames");
        return {
          profile,
          azureVm: {
            ...(principalId ? { principalId } : {}),
            ...(resourceGroupName ? { resourceGroupName } : {}),
            ...(subscriptionId ? { subscriptionId } : {}),
            ...(vmNames ? { vmNames } : {}),
          },
        };
      }
    }
  }

  private attributeMappings(p: Reader): CredentialRecord["attributeMappings"] | undefined {
    const list = p.objList("AttributeMappings");
    if (list === undefined) return undefined;
    return list.map((m) => ({
      sourceValueExpression: m.str("SourceValueExpression", { required: true }),
      targetField: m.str("TargetField", { required: true }),
    }));
  }
}
