/**
 * The EIAM instance's OAuth endpoint (docs/alibaba-api.md §7.3): `POST
 * /api/v2/iauths_system/oauth2/token` with `grant_type=client_credentials`, its discovery
 * document and JWKS. Requests as cloud-idaas-core 0.0.5b0 sends them
 * (`cloud_idaas/core/http/oauth2_token_util.py`, `implementation/authentication/jwt/*.py`):
 *
 * - client_secret_basic: `Authorization: Basic base64(client_id:secret)`, form `client_id`;
 * - client_secret_post: form `client_id` + `client_secret`;
 * - client_secret_jwt / private_key_jwt: `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
 *   `client_assertion` = a JWT with iss = sub = client_id, aud = the token endpoint URL, a jti,
 *   iat, exp = iat + 10 min; HS256 with a client secret, or RS/ES with a client public key;
 * - OIDC federated: `client_assertion_type=urn:cloud:idaas:params:oauth:client-assertion-type:id-token-bearer`,
 *   `application_federated_credential_name`, `client_assertion` = the workload's OIDC token;
 * - PKCS#7 (`…:pkcs7-bearer`) and private CA (`…:x509-jwt-bearer`): refused, not emulated.
 *
 * `scope` is space-separated `<resource server identifier>|<scope value>` items with one
 * identifier (cloud-idaas-core's ScopeUtil enforces the same); `<identifier>|.all` asks for every
 * scope granted to the client on that resource server.
 *
 * Guesses (public docs are silent), each also in the README: the answer
 * `{access_token, token_type:"Bearer", expires_in:3600, expires_at:<epoch seconds>, scope}`
 * (cloud-idaas-core reads expires_in and expires_at as integers; seconds assumed); the access
 * token is an RS256 JWT signed by the instance key (claims iss, sub = client_id, aud =
 * the identifier, scope, client_id, iat, exp, jti); the JWKS path `…/oauth2/jwks`; error names
 * and statuses (errors.ts); an assertion's aud may be `https://<DefaultDomain>/…/token` or the
 * URL the request arrived on; its exp at most 1 h ahead, its jti single-use until it expires;
 * 60 s of clock skew; the M2M client disabled → `unauthorized_client`; ClientPublicKeyId as the
 * `kid` of a private_key_jwt (no kid, or an unknown one: every enabled key is tried, the primary
 * first); Kubernetes' pod name is read from the `kubernetes.io.pod.name` claim.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  timingSafeEqual,
} from "node:crypto";
import { z } from "zod";
import { EIAM } from "../../limits";
import { fetchText } from "../../outbound";
import type { OAuthError } from "../oauth/errors";
import * as E from "./errors";
import { evaluateExpression, parseExpression, resolvePath } from "./expressions";
import type { CredentialRecord, EiamFederation, ProviderRecord } from "./federation";
import {
  ASYMMETRIC_ALGS,
  type DecodedJwt,
  decodeJwt,
  JwtError,
  jwksCandidates,
  signRs256,
  verifyAsymmetric,
  verifyHs256,
} from "./jwt";
import type { ApplicationRecord, EiamState } from "./state";

export const OAUTH_BASE_PATH = "/api/v2/iauths_system/oauth2";
export const TOKEN_PATH = `${OAUTH_BASE_PATH}/token`;
export const DISCOVERY_PATH = `${OAUTH_BASE_PATH}/.well-known/openid-configuration`;
export const JWKS_PATH = `${OAUTH_BASE_PATH}/jwks`;

export const ASSERTION_TYPES = {
  jwtBearer: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  oidc: "urn:cloud:idaas:params:oauth:client-assertion-type:id-token-bearer",
  pkcs7: "urn:cloud:idaas:params:oauth:client-assertion-type:pkcs7-bearer",
  privateCa: "urn:cloud:idaas:params:oauth:client-assertion-type:x509-jwt-bearer",
} as const;

export interface TokenEndpointDependencies {
  state: EiamState;
  federation: EiamFederation;
  now: () => number;
  /** The instance's DefaultDomain, `host:port` (the HTTPS listener's when it runs). */
  domain: () => string;
  /** `host:port` of the HTTPS listener, if it runs (to tell which listener a request reached). */
  httpsEndpoint: () => string | undefined;
  /** Extra PEM roots for fetching a dynamic JwksUri (Node's roots and NODE_EXTRA_CA_CERTS stay). */
  trustedCertificates: string[];
  outboundTimeoutMs: number;
}

export interface IdaasTokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  expires_at: number;
  scope: string;
}

const usedJti = z.object({ key: z.string(), expiresAtMs: z.number() });
export const tokenEndpointSnapshot = z.object({
  /**
   * The instance signing key (PKCS#8 PEM). Persisted, so access tokens minted before a restart
   * still verify against the JWKS (the real instance key does not change with our process).
   */
  signingKeyPem: z.string().optional(),
  /** client_assertion jtis seen, until their assertion expires (replay protection). */
  usedJtis: z.array(usedJti).default([]),
});
export type TokenEndpointSnapshot = z.infer<typeof tokenEndpointSnapshot>;

interface SigningKey {
  privateKey: KeyObject;
  pem: string;
  kid: string;
  jwk: Record<string, unknown>;
}

const sha256 = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();
const nowSeconds = (ms: number): number => Math.floor(ms / 1000);

function signingKeyFrom(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const pub = createPublicKey(privateKey).export({ format: "jwk" }) as { n: string; e: string };
  // RFC 7638 thumbprint: the required members in lexicographic order.
  const kid = createHash("sha256")
    .update(JSON.stringify({ e: pub.e, kty: "RSA", n: pub.n }))
    .digest("base64url");
  return { privateKey, pem, kid, jwk: { kty: "RSA", n: pub.n, e: pub.e, kid, use: "sig", alg: "RS256" } };
}

export class EiamTokenEndpoint {
  private key: SigningKey | undefined;
  private usedJtis = new Map<string, number>();

  constructor(private readonly deps: TokenEndpointDependencies) {}

  /** `https://<DefaultDomain>/api/v2/iauths_system/oauth2`, as the Python SDK's `issuer`. */
  issuer(): string {
    return `https://${this.deps.domain()}${OAUTH_BASE_PATH}`;
  }

  discovery(): Record<string, unknown> {
    const issuer = this.issuer();
    return {
      issuer,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: [
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
      ],
      token_endpoint_auth_signing_alg_values_supported: ["HS256", ...ASYMMETRIC_ALGS.keys()],
    };
  }

  jwks(): Record<string, unknown> {
    return { keys: [{ ...this.signingKey().jwk }] };
  }

  // ---- POST …/token ----------------------------------------------------------------------------

  async token(
    params: Readonly<Record<string, string>>,
    headers: ReadonlyMap<string, string[]>,
  ): Promise<IdaasTokenResponse> {
    const grantType = params.grant_type ?? "";
    if (grantType === "") throw E.invalidRequest("grant_type is required.");
    if (grantType !== "client_credentials") throw E.unsupportedGrantType(grantType);
    const app = await this.authenticate(params, headers);
    if (!app.m2mClientEnabled) {
      throw E.unauthorizedClient(
        `The M2M client of the application ${app.applicationId} is disabled (EnableApplicationM2MClient).`,
      );
    }
    const { identifier, values } = this.grantedScope(app, params.scope ?? "");
    const nowMs = this.deps.now();
    const iat = nowSeconds(nowMs);
    const lifetime = EIAM.token.accessTokenLifetimeSeconds;
    const scope = values.join(" ");
    const accessToken = signRs256(
      {
        iss: this.issuer(),
        sub: app.clientId,
        aud: identifier,
        scope,
        client_id: app.clientId,
        iat,
        exp: iat + lifetime,
        jti: randomUUID(),
      },
      this.signingKey().privateKey,
      this.signingKey().kid,
    );
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: lifetime,
      expires_at: iat + lifetime,
      scope,
    };
  }

  // ---- Client authentication -------------------------------------------------------------------

  private async authenticate(
    params: Readonly<Record<string, string>>,
    headers: ReadonlyMap<string, string[]>,
  ): Promise<ApplicationRecord> {
    const authorization = headers.get("authorization")?.[0];
    const assertionType = params.client_assertion_type;
    const hasAssertion = assertionType !== undefined || params.client_assertion !== undefined;
    const hasSecret = params.client_secret !== undefined;
    if ([authorization !== undefined, hasAssertion, hasSecret].filter(Boolean).length > 1) {
      throw E.invalidRequest("Use exactly one client authentication method (RFC 6749 §2.3).");
    }
    if (authorization !== undefined) return this.basic(authorization, params.client_id);
    if (hasSecret) {
      const app = this.client(required(params, "client_id", E.invalidClient));
      this.checkSecret(app, params.client_secret ?? "");
      return app;
    }
    if (!hasAssertion) {
      throw E.invalidClient(
        "Client authentication is required: client_secret_basic, client_secret_post, a client_assertion, or a federated credential.",
      );
    }
    const assertion = required(params, "client_assertion", E.invalidRequest);
    switch (assertionType) {
      case ASSERTION_TYPES.jwtBearer:
        return this.jwtBearer(assertion, params.client_id, headers);
      case ASSERTION_TYPES.oidc:
        return this.oidcFederated(
          assertion,
          required(params, "client_id", E.invalidRequest),
          required(params, "application_federated_credential_name", E.invalidRequest),
        );
      case ASSERTION_TYPES.pkcs7:
      case ASSERTION_TYPES.privateCa:
        throw E.invalidClient(
          `${assertionType} assertions are not emulated: the emulator stores PKCS#7 and private-CA credentials but cannot verify them.`,
        );
      default:
        throw E.invalidRequest(
          `client_assertion_type must be ${ASSERTION_TYPES.jwtBearer} or ${ASSERTION_TYPES.oidc}; got ${JSON.stringify(assertionType ?? "")}.`,
        );
    }
  }

  private basic(authorization: string, formClientId: string | undefined): ApplicationRecord {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    const decoded = m?.[1] === undefined ? "" : Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw E.invalidClient("Authorization must be Basic base64(client_id:client_secret).");
    const clientId = formDecode(decoded.slice(0, colon));
    if (formClientId !== undefined && formClientId !== "" && formClientId !== clientId) {
      throw E.invalidRequest("client_id does not match the client of the Authorization header.");
    }
    const app = this.client(clientId);
    this.checkSecret(app, formDecode(decoded.slice(colon + 1)));
    return app;
  }

  /** The application of a client_id, or invalid_client. */
  private client(clientId: string): ApplicationRecord {
    const app = this.deps.state.findByClientId(clientId);
    if (app) return app;
    throw E.invalidClient(`No application has the client_id ${clientId}.`);
  }

  private checkSecret(app: ApplicationRecord, secret: string): void {
    const presented = sha256(secret);
    const live = this.deps.state.liveSecrets(app.applicationId);
    const hit = live.find((s) => timingSafeEqual(sha256(s.value), presented));
    if (hit) {
      this.deps.state.markSecretUsed(hit.secretId);
      return;
    }
    const known = this.deps.state
      .listSecrets(app.applicationId)
      .find((s) => timingSafeEqual(sha256(s.value), presented));
    throw E.invalidClient(
      known === undefined
        ? "The client secret is wrong."
        : `The client secret ${known.secretId} is ${known.enabled ? "expired" : "disabled"}.`,
    );
  }

  /** client_secret_jwt (HS256) and private_key_jwt (RS/ES). */
  private jwtBearer(
    assertion: string,
    formClientId: string | undefined,
    headers: ReadonlyMap<string, string[]>,
  ): ApplicationRecord {
    const jwt = decode(assertion, "client_assertion");
    const sub = typeof jwt.claims.sub === "string" ? jwt.claims.sub : "";
    const clientId = formClientId || sub;
    if (clientId === "") throw E.invalidClient("The client_assertion has no sub (the client_id).");
    const app = this.client(clientId);
    let markUsed: () => void;
    const alg = jwt.header.alg;
    if (alg === "HS256") {
      const hit = this.deps.state.liveSecrets(app.applicationId).find((s) => verifyHs256(jwt, s.value));
      if (!hit) {
        throw E.invalidClient(
          "The client_assertion (HS256, client_secret_jwt) does not verify with any enabled, unexpired client secret of the application.",
        );
      }
      markUsed = () => this.deps.state.markSecretUsed(hit.secretId);
    } else if (ASYMMETRIC_ALGS.has(alg)) {
      const keys = this.deps.state.livePublicKeys(app.applicationId);
      const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : undefined;
      const byKid = keys.filter((k) => k.publicKeyId === kid);
      const candidates = byKid.length > 0 ? byKid : keys;
      const hit = candidates.find((k) => verifyAsymmetric(jwt, createPublicKey(k.pem)));
      if (!hit) {
        throw E.invalidClient(
          `The client_assertion (${alg}, private_key_jwt) does not verify with any enabled client public key of the application.`,
        );
      }
      markUsed = () => this.deps.state.markPublicKeyUsed(hit.publicKeyId);
    } else {
      throw E.invalidClient(
        `The client_assertion alg ${JSON.stringify(alg)} is not supported: HS256 (client_secret_jwt) or ${[...ASYMMETRIC_ALGS.keys()].join(", ")} (private_key_jwt).`,
      );
    }
    const c = jwt.claims;
    if (c.iss !== app.clientId || c.sub !== app.clientId) {
      throw E.invalidClient("The client_assertion's iss and sub must both be the client_id.");
    }
    const accepted = this.tokenEndpointUrls(headers);
    const aud = stringList(c.aud);
    if (!aud.some((a) => accepted.includes(a))) {
      throw E.invalidClient(
        `The client_assertion's aud ${JSON.stringify(c.aud)} is not the token endpoint (${accepted.join(" or ")}).`,
      );
    }
    const nowS = this.deps.now() / 1000;
    const skew = EIAM.token.clockSkewSeconds;
    const exp = this.checkTimes(c, "client_assertion");
    if (exp > nowS + EIAM.token.assertionMaxLifetimeSeconds + skew) {
      throw E.invalidClient(
        `The client_assertion's exp is more than ${EIAM.token.assertionMaxLifetimeSeconds} s ahead.`,
      );
    }
    if (typeof c.jti !== "string" || c.jti === "") throw E.invalidClient("The client_assertion has no jti.");
    this.sweepJtis();
    const key = `${app.clientId} ${c.jti}`;
    if (this.usedJtis.has(key))
      throw E.invalidClient("The client_assertion was already used (its jti is replayed).");
    this.usedJtis.set(key, (exp + skew) * 1000);
    markUsed();
    return app;
  }

  /** An OIDC token of a federated credential provider, for one of the application's credentials. */
  private async oidcFederated(
    assertion: string,
    clientId: string,
    credentialName: string,
  ): Promise<ApplicationRecord> {
    const app = this.client(clientId);
    const credential = this.deps.federation.findCredentialByName(app.applicationId, credentialName);
    if (!credential) {
      throw E.invalidClient(
        `The application has no federated credential named ${JSON.stringify(credentialName)}.`,
      );
    }
    if (!credential.enabled) throw E.invalidClient(`The federated credential ${credentialName} is disabled.`);
    if (credential.type !== "oidc") {
      throw E.invalidClient(
        `The federated credential ${credentialName} is of type ${credential.type}, not oidc.`,
      );
    }
    const provider = this.deps.federation.getProvider(credential.providerId);
    if (!provider.enabled) {
      throw E.invalidClient(`The federated credential provider ${provider.providerId} is disabled.`);
    }
    const config = provider.oidc;
    if (!config) throw E.invalidClient(`The provider ${provider.providerId} has no OIDC configuration.`);
    const jwt = decode(assertion, "client_assertion");
    if (!ASYMMETRIC_ALGS.has(jwt.header.alg)) {
      throw E.invalidClient(`The OIDC token's alg ${JSON.stringify(jwt.header.alg)} is not supported.`);
    }
    const jwks = await this.providerJwks(provider);
    let keys: KeyObject[];
    try {
      keys = jwksCandidates(jwks, jwt);
    } catch (e) {
      if (e instanceof JwtError) throw E.invalidClient(`The OIDC token cannot be verified: ${e.message}.`);
      throw e;
    }
    if (!keys.some((k) => verifyAsymmetric(jwt, k))) {
      throw E.invalidClient("The OIDC token's signature does not verify with the provider's JWKS.");
    }
    const c = jwt.claims;
    if (c.iss !== config.issuer) {
      throw E.invalidClient(
        `The OIDC token's iss ${JSON.stringify(c.iss)} is not the provider's issuer ${config.issuer}.`,
      );
    }
    const aud = stringList(c.aud);
    if (!aud.some((a) => config.audiences.includes(a))) {
      throw E.invalidClient(
        `The OIDC token's aud ${JSON.stringify(c.aud)} has none of the provider's audiences (${config.audiences.join(", ")}).`,
      );
    }
    this.checkTimes(c, "OIDC token");
    if (
      config.trustCondition !== undefined &&
      !evaluateExpression(parseExpression(config.trustCondition), { jwt: c })
    ) {
      throw E.invalidClient(
        `The OIDC token does not satisfy the provider's TrustCondition ${config.trustCondition}.`,
      );
    }
    this.verifyCredential(credential, c);
    this.deps.federation.markCredentialUsed(credential.credentialId);
    return app;
  }

  private async providerJwks(provider: ProviderRecord): Promise<string> {
    const config = provider.oidc;
    if (config?.jwksSource === "static") return config.staticJwks ?? "";
    const uri = config?.jwksUri ?? "";
    let text: string;
    try {
      text = await fetchText(uri, {
        ca: this.deps.trustedCertificates,
        timeoutMs: this.deps.outboundTimeoutMs,
      });
    } catch (e) {
      throw E.invalidClient(
        `The provider's JWKS could not be fetched from ${uri} (${e instanceof Error ? e.message : String(e)}).`,
      );
    }
    this.deps.federation.recordDynamicJwks(provider.providerId, text);
    return text;
  }

  /** The credential's structured or freedom check. */
  private verifyCredential(credential: CredentialRecord, claims: Record<string, unknown>): void {
    const refuse = (why: string): never => {
      throw E.invalidClient(
        `The OIDC token does not match the federated credential ${credential.name}: ${why}.`,
      );
    };
    if (credential.mode === "freedom") {
      const condition = credential.verificationCondition ?? "";
      if (!evaluateExpression(parseExpression(condition), { jwt: claims })) {
        refuse(`the VerificationCondition ${condition} is false`);
      }
      return;
    }
    const v = credential.oidcVerification;
    const sub = typeof claims.sub === "string" ? claims.sub : undefined;
    switch (v?.profile) {
      case "generic":
        if (sub !== v.generic?.subject) refuse(`sub ${JSON.stringify(sub)} is not ${v.generic?.subject}`);
        return;
      case "kubernetes": {
        const k = v.kubernetes;
        const expected = `system:serviceaccount:${k?.namespace}:${k?.serviceAccountName}`;
        if (sub !== expected) refuse(`sub ${JSON.stringify(sub)} is not ${expected}`);
        if (k?.podNamePrefix !== undefined) {
          const pod = resolvePath(claims, ["kubernetes.io", "pod", "name"]);
          if (typeof pod !== "string" || !pod.startsWith(k.podNamePrefix)) {
            refuse(`the pod name ${JSON.stringify(pod)} does not start with ${k.podNamePrefix}`);
          }
        }
        return;
      }
      default:
        throw E.invalidClient(
          `The ${v?.profile ?? "unknown"} profile of the federated credential ${credential.name} is not emulated (generic and kubernetes are).`,
        );
    }
  }

  /** exp in the future, nbf and iat not in the future (with clock skew); returns exp. */
  private checkTimes(c: Record<string, unknown>, what: string): number {
    const nowS = this.deps.now() / 1000;
    const skew = EIAM.token.clockSkewSeconds;
    if (typeof c.exp !== "number") throw E.invalidClient(`The ${what} has no numeric exp.`);
    if (c.exp + skew <= nowS)
      throw E.invalidClient(`The ${what} expired at ${new Date(c.exp * 1000).toISOString()}.`);
    for (const claim of ["nbf", "iat"] as const) {
      const v = c[claim];
      if (v === undefined) continue;
      if (typeof v !== "number") throw E.invalidClient(`The ${what}'s ${claim} is not a number.`);
      if (v > nowS + skew) throw E.invalidClient(`The ${what}'s ${claim} is in the future.`);
    }
    return c.exp;
  }

  /** The token endpoint URLs an assertion may name as aud. */
  private tokenEndpointUrls(headers: ReadonlyMap<string, string[]>): string[] {
    const urls = [`https://${this.deps.domain()}${TOKEN_PATH}`];
    const host = headers.get("host")?.[0];
    if (host) {
      const https = this.deps.httpsEndpoint();
      const port = (h: string): string => h.slice(h.lastIndexOf(":") + 1);
      const scheme = https !== undefined && port(host) === port(https) ? "https" : "http";
      const arrived = `${scheme}://${host}${TOKEN_PATH}`;
      if (!urls.includes(arrived)) urls.push(arrived);
    }
    return urls;
  }

  // ---- Scope -------------------------------------------------------------------------------------

  private grantedScope(app: ApplicationRecord, scope: string): { identifier: string; values: string[] } {
    const items = scope.split(/\s+/).filter((s) => s !== "");
    if (items.length === 0) {
      throw E.invalidScope("scope is required: <resource server identifier>|<scope value>, space-separated.");
    }
    const parsed = items.map((item) => {
      const m = /^([^|]+)\|([^|]+)$/.exec(item);
      if (!m?.[1] || !m[2])
        throw E.invalidScope(`${item} is not <resource server identifier>|<scope value>.`);
      return { identifier: m[1], value: m[2] };
    });
    const identifiers = [...new Set(parsed.map((p) => p.identifier))];
    if (identifiers.length > 1) {
      throw E.invalidScope(
        `A token has one audience; the scope names ${identifiers.length}: ${identifiers.join(", ")}.`,
      );
    }
    const identifier = identifiers[0] as string;
    const rs = this.deps.state.findByResourceServerIdentifier(identifier);
    if (!rs?.resourceServerEnabled)
      throw E.invalidScope(`No enabled resource server has the identifier ${identifier}.`);
    const all = this.deps.state.listScopes(rs.applicationId);
    const granted = this.deps.state.grantedScopes(app.applicationId, rs.applicationId);
    const wanted = new Set<string>();
    for (const { value } of parsed) {
      if (value === ".all") {
        if (granted.length === 0)
          throw E.invalidScope(`No scope of ${identifier} is granted to this client.`);
        for (const g of granted) wanted.add(g.value);
        continue;
      }
      if (!all.some((s) => s.value === value))
        throw E.invalidScope(`The resource server ${identifier} has no scope ${value}.`);
      if (!granted.some((s) => s.value === value)) {
        throw E.invalidScope(`The scope ${value} of ${identifier} is not granted to this client.`);
      }
      wanted.add(value);
    }
    return { identifier, values: all.filter((s) => wanted.has(s.value)).map((s) => s.value) };
  }

  // ---- Key, snapshot -----------------------------------------------------------------------------

  private signingKey(): SigningKey {
    if (!this.key) {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      this.key = signingKeyFrom(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    }
    return this.key;
  }

  private sweepJtis(): void {
    const now = this.deps.now();
    for (const [k, exp] of this.usedJtis) if (exp <= now) this.usedJtis.delete(k);
  }

  snapshot(): TokenEndpointSnapshot {
    this.sweepJtis();
    return {
      ...(this.key ? { signingKeyPem: this.key.pem } : {}),
      usedJtis: [...this.usedJtis].map(([key, expiresAtMs]) => ({ key, expiresAtMs })),
    };
  }

  restore(snapshot: unknown): void {
    const s = tokenEndpointSnapshot.parse(snapshot ?? {});
    if (s.signingKeyPem !== undefined) this.key = signingKeyFrom(s.signingKeyPem);
    this.usedJtis = new Map(s.usedJtis.map((j) => [j.key, j.expiresAtMs]));
  }

  /** Forgets used jtis; the instance key stays (it belongs to the instance, which stays too). */
  reset(): void {
    this.usedJtis.clear();
  }
}

function decode(token: string, what: string): DecodedJwt {
  try {
    return decodeJwt(token);
  } catch (e) {
    if (e instanceof JwtError) throw E.invalidClient(`The ${what} is malformed: ${e.message}.`);
    throw e;
  }
}

function required(
  params: Readonly<Record<string, string>>,
  name: string,
  error: (detail: string) => OAuthError,
): string {
  const v = params[name];
  if (v === undefined || v === "") throw error(`${name} is required.`);
  return v;
}

function stringList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}
