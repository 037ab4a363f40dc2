/**
 * OAuth state and rules: the Alibaba Cloud CLI's OAuth login (docs/alibaba-api.md §3.2) against the
 * official applications of the IMS state.
 *
 *   GET  /oauth2/v1/auth   authorization code + PKCE S256, to a loopback redirect
 *   POST /v1/token         grant types from a registry: authorization_code, refresh_token (and,
 *                          later, client_credentials for SCIM apps via `registerGrant`)
 *   POST /v1/exchange      bearer access token → STS credentials from the shared credential store
 *
 * The emulated browser sign-in: the real authorize page asks who signs in; the emulator reads it
 * from the emulator-only parameter `login_hint`: `root` (the account root), `role:<RoleName>`, or
 * a user principal name `<UserName>@<account-id>.onaliyun.com`.
 *
 * Secrets: codes live in memory only (single use, short-lived). Access and refresh tokens are kept
 * by SHA-256 hash only, so neither the state file nor the state dump ever holds one, and a
 * restarted emulator still honours them.
 *
 * Guesses (public docs are silent): lifetimes (code 300 s; access token 3600 s and refresh token
 * 90 days, the NativeApp defaults of IMS_APP; STS credentials 3600 s); refresh tokens rotate (the
 * old one is refused after use); a code is burnt by any redemption attempt, and presenting a used
 * code revokes the tokens issued from it (RFC 6749 §4.1.2); losing access (assignment deleted,
 * principal deleted, application deprovisioned) invalidates codes and tokens at their next use.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { CredentialStore } from "../../auth/credentials";
import { IMS_APP } from "../../limits";
import type { ImsApplications, SignInPrincipal } from "../ims/applications";
import type { RamState } from "../ram/state";
import * as E from "./errors";

export interface OAuthDependencies {
  accountId: string;
  applications: ImsApplications;
  ram: RamState;
  credentials: CredentialStore;
  now: () => number;
}

/** Lifetimes, in seconds. */
export const OAUTH_LIFETIMES = {
  code: 300,
  accessToken: IMS_APP.accessTokenValidity.default,
  refreshToken: IMS_APP.refreshTokenValidity.nativeAppDefault,
  stsCredentials: 3600,
} as const;

/** The scope the exchange needs (§3.1). */
export const STS_SCOPE = "/internal/ram/usersts";

/** The CLI's redirect: `http://127.0.0.1:<port>/cli/callback` (§3.2; it tries ports 12345-12349). */
const LOOPBACK_REDIRECT = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/cli\/callback$/;
/** RFC 7636 §4.1: 43-128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** base64url(SHA-256(verifier)) without padding: 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const principalSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("root") }),
  z.object({ type: z.literal("user"), userName: z.string() }),
  z.object({ type: z.literal("role"), roleName: z.string() }),
]);

const tokenRecord = z.object({
  /** Hex SHA-256 of the token: the token itself is never stored. */
  hash: z.string(),
  kind: z.enum(["access", "refresh"]),
  clientId: z.string(),
  principal: principalSchema,
  expiresAtMs: z.number(),
  /** Tokens from one code (and their refreshes) share a family, revoked together on code reuse. */
  family: z.string(),
});
type TokenRecord = z.infer<typeof tokenRecord>;

export const oauthSnapshot = z.object({ tokens: z.array(tokenRecord).default([]) });
export type OAuthSnapshot = z.infer<typeof oauthSnapshot>;

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  challenge: string;
  principal: SignInPrincipal;
  expiresAtMs: number;
  used: boolean;
  family: string;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  /** A number for the CLI's grants; a string for client_credentials (the SCIM doc example, §5.1). */
  expires_in: number | string;
  token_type: "Bearer";
  [extra: string]: unknown;
}

/** A `/v1/token` grant type. `params` are the query and form parameters. */
export type GrantHandler = (
  params: Readonly<Record<string, string>>,
  headers: ReadonlyMap<string, string[]>,
) => TokenResponse;

/** What authorize answers: a redirect to the client (success or a redirectable error). */
export interface AuthorizeRedirect {
  location: string;
}

const sha256hex = (s: string): string => createHash("sha256").update(s).digest("hex");
const randomToken = (): string => randomBytes(32).toString("base64url");

export class OAuthState {
  private readonly codes = new Map<string, CodeRecord>();
  private tokens = new Map<string, TokenRecord>();
  private readonly grants = new Map<string, GrantHandler>();

  constructor(private readonly deps: OAuthDependencies) {
    this.registerGrant("authorization_code", (p) => this.authorizationCodeGrant(p));
    this.registerGrant("refresh_token", (p) => this.refreshTokenGrant(p));
  }

  /** Adds a `/v1/token` grant type (e.g. `client_credentials` for SCIM server apps). */
  registerGrant(grantType: string, handler: GrantHandler): void {
    if (this.grants.has(grantType)) throw new Error(`grant type ${grantType} is already registered`);
    this.grants.set(grantType, handler);
  }

  // ---- GET /oauth2/v1/auth -------------------------------------------------------------------

  authorize(params: Readonly<Record<string, string>>): AuthorizeRedirect {
    const clientId = params.client_id ?? "";
    if (clientId === "") throw E.invalidClient("client_id is required.");
    if (!this.deps.applications.isOfficial(clientId)) {
      throw E.invalidClient(`client_id ${clientId} is no official application of this site.`);
    }
    if (!this.deps.applications.isProvisioned(clientId)) {
      throw E.invalidClient(
        `The application ${clientId} is not provisioned in this account; an administrator must provision it first.`,
      );
    }
    const redirectUri = params.redirect_uri ?? "";
    const port = LOOPBACK_REDIRECT.exec(redirectUri)?.[1];
    if (port === undefined || Number(port) < 1 || Number(port) > 65535) {
      throw E.invalidRequest(
        `redirect_uri must be the CLI's loopback callback http://127.0.0.1:<port>/cli/callback; got ${JSON.stringify(redirectUri)}.`,
      );
    }
    // From here on, errors go back to the client through the redirect (RFC 6749 §4.1.2.1).
    const state = params.state;
    const back = (query: Record<string, string>): AuthorizeRedirect => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      if (state !== undefined) url.searchParams.set("state", state);
      return { location: url.toString() };
    };
    const fail = (error: string, description: string) => back({ error, error_description: description });

    if (params.response_type !== "code") {
      return fail("unsupported_response_type", "response_type must be code.");
    }
    if (params.code_challenge_method !== "S256") {
      return fail("invalid_request", "PKCE is required with code_challenge_method=S256.");
    }
    const challenge = params.code_challenge ?? "";
    if (!S256_CHALLENGE.test(challenge)) {
      return fail(
        "invalid_request",
        "code_challenge must be base64url(SHA-256(code_verifier)), 43 characters.",
      );
    }
    const hint = params.login_hint;
    if (hint === undefined || hint === "") {
      return fail(
        "login_required",
        "The emulator signs in the principal named by login_hint: root, role:<RoleName> or <UserName>@<account-id>.onaliyun.com.",
      );
    }
    const principal = this.signIn(hint);
    if (typeof principal === "string") return fail("access_denied", principal);
    if (!this.deps.applications.hasAccess(clientId, principal)) {
      return fail(
        "access_denied",
        `${describe(principal)} is not assigned to the application ${clientId}; an administrator must create an application assignment.`,
      );
    }
    const code = randomToken();
    this.codes.set(code, {
      clientId,
      redirectUri,
      challenge,
      principal,
      expiresAtMs: this.deps.now() + OAUTH_LIFETIMES.code * 1000,
      used: false,
      family: randomToken(),
    });
    return back({ code });
  }

  // ---- POST /v1/token ------------------------------------------------------------------------

  token(params: Readonly<Record<string, string>>, headers: ReadonlyMap<string, string[]>): TokenResponse {
    const grantType = params.grant_type ?? "";
    if (grantType === "") throw E.invalidRequest("grant_type is required.");
    const handler = this.grants.get(grantType);
    if (!handler) throw E.unsupportedGrantType(grantType, [...this.grants.keys()]);
    return handler(params, headers);
  }

  private authorizationCodeGrant(params: Readonly<Record<string, string>>): TokenResponse {
    const {
      code,
      client_id: clientId,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    } = required(params, ["code", "client_id", "redirect_uri", "code_verifier"]);
    this.sweepCodes();
    const record = this.codes.get(code);
    if (!record) throw E.invalidGrant("The authorization code is invalid or has expired.");
    if (record.used) {
      this.revokeFamily(record.family);
      throw E.invalidGrant("The authorization code was already used; the tokens issued from it are revoked.");
    }
    record.used = true;
    if (record.clientId !== clientId)
      throw E.invalidGrant("The authorization code was issued to another client_id.");
    if (record.redirectUri !== redirectUri) {
      throw E.invalidGrant("redirect_uri does not match the one of the authorization request.");
    }
    if (!VERIFIER.test(verifier)) {
      throw E.invalidRequest(
        "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'.",
      );
    }
    if (createHash("sha256").update(verifier).digest("base64url") !== record.challenge) {
      throw E.invalidGrant("code_verifier does not match the code_challenge (S256).");
    }
    this.checkAccess(record.clientId, record.principal, E.invalidGrant);
    return this.issueTokens(record.clientId, record.principal, record.family);
  }

  private refreshTokenGrant(params: Readonly<Record<string, string>>): TokenResponse {
    const { refresh_token: refreshToken, client_id: clientId } = required(params, [
      "refresh_token",
      "client_id",
    ]);
    const record = this.tokens.get(sha256hex(refreshToken));
    if (record?.kind !== "refresh" || record.expiresAtMs <= this.deps.now()) {
      throw E.invalidGrant("The refresh token is invalid or has expired.");
    }
    if (record.clientId !== clientId)
      throw E.invalidGrant("The refresh token was issued to another client_id.");
    this.checkAccess(record.clientId, record.principal, E.invalidGrant);
    this.tokens.delete(record.hash);
    return this.issueTokens(record.clientId, record.principal, record.family);
  }

  // ---- POST /v1/exchange ---------------------------------------------------------------------

  exchange(authorization: string | undefined): {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string;
    expiration: string;
  } {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m?.[1]) throw E.invalidToken("Send the access token as Authorization: Bearer <access_token>.");
    const record = this.tokens.get(sha256hex(m[1]));
    if (record?.kind !== "access") throw E.invalidToken("The access token is invalid.");
    if (record.expiresAtMs <= this.deps.now()) throw E.expiredToken();
    this.checkAccess(record.clientId, record.principal, E.invalidToken);
    const app = this.deps.applications.get(record.clientId);
    if (!app.scopes.includes(STS_SCOPE)) throw E.insufficientScope(STS_SCOPE);
    const p = record.principal;
    // A role's credentials are scoped by its attached policies, as for AssumeRoleWithOIDC. The RAM
    // state has no user policies, so a user's credentials are not scoped (they act like the
    // account's key, labelled with the user's ARN); the root's are the root's.
    return this.deps.credentials.issueSts({
      durationSeconds: OAUTH_LIFETIMES.stsCredentials,
      principal:
        p.type === "root"
          ? `acs:ram::${this.deps.accountId}:root`
          : p.type === "user"
            ? this.deps.ram.userArn(p.userName)
            : this.deps.ram.roleArn(p.roleName),
      scoped: p.type === "role",
    });
  }

  // ---- Snapshot ------------------------------------------------------------------------------

  snapshot(): OAuthSnapshot {
    const now = this.deps.now();
    return {
      tokens: [...this.tokens.values()].filter((t) => t.expiresAtMs > now).map((t) => structuredClone(t)),
    };
  }

  restore(snapshot: unknown): void {
    const s = oauthSnapshot.parse(snapshot);
    this.tokens = new Map(s.tokens.map((t) => [t.hash, t]));
    this.codes.clear();
  }

  reset(): void {
    this.tokens.clear();
    this.codes.clear();
  }

  // ---- Rules ---------------------------------------------------------------------------------

  /** Resolves login_hint to an existing principal, or says why nobody can sign in as it. */
  private signIn(hint: string): SignInPrincipal | string {
    if (hint === "root") return { type: "root" };
    if (hint.startsWith("role:")) {
      const role = this.deps.ram.findRole(hint.slice("role:".length));
      return role
        ? { type: "role", roleName: role.roleName }
        : `No RAM role ${hint.slice(5)} exists in this account.`;
    }
    const at = hint.lastIndexOf("@");
    const domain = `${this.deps.accountId}.onaliyun.com`;
    if (at > 0 && hint.slice(at + 1).toLowerCase() === domain) {
      const user = this.deps.ram.findUser(hint.slice(0, at));
      if (user) return { type: "user", userName: user.userName };
    }
    return `No RAM user ${hint} exists in this account (users sign in as <UserName>@${domain}).`;
  }

  private checkAccess(
    clientId: string,
    principal: SignInPrincipal,
    error: (detail: string) => E.OAuthError,
  ): void {
    if (!this.deps.applications.hasAccess(clientId, principal)) {
      throw error(`${describe(principal)} no longer has access to the application ${clientId}.`);
    }
  }

  private issueTokens(clientId: string, principal: SignInPrincipal, family: string): TokenResponse {
    const now = this.deps.now();
    const access = randomToken();
    const refresh = randomToken();
    const add = (token: string, kind: TokenRecord["kind"], seconds: number): void => {
      const hash = sha256hex(token);
      this.tokens.set(hash, { hash, kind, clientId, principal, expiresAtMs: now + seconds * 1000, family });
    };
    add(access, "access", OAUTH_LIFETIMES.accessToken);
    add(refresh, "refresh", OAUTH_LIFETIMES.refreshToken);
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: OAUTH_LIFETIMES.accessToken,
      token_type: "Bearer",
    };
  }

  private revokeFamily(family: string): void {
    for (const [hash, t] of this.tokens) if (t.family === family) this.tokens.delete(hash);
  }

  private sweepCodes(): void {
    const now = this.deps.now();
    for (const [code, r] of this.codes) if (r.expiresAtMs <= now) this.codes.delete(code);
  }
}

function describe(p: SignInPrincipal): string {
  if (p.type === "root") return "The account root";
  return p.type === "user" ? `The RAM user ${p.userName}` : `The RAM role ${p.roleName}`;
}

/** The named parameters, each non-empty, or invalid_request naming the first missing one. */
function required<K extends string>(
  params: Readonly<Record<string, string>>,
  names: readonly K[],
): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const v = params[name];
    if (v === undefined || v === "") throw E.invalidRequest(`${name} is required.`);
    out[name] = v;
  }
  return out;
}
