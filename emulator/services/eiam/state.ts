/**
 * EIAM state and rules: the one instance, its applications (M2M client, resource server),
 * resource-server scopes and the grants of scopes to client applications, client secrets and
 * client public keys. Federated credentials live in `federation.ts`; the token endpoint in
 * `token.ts`. Limits come from `EIAM` (emulator/limits.ts).
 *
 * Guesses (public docs are silent), each also in the README:
 * - IDs: `app_`, `ress_` (scope), `scrt_` (secret), `cpk_` (public key) + 26 lower-case letters or
 *   digits (only `app_`, `ress_`-style ids and `idaas_` instance ids appear in the docs' examples).
 *   `ClientId` is the ApplicationId itself: every doc example of the M2M token endpoint sends
 *   `client_id=app_…` (https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/m2m-client-token-invocation-example).
 * - Application names are not unique (nothing says they are). Applications are always `enabled`.
 * - At most `EIAM.maxScopesPerResourceServer` (100) scopes per application (409
 *   QuotaExceeded.ResourceServerScope).
 * - `SsoType` becomes `<sso>+oauth2/m2m` when the M2M client is enabled for an `oidc` application
 *   (`oidc+oauth2/m2m` is a documented value); a `saml2` application keeps `saml2`. `Features` is
 *   a JSON array string of `m2m_client` and `resource_server` (documented feature names) as enabled.
 * - Disabling the M2M client or the resource server keeps grants; the token endpoint refuses them.
 * - `AuthorizeResourceServerToClient` grants the scopes the resource server has at that moment
 *   (scopes created later are not granted); `Revoke…FromClient` revokes every scope of it.
 *   Granting needs the client's M2M client enabled and the resource server enabled with an
 *   identifier; revoking needs neither. Granting twice is a no-op.
 * - Client secrets: the value is kept in plaintext (ObtainApplicationClientSecret answers it; the
 *   state file is written 0600); listed masked as the first 4 characters + `******`; deleting an
 *   enabled secret is allowed; a permanent secret answers no `ExpirationTime`.
 * - Client public keys: `AlgorithmType` `RSA` (a ≥ 2048-bit RSA key) or `EC` (P-256, P-384, P-521),
 *   matching the PEM; the first key of an application is primary; the same PEM twice on one
 *   application is a 409; a `ClientToken` repeated on CreateClientPublicKey answers the key it
 *   created.
 */
import { createPublicKey, randomBytes } from "node:crypto";
import { z } from "zod";
import { EIAM } from "../../limits";
import { randomAlphanumeric } from "../../util";
import * as E from "./errors";

// ---- Records (also the snapshot schema) ---------------------------------------------------------

export const applicationRecord = z.object({
  applicationId: z.string(),
  clientId: z.string(),
  name: z.string(),
  sourceType: z.string(),
  ssoType: z.string(),
  templateId: z.string().optional(),
  identityType: z.string(),
  description: z.string(),
  logoUrl: z.string(),
  m2mClientEnabled: z.boolean(),
  resourceServerEnabled: z.boolean(),
  resourceServerIdentifier: z.string().optional(),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type ApplicationRecord = z.infer<typeof applicationRecord>;

export const clientSecretRecord = z.object({
  secretId: z.string(),
  applicationId: z.string(),
  /** Plaintext: ObtainApplicationClientSecret answers it. */
  value: z.string(),
  enabled: z.boolean(),
  expirationMs: z.number().optional(),
  lastUsedMs: z.number().optional(),
  createdMs: z.number(),
});
export type ClientSecretRecord = z.infer<typeof clientSecretRecord>;

export const publicKeyRecord = z.object({
  publicKeyId: z.string(),
  applicationId: z.string(),
  algorithmType: z.string(),
  pem: z.string(),
  enabled: z.boolean(),
  primary: z.boolean(),
  clientToken: z.string().optional(),
  lastUsedMs: z.number().optional(),
  createdMs: z.number(),
});
export type PublicKeyRecord = z.infer<typeof publicKeyRecord>;

export const scopeRecord = z.object({
  scopeId: z.string(),
  applicationId: z.string(),
  name: z.string(),
  value: z.string(),
  type: z.string(),
  authorizationType: z.string().optional(),
  createdMs: z.number(),
});
export type ScopeRecord = z.infer<typeof scopeRecord>;

/** A scope of a resource server granted to a client application. */
export const grantRecord = z.object({
  clientApplicationId: z.string(),
  scopeId: z.string(),
  createdMs: z.number(),
});
export type GrantRecord = z.infer<typeof grantRecord>;

export const coreSnapshot = z.object({
  instanceId: z.string(),
  instanceCreatedMs: z.number(),
  applications: z.array(applicationRecord).default([]),
  clientSecrets: z.array(clientSecretRecord).default([]),
  publicKeys: z.array(publicKeyRecord).default([]),
  scopes: z.array(scopeRecord).default([]),
  grants: z.array(grantRecord).default([]),
});
export type CoreSnapshot = z.infer<typeof coreSnapshot>;

// ---- Helpers -----------------------------------------------------------------------------------

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `<prefix>_` + 26 random lower-case letters and digits. */
export function newEiamId(prefix: string): string {
  let out = "";
  while (out.length < 26) {
    for (const b of randomBytes(32)) {
      // 252 = 7 * 36: drop the bytes that would bias the draw.
      if (b < 252 && out.length < 26) out += LOWER_ALNUM[b % 36];
    }
  }
  return `${prefix}_${out}`;
}

/** A random instance id in the documented shape. */
export function newInstanceId(): string {
  return newEiamId("idaas");
}

export interface EiamStateOptions {
  /** The configured instance id (option `eiam.instanceId`), or undefined for the default. */
  instanceId: string | undefined;
  defaultInstanceId: string;
  now: () => number;
}

export interface CreateApplicationInput {
  name: string;
  sourceType: string;
  ssoType: string;
  templateId: string | undefined;
  identityType: string | undefined;
  description: string | undefined;
  logoUrl: string | undefined;
}

export interface ApplicationFilter {
  name?: string;
  status?: string;
  ssoTypes?: string[];
  applicationIds?: string[];
  m2mClientStatus?: string;
  resourceServerStatus?: string;
}

const status = (enabled: boolean): "enabled" | "disabled" => (enabled ? "enabled" : "disabled");

export class EiamState {
  private instanceIdValue: string;
  private instanceCreatedMs: number;
  private apps = new Map<string, ApplicationRecord>();
  private secrets: ClientSecretRecord[] = [];
  private keys: PublicKeyRecord[] = [];
  private scopes: ScopeRecord[] = [];
  private grants: GrantRecord[] = [];
  /** Called with an application id before the application goes (federated credentials). */
  private readonly deleteHooks: Array<(applicationId: string) => void> = [];

  constructor(private readonly opts: EiamStateOptions) {
    const id = opts.instanceId ?? opts.defaultInstanceId;
    if (!EIAM.instanceId.pattern.test(id)) {
      throw new Error(
        `eiam.instanceId must be idaas_ followed by 26 lower-case letters or digits, got ${id}`,
      );
    }
    this.instanceIdValue = id;
    this.instanceCreatedMs = opts.now();
  }

  get now(): () => number {
    return this.opts.now;
  }

  get instanceId(): string {
    return this.instanceIdValue;
  }

  get instanceCreateTime(): number {
    return this.instanceCreatedMs;
  }

  /** Every RPC names the instance; another id is an unknown instance. */
  checkInstance(instanceId: string): void {
    if (instanceId !== this.instanceIdValue) throw E.entityNotExists("Instance", instanceId);
  }

  onApplicationDeleted(hook: (applicationId: string) => void): void {
    this.deleteHooks.push(hook);
  }

  // ---- Applications ----------------------------------------------------------------------------

  createApplication(input: CreateApplicationInput): ApplicationRecord {
    this.checkApplicationName(input.name);
    if (!(EIAM.applicationSourceTypes as readonly string[]).includes(input.sourceType)) {
      throw E.invalidParameter(
        "ApplicationSourceType",
        `expected one of ${EIAM.applicationSourceTypes.join(", ")}`,
      );
    }
    if (!(EIAM.ssoTypes as readonly string[]).includes(input.ssoType)) {
      throw E.invalidParameter("SsoType", `expected one of ${EIAM.ssoTypes.join(", ")}`);
    }
    const fromTemplate = input.sourceType === "urn:alibaba:idaas:app:source:template";
    if (fromTemplate && !input.templateId) throw E.missingParameter("ApplicationTemplateId");
    if (!fromTemplate && input.templateId) {
      throw E.invalidParameter("ApplicationTemplateId", "it is only for ApplicationSourceType ...:template");
    }
    if (input.identityType !== undefined && !["application", "agent"].includes(input.identityType)) {
      throw E.invalidParameter("ApplicationIdentityType", "expected application or agent");
    }
    this.checkDescription("Description", input.description);
    let applicationId = newEiamId("app");
    while (this.apps.has(applicationId)) applicationId = newEiamId("app");
    const now = this.opts.now();
    const app: ApplicationRecord = {
      applicationId,
      clientId: applicationId,
      name: input.name,
      sourceType: input.sourceType,
      ssoType: input.ssoType,
      ...(input.templateId ? { templateId: input.templateId } : {}),
      identityType: input.identityType ?? "application",
      description: input.description ?? "",
      logoUrl: input.logoUrl ?? "",
      m2mClientEnabled: false,
      resourceServerEnabled: false,
      createdMs: now,
      updatedMs: now,
    };
    this.apps.set(applicationId, app);
    return structuredClone(app);
  }

  getApplication(applicationId: string): ApplicationRecord {
    return structuredClone(this.mustGetApp(applicationId));
  }

  /** The application of a token endpoint `client_id`, if any. */
  findByClientId(clientId: string): ApplicationRecord | undefined {
    for (const a of this.apps.values()) if (a.clientId === clientId) return structuredClone(a);
    return undefined;
  }

  /** The application whose enabled-or-not resource server has this identifier. */
  findByResourceServerIdentifier(identifier: string): ApplicationRecord | undefined {
    for (const a of this.apps.values()) {
      if (a.resourceServerIdentifier === identifier) return structuredClone(a);
    }
    return undefined;
  }

  /** In creation order. */
  listApplications(filter: ApplicationFilter): ApplicationRecord[] {
    return (
      [...this.apps.values()]
        .filter((a) => filter.name === undefined || a.name.startsWith(filter.name))
        // Applications are always enabled here.
        .filter(() => filter.status === undefined || filter.status === "enabled")
        .filter((a) => filter.ssoTypes === undefined || filter.ssoTypes.includes(this.ssoType(a)))
        .filter((a) => filter.applicationIds === undefined || filter.applicationIds.includes(a.applicationId))
        .filter(
          (a) =>
            filter.m2mClientStatus === undefined || status(a.m2mClientEnabled) === filter.m2mClientStatus,
        )
        .filter(
          (a) =>
            filter.resourceServerStatus === undefined ||
            status(a.resourceServerEnabled) === filter.resourceServerStatus,
        )
        .map((a) => structuredClone(a))
    );
  }

  /** Drops the application with its secrets, keys, scopes, grants to and from it, and credentials. */
  deleteApplication(applicationId: string): void {
    this.mustGetApp(applicationId);
    for (const hook of this.deleteHooks) hook(applicationId);
    const ownScopes = new Set(
      this.scopes.filter((s) => s.applicationId === applicationId).map((s) => s.scopeId),
    );
    this.grants = this.grants.filter(
      (g) => g.clientApplicationId !== applicationId && !ownScopes.has(g.scopeId),
    );
    this.scopes = this.scopes.filter((s) => s.applicationId !== applicationId);
    this.secrets = this.secrets.filter((s) => s.applicationId !== applicationId);
    this.keys = this.keys.filter((k) => k.applicationId !== applicationId);
    this.apps.delete(applicationId);
  }

  /** UpdateApplicationInfo: the fields sent replace the stored ones. */
  updateApplicationInfo(applicationId: string, input: { name?: string; logoUrl?: string }): void {
    const app = this.mustGetApp(applicationId);
    if (input.name !== undefined) this.checkApplicationName(input.name);
    if (input.name !== undefined) app.name = input.name;
    if (input.logoUrl !== undefined) app.logoUrl = input.logoUrl;
    this.touch(app);
  }

  /** UpdateApplicationDescription: omitted or "" clears it. */
  updateApplicationDescription(applicationId: string, description: string): void {
    const app = this.mustGetApp(applicationId);
    this.checkDescription("Description", description);
    this.touch(app).description = description;
  }

  /** The answered SsoType (see the guesses above). */
  ssoType(a: ApplicationRecord): string {
    return a.m2mClientEnabled && a.ssoType === "oidc" ? "oidc+oauth2/m2m" : a.ssoType;
  }

  features(a: ApplicationRecord): string {
    const f: string[] = [];
    if (a.m2mClientEnabled) f.push("m2m_client");
    if (a.resourceServerEnabled) f.push("resource_server");
    return JSON.stringify(f);
  }

  setM2MClient(applicationId: string, enabled: boolean): void {
    const app = this.mustGetApp(applicationId);
    if (app.m2mClientEnabled !== enabled) this.touch(app).m2mClientEnabled = enabled;
  }

  setResourceServer(applicationId: string, enabled: boolean): void {
    const app = this.mustGetApp(applicationId);
    if (app.resourceServerEnabled !== enabled) this.touch(app).resourceServerEnabled = enabled;
  }

  setResourceServerIdentifier(applicationId: string, identifier: string): void {
    const app = this.mustGetApp(applicationId);
    const { maxLength, pattern } = EIAM.resourceServerIdentifier;
    if (identifier.length > maxLength) {
      throw E.invalidParameter(
        "ResourceServerIdentifier",
        `it is ${identifier.length} characters long, more than ${maxLength}`,
      );
    }
    if (!pattern.test(identifier)) {
      throw E.invalidParameter("ResourceServerIdentifier", "it must not contain whitespace or '|'");
    }
    const owner = this.findByResourceServerIdentifier(identifier);
    if (owner && owner.applicationId !== applicationId) {
      throw E.entityAlreadyExists("ResourceServerIdentifier", identifier, "in this instance");
    }
    if (app.resourceServerIdentifier !== identifier) this.touch(app).resourceServerIdentifier = identifier;
  }

  // ---- Resource server scopes ----------------------------------------------------------------

  createScope(
    applicationId: string,
    input: { name: string; value: string; type: string; authorizationType: string | undefined },
  ): ScopeRecord {
    this.mustGetApp(applicationId);
    this.checkScopeName("ResourceServerScopeName", input.name);
    const { maxLength, pattern, reserved } = EIAM.scopeValue;
    if (input.value.length > maxLength) {
      throw E.invalidParameter(
        "ResourceServerScopeValue",
        `it is ${input.value.length} characters long, more than ${maxLength}`,
      );
    }
    if (!pattern.test(input.value)) {
      throw E.invalidParameter("ResourceServerScopeValue", "use letters, digits, ':', '.', '_', '/' and '-'");
    }
    if ((reserved as readonly string[]).includes(input.value)) {
      throw E.invalidParameter(
        "ResourceServerScopeValue",
        `${input.value} is reserved (every granted scope)`,
      );
    }
    const own = this.scopes.filter((s) => s.applicationId === applicationId);
    if (own.some((s) => s.value === input.value)) {
      throw E.entityAlreadyExists("ResourceServerScope", input.value, `in the application ${applicationId}`);
    }
    const max = EIAM.maxScopesPerResourceServer;
    if (own.length >= max) throw E.quotaExceeded("ResourceServerScope", max);
    let scopeId = newEiamId("ress");
    while (this.scopes.some((s) => s.scopeId === scopeId)) scopeId = newEiamId("ress");
    const record: ScopeRecord = {
      scopeId,
      applicationId,
      name: input.name,
      value: input.value,
      type: input.type,
      ...(input.authorizationType ? { authorizationType: input.authorizationType } : {}),
      createdMs: this.opts.now(),
    };
    this.scopes.push(record);
    return { ...record };
  }

  getScope(applicationId: string, scopeId: string): ScopeRecord {
    return { ...this.mustGetScope(applicationId, scopeId) };
  }

  /** An application's scopes, in creation order. */
  listScopes(applicationId: string): ScopeRecord[] {
    this.mustGetApp(applicationId);
    return this.scopes.filter((s) => s.applicationId === applicationId).map((s) => ({ ...s }));
  }

  updateScopeName(applicationId: string, scopeId: string, name: string): void {
    const scope = this.mustGetScope(applicationId, scopeId);
    this.checkScopeName("ResourceServerScopeName", name);
    scope.name = name;
  }

  /** Also drops its grants. */
  deleteScope(applicationId: string, scopeId: string): void {
    this.mustGetScope(applicationId, scopeId);
    this.scopes = this.scopes.filter((s) => s.scopeId !== scopeId);
    this.grants = this.grants.filter((g) => g.scopeId !== scopeId);
  }

  // ---- Grants ----------------------------------------------------------------------------------

  /** `scopeIds` undefined: every scope the resource server has now. */
  authorize(clientApplicationId: string, resourceServerApplicationId: string, scopeIds?: string[]): void {
    const client = this.mustGetApp(clientApplicationId);
    const rs = this.mustGetApp(resourceServerApplicationId);
    const scopes = this.grantableScopes(rs.applicationId, scopeIds);
    if (!client.m2mClientEnabled) {
      throw E.operationConflict(
        "ApplicationM2MClient",
        `The M2M client of the application ${clientApplicationId} is disabled; enable it (EnableApplicationM2MClient) before granting it scopes.`,
      );
    }
    if (!rs.resourceServerEnabled || rs.resourceServerIdentifier === undefined) {
      throw E.operationConflict(
        "ApplicationResourceServer",
        `The application ${resourceServerApplicationId} has no enabled resource server with an identifier (EnableApplicationResourceServer, SetApplicationResourceServerIdentifier).`,
      );
    }
    const now = this.opts.now();
    for (const s of scopes) {
      if (
        !this.grants.some((g) => g.clientApplicationId === clientApplicationId && g.scopeId === s.scopeId)
      ) {
        this.grants.push({ clientApplicationId, scopeId: s.scopeId, createdMs: now });
      }
    }
  }

  /** `scopeIds` undefined: every scope of the resource server. Revoking what is not granted is a no-op. */
  revoke(clientApplicationId: string, resourceServerApplicationId: string, scopeIds?: string[]): void {
    this.mustGetApp(clientApplicationId);
    this.mustGetApp(resourceServerApplicationId);
    const ids = new Set(this.grantableScopes(resourceServerApplicationId, scopeIds).map((s) => s.scopeId));
    this.grants = this.grants.filter(
      (g) => !(g.clientApplicationId === clientApplicationId && ids.has(g.scopeId)),
    );
  }

  /** The scopes of a resource server granted to a client, in the scopes' creation order. */
  grantedScopes(clientApplicationId: string, resourceServerApplicationId: string): ScopeRecord[] {
    const granted = new Set(
      this.grants.filter((g) => g.clientApplicationId === clientApplicationId).map((g) => g.scopeId),
    );
    return this.scopes
      .filter((s) => s.applicationId === resourceServerApplicationId && granted.has(s.scopeId))
      .map((s) => ({ ...s }));
  }

  // ---- Client secrets ------------------------------------------------------------------------

  createSecret(applicationId: string, expirationMs: number | undefined): ClientSecretRecord {
    this.mustGetApp(applicationId);
    const max = EIAM.maxClientSecretsPerApplication;
    if (this.secrets.filter((s) => s.applicationId === applicationId).length >= max) {
      throw E.quotaExceeded("ApplicationClientSecret", max);
    }
    const now = this.opts.now();
    if (expirationMs !== undefined) {
      const { minAheadMs, maxAheadMs } = EIAM.clientSecretExpiration;
      if (expirationMs < now + minAheadMs || expirationMs > now + maxAheadMs) {
        throw E.invalidParameter(
          "ExpirationTime",
          "it must be at least 1 day and at most 3 years from now (epoch milliseconds)",
        );
      }
    }
    let secretId = newEiamId("scrt");
    while (this.secrets.some((s) => s.secretId === secretId)) secretId = newEiamId("scrt");
    const record: ClientSecretRecord = {
      secretId,
      applicationId,
      // The documented example's form, `CS` + letters and digits (CSEHDcHcrUKHw1CuxkJEHPveWRXBGqVqRsxxxx,
      // CreateApplicationClientSecret); 36 random characters make a 38-byte (304-bit) HS256 key.
      value: `CS${randomAlphanumeric(36)}`,
      enabled: true,
      ...(expirationMs === undefined ? {} : { expirationMs }),
      createdMs: now,
    };
    this.secrets.push(record);
    return { ...record };
  }

  getSecret(applicationId: string, secretId: string): ClientSecretRecord {
    return { ...this.mustGetSecret(applicationId, secretId) };
  }

  listSecrets(applicationId: string): ClientSecretRecord[] {
    this.mustGetApp(applicationId);
    return this.secrets.filter((s) => s.applicationId === applicationId).map((s) => ({ ...s }));
  }

  setSecretEnabled(applicationId: string, secretId: string, enabled: boolean): void {
    this.mustGetSecret(applicationId, secretId).enabled = enabled;
  }

  deleteSecret(applicationId: string, secretId: string): void {
    this.mustGetSecret(applicationId, secretId);
    this.secrets = this.secrets.filter((s) => s.secretId !== secretId);
  }

  /** The enabled, unexpired secrets of an application (the token endpoint's candidates). */
  liveSecrets(applicationId: string): ClientSecretRecord[] {
    const now = this.opts.now();
    return this.secrets
      .filter((s) => s.applicationId === applicationId && s.enabled)
      .filter((s) => s.expirationMs === undefined || s.expirationMs > now)
      .map((s) => ({ ...s }));
  }

  markSecretUsed(secretId: string): void {
    const s = this.secrets.find((x) => x.secretId === secretId);
    if (s) s.lastUsedMs = this.opts.now();
  }

  // ---- Client public keys --------------------------------------------------------------------

  createPublicKey(
    applicationId: string,
    input: { algorithmType: string; pem: string; clientToken: string | undefined },
  ): PublicKeyRecord {
    this.mustGetApp(applicationId);
    if (input.clientToken) {
      const earlier = this.keys.find(
        (k) => k.applicationId === applicationId && k.clientToken === input.clientToken,
      );
      if (earlier) return { ...earlier };
    }
    // `RSA-2048` is the one value the CreateClientPublicKey page documents; `EC` is a guess.
    if (input.algorithmType !== "RSA-2048" && input.algorithmType !== "EC") {
      throw E.invalidParameter("AlgorithmType", "expected RSA-2048 or EC");
    }
    const pem = input.pem.trim();
    if (!pem.startsWith("-----BEGIN PUBLIC KEY-----") || !pem.endsWith("-----END PUBLIC KEY-----")) {
      throw E.invalidParameter(
        "PublicKey",
        "expected an SPKI PEM (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)",
      );
    }
    let key: ReturnType<typeof createPublicKey>;
    try {
      key = createPublicKey(pem);
    } catch {
      throw E.invalidParameter("PublicKey", "the PEM does not hold a public key");
    }
    const details = key.asymmetricKeyDetails ?? {};
    if (input.algorithmType === "RSA-2048") {
      if (key.asymmetricKeyType !== "rsa")
        throw E.invalidParameter("PublicKey", "AlgorithmType is RSA-2048 but the key is not an RSA key");
      if ((details.modulusLength ?? 0) < 2048)
        throw E.invalidParameter("PublicKey", "an RSA key must have at least 2048 bits");
    } else {
      if (key.asymmetricKeyType !== "ec")
        throw E.invalidParameter("PublicKey", "AlgorithmType is EC but the key is not an EC key");
      if (!["prime256v1", "secp384r1", "secp521r1"].includes(details.namedCurve ?? "")) {
        throw E.invalidParameter("PublicKey", "an EC key must be on P-256, P-384 or P-521");
      }
    }
    const spki = key.export({ type: "spki", format: "der" });
    const own = this.keys.filter((k) => k.applicationId === applicationId);
    if (own.some((k) => createPublicKey(k.pem).export({ type: "spki", format: "der" }).equals(spki))) {
      throw E.entityAlreadyExists(
        "ClientPublicKey",
        "this public key",
        `in the application ${applicationId}`,
      );
    }
    const max = EIAM.maxClientPublicKeysPerApplication;
    if (own.length >= max) throw E.quotaExceeded("ClientPublicKey", max);
    let publicKeyId = newEiamId("cpk");
    while (this.keys.some((k) => k.publicKeyId === publicKeyId)) publicKeyId = newEiamId("cpk");
    const record: PublicKeyRecord = {
      publicKeyId,
      applicationId,
      algorithmType: input.algorithmType,
      pem: `${pem}\n`,
      enabled: true,
      primary: own.length === 0,
      ...(input.clientToken ? { clientToken: input.clientToken } : {}),
      createdMs: this.opts.now(),
    };
    this.keys.push(record);
    return { ...record };
  }

  getPublicKey(applicationId: string, publicKeyId: string): PublicKeyRecord {
    return { ...this.mustGetKey(applicationId, publicKeyId) };
  }

  listPublicKeys(applicationId: string): PublicKeyRecord[] {
    this.mustGetApp(applicationId);
    return this.keys.filter((k) => k.applicationId === applicationId).map((k) => ({ ...k }));
  }

  setPublicKeyEnabled(applicationId: string, publicKeyId: string, enabled: boolean): void {
    this.mustGetKey(applicationId, publicKeyId).enabled = enabled;
  }

  setPrimaryPublicKey(applicationId: string, publicKeyId: string): void {
    this.mustGetKey(applicationId, publicKeyId);
    for (const k of this.keys)
      if (k.applicationId === applicationId) k.primary = k.publicKeyId === publicKeyId;
  }

  deletePublicKey(applicationId: string, publicKeyId: string): void {
    this.mustGetKey(applicationId, publicKeyId);
    this.keys = this.keys.filter((k) => k.publicKeyId !== publicKeyId);
  }

  /** Enabled keys, the primary first (the token endpoint's candidates). */
  livePublicKeys(applicationId: string): PublicKeyRecord[] {
    return this.keys
      .filter((k) => k.applicationId === applicationId && k.enabled)
      .sort((a, b) => Number(b.primary) - Number(a.primary))
      .map((k) => ({ ...k }));
  }

  markPublicKeyUsed(publicKeyId: string): void {
    const k = this.keys.find((x) => x.publicKeyId === publicKeyId);
    if (k) k.lastUsedMs = this.opts.now();
  }

  // ---- Snapshot --------------------------------------------------------------------------------

  snapshot(): CoreSnapshot {
    return {
      instanceId: this.instanceIdValue,
      instanceCreatedMs: this.instanceCreatedMs,
      applications: [...this.apps.values()].map((a) => structuredClone(a)),
      clientSecrets: this.secrets.map((s) => ({ ...s })),
      publicKeys: this.keys.map((k) => ({ ...k })),
      scopes: this.scopes.map((s) => ({ ...s })),
      grants: this.grants.map((g) => ({ ...g })),
    };
  }

  /**
   * Loads a snapshot. A state file of another instance is refused when an instance id was
   * configured; without one, the emulator adopts the file's instance (like the account id).
   */
  restore(snapshot: unknown): void {
    const s = coreSnapshot.parse(snapshot);
    if (this.opts.instanceId !== undefined && s.instanceId !== this.opts.instanceId) {
      throw new Error(`the state file belongs to EIAM instance ${s.instanceId}, not ${this.opts.instanceId}`);
    }
    if (!EIAM.instanceId.pattern.test(s.instanceId)) throw new Error(`bad EIAM instance id ${s.instanceId}`);
    this.instanceIdValue = s.instanceId;
    this.instanceCreatedMs = s.instanceCreatedMs;
    this.apps = new Map(s.applications.map((a) => [a.applicationId, a]));
    this.secrets = s.clientSecrets;
    this.keys = s.publicKeys;
    this.scopes = s.scopes;
    this.grants = s.grants;
  }

  /** Empties the instance (it keeps its id and creation time). */
  reset(): void {
    this.apps.clear();
    this.secrets = [];
    this.keys = [];
    this.scopes = [];
    this.grants = [];
  }

  // ---- Rules -----------------------------------------------------------------------------------

  mustGetApp(applicationId: string): ApplicationRecord {
    const app = this.apps.get(applicationId);
    if (!app) throw E.entityNotExists("Application", applicationId);
    return app;
  }

  checkDescription(param: string, value: string | undefined): void {
    const max = EIAM.description.maxLength;
    if (value !== undefined && value.length > max) {
      throw E.invalidParameter(param, `it is ${value.length} characters long, more than ${max}`);
    }
  }

  private checkApplicationName(name: string): void {
    const max = EIAM.applicationName.maxLength;
    if (name === "") throw E.missingParameter("ApplicationName");
    if (name.length > max) {
      throw E.invalidParameter("ApplicationName", `it is ${name.length} characters long, more than ${max}`);
    }
  }

  private touch(app: ApplicationRecord): ApplicationRecord {
    app.updatedMs = Math.max(this.opts.now(), app.updatedMs);
    return app;
  }

  private checkScopeName(param: string, name: string): void {
    const max = EIAM.scopeName.maxLength;
    if (name.length > max)
      throw E.invalidParameter(param, `it is ${name.length} characters long, more than ${max}`);
  }

  private mustGetScope(applicationId: string, scopeId: string): ScopeRecord {
    this.mustGetApp(applicationId);
    const s = this.scopes.find((x) => x.scopeId === scopeId && x.applicationId === applicationId);
    if (!s) throw E.entityNotExists("ResourceServerScope", scopeId);
    return s;
  }

  /** The named scopes of a resource server (each must be its own), or all of them. */
  private grantableScopes(
    resourceServerApplicationId: string,
    scopeIds: string[] | undefined,
  ): ScopeRecord[] {
    const own = this.scopes.filter((s) => s.applicationId === resourceServerApplicationId);
    if (scopeIds === undefined) return own;
    return [...new Set(scopeIds)].map((id) => {
      const s = own.find((x) => x.scopeId === id);
      if (!s)
        throw E.entityNotExists(
          "ResourceServerScope",
          `${id} (of the application ${resourceServerApplicationId})`,
        );
      return s;
    });
  }

  private mustGetSecret(applicationId: string, secretId: string): ClientSecretRecord {
    this.mustGetApp(applicationId);
    const s = this.secrets.find((x) => x.secretId === secretId && x.applicationId === applicationId);
    if (!s) throw E.entityNotExists("ClientSecret", secretId);
    return s;
  }

  private mustGetKey(applicationId: string, publicKeyId: string): PublicKeyRecord {
    this.mustGetApp(applicationId);
    const k = this.keys.find((x) => x.publicKeyId === publicKeyId && x.applicationId === applicationId);
    if (!k) throw E.entityNotExists("ClientPublicKey", publicKeyId);
    return k;
  }
}
