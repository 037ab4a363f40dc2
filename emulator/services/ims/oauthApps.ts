/**
 * IMS state: OAuth applications owned by the account (CreateApplication & co., docs/alibaba-api.md
 * §4), their secrets, and the admin consent of internal ServerApps (ProvisionApplication), with
 * every rule the service enforces. The OAuth service's `client_credentials` grant reads it
 * (`authenticateClient`), and SCIM tokens stay valid only while their app, its provisioning and
 * the secret they were issued with exist.
 *
 * Secrets: the value is returned once, by CreateAppSecret; only its SHA-256 is kept (state file
 * included), so GetAppSecret answers an empty `AppSecretValue` (the console shows a secret only at
 * creation, §4.2; the SDK model still has the field).
 *
 * Guesses (public docs are silent): every error code but `EntityNotExist.Application`; AppName
 * unique per account, case-insensitively; `RequiredScopes` not in `PredefinedScopes` are dropped
 * (§4.1: "ignored"); scopes must be among ListPredefinedScopes(AppType); `openid` is not forced
 * into a ServerApp's scopes (ServerApps have no user); `SecretRequired` sent false for a WebApp or
 * ServerApp is silently forced to true (the doc says "forced"); ProtocolVersion is echoed, default
 * "2.0"; at most `OAUTH_APP.maxSecretsPerApp` secrets; provisioning twice is a 409.
 */
import { createHash, randomInt, randomUUID } from "node:crypto";
import { z } from "zod";
import { IMS_APP, OAUTH_APP } from "../../limits";
import { randomAlphanumeric } from "../../util";
import * as E from "./errors";

export type AppType = (typeof OAUTH_APP.appTypes)[number];

const scopeRecord = z.object({ name: z.string(), required: z.boolean() });

export const oauthAppRecord = z.object({
  appId: z.string(),
  appName: z.string(),
  displayName: z.string(),
  appType: z.enum(OAUTH_APP.appTypes),
  redirectUris: z.array(z.string()),
  secretRequired: z.boolean(),
  accessTokenValidity: z.number().int(),
  refreshTokenValidity: z.number().int(),
  scopes: z.array(scopeRecord),
  isMultiTenant: z.boolean(),
  protocolVersion: z.string(),
  createdMs: z.number(),
  updatedMs: z.number(),
  /** Admin consent (ProvisionApplication): the granted scopes. */
  provision: z
    .object({ scopes: z.array(z.string()), createdMs: z.number(), updatedMs: z.number() })
    .optional(),
});
export type OAuthAppRecord = z.infer<typeof oauthAppRecord>;

export const appSecretRecord = z.object({
  appId: z.string(),
  appSecretId: z.string(),
  /** Hex SHA-256 of the value: the value itself is never stored. */
  valueHash: z.string(),
  createdMs: z.number(),
});
export type AppSecretRecord = z.infer<typeof appSecretRecord>;

/** Part of the IMS snapshot; defaults so state files from before this change load. */
export const oauthAppsSnapshot = z.object({
  oauthApplications: z.array(oauthAppRecord).default([]),
  appSecrets: z.array(appSecretRecord).default([]),
});
export type OAuthAppsSnapshot = z.infer<typeof oauthAppsSnapshot>;

export interface CreateAppInput {
  appName: string;
  displayName: string;
  appType: string;
  redirectUris?: string;
  secretRequired?: boolean;
  accessTokenValidity?: number;
  refreshTokenValidity?: number;
  predefinedScopes?: string;
  requiredScopes?: string;
  isMultiTenant?: boolean;
  protocolVersion?: string;
}

export interface UpdateAppInput {
  displayName?: string;
  redirectUris?: string;
  predefinedScopes?: string;
  requiredScopes?: string;
  secretRequired?: boolean;
  accessTokenValidity?: number;
  refreshTokenValidity?: number;
  isMultiTenant?: boolean;
}

/** Who authenticated at the token endpoint, for the client_credentials grant. */
export type ClientAuthResult =
  | { ok: true; app: OAuthAppRecord; appSecretId: string }
  | { ok: false; reason: "unknown-app" | "bad-secret" };

export interface OAuthAppsOptions {
  accountId: string;
  now: () => number;
}

const DEFAULT_PROTOCOL_VERSION = "2.0";
const ci = (s: string): string => s.toLowerCase();
const sha256hex = (s: string): string => createHash("sha256").update(s).digest("hex");

/** `;`-separated, trimmed, empty entries and repeats dropped. */
function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(";")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
}

/** A 19-digit AppId like the real ones (`472457090344041****`), never an official app's id. */
function newAppId(): string {
  return `4${String(randomInt(0, 1e9)).padStart(9, "0")}${String(randomInt(0, 1e9)).padStart(9, "0")}`;
}

export class ImsOAuthApps {
  private apps = new Map<string, OAuthAppRecord>();
  private secrets: AppSecretRecord[] = [];

  constructor(private readonly opts: OAuthAppsOptions) {}

  get accountId(): string {
    return this.opts.accountId;
  }

  appPrincipalName(app: OAuthAppRecord): string {
    return `${app.appName}@app.${this.opts.accountId}.onaliyun.com`;
  }

  /** ListPredefinedScopes: the scopes of one type, or of every type (deduplicated) when omitted. */
  predefinedScopes(appType?: string): Array<{ name: string; description: string }> {
    if (appType !== undefined) return [...OAUTH_APP.predefinedScopes[this.checkAppType(appType)]];
    const seen = new Map<string, { name: string; description: string }>();
    for (const t of OAUTH_APP.appTypes) for (const s of OAUTH_APP.predefinedScopes[t]) seen.set(s.name, s);
    return [...seen.values()];
  }

  scopeDescription(name: string): string {
    return this.predefinedScopes().find((s) => s.name === name)?.description ?? "";
  }

  // ---- Applications --------------------------------------------------------------------------

  create(input: CreateAppInput): OAuthAppRecord {
    const appType = this.checkAppType(input.appType);
    const { maxLength, pattern, rule } = OAUTH_APP.appName;
    if (input.appName.length > maxLength) throw E.invalidLength("AppName", input.appName.length, maxLength);
    if (!pattern.test(input.appName)) throw E.invalidChars("AppName", rule);
    this.checkDisplayName("DisplayName", input.displayName);
    const accessTokenValidity = input.accessTokenValidity ?? OAUTH_APP.accessTokenValidity.default;
    this.checkAccessValidity("AccessTokenValidity", accessTokenValidity);
    const refreshTokenValidity =
      input.refreshTokenValidity ?? OAUTH_APP.refreshTokenValidity.defaults[appType];
    this.checkRefreshValidity("RefreshTokenValidity", refreshTokenValidity);
    const scopes = this.scopes(appType, "PredefinedScopes", input.predefinedScopes, input.requiredScopes);
    for (const a of this.apps.values()) {
      if (ci(a.appName) === ci(input.appName)) throw E.applicationAlreadyExists(input.appName);
    }
    let appId = newAppId();
    const official: readonly string[] = Object.values(IMS_APP.officialCliAppId);
    while (this.apps.has(appId) || official.includes(appId)) appId = newAppId();
    const now = this.opts.now();
    const record: OAuthAppRecord = {
      appId,
      appName: input.appName,
      displayName: input.displayName,
      appType,
      redirectUris: splitList(input.redirectUris),
      // Forced true for WebApp and ServerApp; NativeApp defaults to false (§4.1).
      secretRequired: appType === "NativeApp" ? (input.secretRequired ?? false) : true,
      accessTokenValidity,
      refreshTokenValidity,
      scopes,
      // Defaults to true for NativeApp/ServerApp, false for WebApp (§4.1).
      isMultiTenant: input.isMultiTenant ?? appType !== "WebApp",
      protocolVersion: input.protocolVersion || DEFAULT_PROTOCOL_VERSION,
      createdMs: now,
      updatedMs: now,
    };
    this.apps.set(appId, record);
    return structuredClone(record);
  }

  get(appId: string): OAuthAppRecord {
    return structuredClone(this.mustGet(appId));
  }

  /** Every application, in creation order (ListApplications has no paging). */
  list(): OAuthAppRecord[] {
    return (
      [...this.apps.values()]
        // Stable: applications made in the same millisecond keep the order they were made in
        // (the map's insertion order); a tie broken by the random AppId would reorder them.
        .sort((a, b) => a.createdMs - b.createdMs)
        .map((a) => structuredClone(a))
    );
  }

  /** New* values overwrite (scope lists included, §4.1); AppName and AppType cannot change. */
  update(appId: string, input: UpdateAppInput): OAuthAppRecord {
    const app = this.mustGet(appId);
    if (input.displayName !== undefined) this.checkDisplayName("NewDisplayName", input.displayName);
    if (input.accessTokenValidity !== undefined) {
      this.checkAccessValidity("NewAccessTokenValidity", input.accessTokenValidity);
    }
    if (input.refreshTokenValidity !== undefined) {
      this.checkRefreshValidity("NewRefreshTokenValidity", input.refreshTokenValidity);
    }
    let scopes = app.scopes;
    if (input.predefinedScopes !== undefined || input.requiredScopes !== undefined) {
      scopes = this.scopes(
        app.appType,
        "NewPredefinedScopes",
        input.predefinedScopes ?? app.scopes.map((s) => s.name).join(";"),
        input.requiredScopes ??
          app.scopes
            .filter((s) => s.required)
            .map((s) => s.name)
            .join(";"),
      );
    }
    if (input.displayName !== undefined) app.displayName = input.displayName;
    if (input.redirectUris !== undefined) app.redirectUris = splitList(input.redirectUris);
    if (input.secretRequired !== undefined && app.appType === "NativeApp") {
      app.secretRequired = input.secretRequired;
    }
    if (input.accessTokenValidity !== undefined) app.accessTokenValidity = input.accessTokenValidity;
    if (input.refreshTokenValidity !== undefined) app.refreshTokenValidity = input.refreshTokenValidity;
    if (input.isMultiTenant !== undefined) app.isMultiTenant = input.isMultiTenant;
    app.scopes = scopes;
    app.updatedMs = Math.max(this.opts.now(), app.updatedMs);
    return structuredClone(app);
  }

  /** Also drops its secrets and provisioning; tokens issued to it are refused from then on. */
  delete(appId: string): void {
    this.mustGet(appId);
    this.apps.delete(appId);
    this.secrets = this.secrets.filter((s) => s.appId !== appId);
  }

  // ---- Provisioning (admin consent) ----------------------------------------------------------

  /** Scopes omitted: every predefined scope of the app (guess). */
  provision(appId: string, scopes: string | undefined): OAuthAppRecord {
    const app = this.mustGet(appId);
    if (app.appType !== "ServerApp") throw E.provisionNotSupported(appId, app.appType);
    const known = app.scopes.map((s) => s.name);
    const asked = scopes === undefined ? known : splitList(scopes);
    for (const s of asked) if (!known.includes(s)) throw E.invalidPredefinedScope("Scopes", s, known);
    if (app.provision) throw E.applicationProvisionAlreadyExists(appId);
    const now = this.opts.now();
    app.provision = { scopes: known.filter((k) => asked.includes(k)), createdMs: now, updatedMs: now };
    return structuredClone(app);
  }

  deprovision(appId: string): void {
    const app = this.mustGet(appId);
    if (app.appType !== "ServerApp") throw E.provisionNotSupported(appId, app.appType);
    if (!app.provision) throw E.applicationProvisionNotExist(appId);
    app.provision = undefined;
  }

  provisionInfo(appId: string): OAuthAppRecord & { provision: NonNullable<OAuthAppRecord["provision"]> } {
    const app = this.get(appId);
    const provision = app.provision;
    if (!provision) throw E.applicationProvisionNotExist(appId);
    return { ...app, provision };
  }

  // ---- Secrets -------------------------------------------------------------------------------

  /** Returns the value: the only time it is ever shown. */
  createSecret(appId: string): AppSecretRecord & { value: string } {
    this.mustGet(appId);
    const max = OAUTH_APP.maxSecretsPerApp;
    if (this.secrets.filter((s) => s.appId === appId).length >= max) throw E.appSecretLimitExceeded(max);
    // 64 characters, like the SDK's example value.
    const value = randomAlphanumeric(64);
    const record: AppSecretRecord = {
      appId,
      appSecretId: randomUUID(),
      valueHash: sha256hex(value),
      createdMs: this.opts.now(),
    };
    this.secrets.push(record);
    return { ...record, value };
  }

  getSecret(appId: string, appSecretId: string): AppSecretRecord {
    this.mustGet(appId);
    const s = this.secrets.find((x) => x.appId === appId && x.appSecretId === appSecretId);
    if (!s) throw E.appSecretNotExist(appSecretId);
    return { ...s };
  }

  listSecrets(appId: string): AppSecretRecord[] {
    this.mustGet(appId);
    return this.secrets.filter((s) => s.appId === appId).map((s) => ({ ...s }));
  }

  deleteSecret(appId: string, appSecretId: string): void {
    this.getSecret(appId, appSecretId);
    this.secrets = this.secrets.filter((s) => !(s.appId === appId && s.appSecretId === appSecretId));
  }

  // ---- For the OAuth service -----------------------------------------------------------------

  /** client_id + client_secret against the live secrets (constant work per secret). */
  authenticateClient(clientId: string, clientSecret: string): ClientAuthResult {
    const app = this.apps.get(clientId);
    if (!app) return { ok: false, reason: "unknown-app" };
    const hash = sha256hex(clientSecret);
    const hit = this.secrets.find((s) => s.appId === clientId && s.valueHash === hash);
    if (!hit) return { ok: false, reason: "bad-secret" };
    return { ok: true, app: structuredClone(app), appSecretId: hit.appSecretId };
  }

  /**
   * Whether the app exists, is provisioned and still has this secret: a token's conditions, checked
   * on every SCIM call (a yes or no, so no copy of the app is made per call).
   */
  isLiveProvisioned(appId: string, appSecretId: string): boolean {
    const app = this.apps.get(appId);
    if (!app?.provision) return false;
    return this.secrets.some((s) => s.appId === appId && s.appSecretId === appSecretId);
  }

  // ---- Snapshot ------------------------------------------------------------------------------

  snapshot(): OAuthAppsSnapshot {
    return {
      oauthApplications: [...this.apps.values()].map((a) => structuredClone(a)),
      appSecrets: this.secrets.map((s) => ({ ...s })),
    };
  }

  restore(snapshot: unknown): void {
    const s = oauthAppsSnapshot.parse(snapshot);
    this.apps = new Map(s.oauthApplications.map((a) => [a.appId, a]));
    this.secrets = s.appSecrets;
  }

  reset(): void {
    this.apps.clear();
    this.secrets = [];
  }

  // ---- Rules ---------------------------------------------------------------------------------

  private mustGet(appId: string): OAuthAppRecord {
    const app = this.apps.get(appId);
    if (!app) throw E.applicationNotExist(appId);
    return app;
  }

  private checkAppType(value: string): AppType {
    const t = OAUTH_APP.appTypes.find((x) => x === value);
    if (!t) throw E.invalidAppType(value);
    return t;
  }

  private checkDisplayName(param: string, value: string): void {
    const max = OAUTH_APP.displayName.maxLength;
    if (value.length < 1) throw E.missingParameter(param);
    if (value.length > max) throw E.invalidLength(param, value.length, max);
  }

  private checkAccessValidity(param: string, value: number): void {
    const { min, max } = OAUTH_APP.accessTokenValidity;
    if (!Number.isInteger(value) || value < min || value > max) throw E.invalidRange(param, value, min, max);
  }

  private checkRefreshValidity(param: string, value: number): void {
    const { min, max } = OAUTH_APP.refreshTokenValidity;
    if (!Number.isInteger(value) || value < min || value > max) throw E.invalidRange(param, value, min, max);
  }

  /** Predefined scopes must be offered to the type; required ones not predefined are dropped. */
  private scopes(
    appType: AppType,
    param: string,
    predefined: string | undefined,
    required: string | undefined,
  ): OAuthAppRecord["scopes"] {
    const offered: string[] = OAUTH_APP.predefinedScopes[appType].map((s) => s.name);
    const names = splitList(predefined);
    for (const n of names) if (!offered.includes(n)) throw E.invalidPredefinedScope(param, n, offered);
    const req = splitList(required);
    return names.map((name) => ({ name, required: req.includes(name) }));
  }
}
