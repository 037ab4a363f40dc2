/**
 * The `client_credentials` grant of `POST /v1/token` for the account's ServerApps (SCIM,
 * docs/alibaba-api.md §5.1), registered with `OAuthState.registerGrant`, and the bearer tokens it
 * issues, which the SCIM service verifies.
 *
 *   POST /v1/token?grant_type=client_credentials&client_id=<AppId>
 *   Authorization: Basic base64(<AppId>:<AppSecretValue>)
 *   → {scope:"/acs/scim", request_id, access_token, token_type:"Bearer", expires_in:"3600"}
 *
 * `expires_in` is a STRING, as in the doc example; the lifetime is the app's AccessTokenValidity.
 * Parameters may be in the query string (the doc example) or the form body. Tokens are kept by
 * SHA-256 hash only (persisted), and honoured only while the app exists, is provisioned and still
 * has the secret they were issued with.
 *
 * Guesses (public docs are silent): error names and statuses (`invalid_client` 401 for a missing,
 * unknown or wrong client authentication; `unauthorized_client` 400 for an app that is not a
 * ServerApp or not provisioned; `invalid_scope` 400 for a scope the app was not granted);
 * `client_secret` in the query/form is accepted too (RFC 6749 §2.3.1 client_secret_post); a
 * `client_id` parameter that differs from the Basic one is `invalid_request`; `scope` omitted =
 * every granted scope, space-separated in the answer; deleting the secret a token was issued
 * with ends the token (the doc does not say).
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { ImsOAuthApps } from "../ims/oauthApps";
import * as E from "./errors";
import type { TokenResponse } from "./state";

const appTokenRecord = z.object({
  /** Hex SHA-256 of the token. */
  hash: z.string(),
  appId: z.string(),
  appSecretId: z.string(),
  scopes: z.array(z.string()),
  expiresAtMs: z.number(),
});
type AppTokenRecord = z.infer<typeof appTokenRecord>;

export const clientCredentialsSnapshot = z.array(appTokenRecord).default([]);

/** What a bearer token is, for the SCIM service. */
export type AppTokenCheck =
  | { ok: true; appId: string; scopes: string[] }
  | { ok: false; reason: "invalid" | "expired" };

const sha256hex = (s: string): string => createHash("sha256").update(s).digest("hex");

export class ClientCredentialsGrant {
  private tokens = new Map<string, AppTokenRecord>();

  constructor(
    private readonly apps: ImsOAuthApps,
    private readonly now: () => number,
  ) {}

  readonly handle = (
    params: Readonly<Record<string, string>>,
    headers: ReadonlyMap<string, string[]>,
  ): TokenResponse => {
    const { clientId, clientSecret } = clientAuth(params, headers);
    const auth = this.apps.authenticateClient(clientId, clientSecret);
    if (!auth.ok) {
      throw E.invalidClientCredentials(
        auth.reason === "unknown-app"
          ? `No application ${clientId} exists in this account.`
          : "The client secret is wrong, or was deleted.",
      );
    }
    const app = auth.app;
    if (app.appType !== "ServerApp") {
      throw E.unauthorizedClient(
        `The application ${app.appId} is a ${app.appType}; client_credentials is for ServerApp applications.`,
      );
    }
    if (!app.provision) {
      throw E.unauthorizedClient(
        `The application ${app.appId} is not authorized in this account; an administrator must provision it (ProvisionApplication).`,
      );
    }
    const granted = app.provision.scopes;
    const asked = (params.scope ?? "").split(/\s+/).filter((s) => s !== "");
    for (const s of asked) {
      if (!granted.includes(s)) throw E.invalidScope(`The application was not granted the scope ${s}.`);
    }
    const scopes = asked.length > 0 ? granted.filter((g) => asked.includes(g)) : [...granted];
    this.sweep();
    const token = randomBytes(32).toString("base64url");
    const hash = sha256hex(token);
    this.tokens.set(hash, {
      hash,
      appId: app.appId,
      appSecretId: auth.appSecretId,
      scopes,
      expiresAtMs: this.now() + app.accessTokenValidity * 1000,
    });
    return {
      scope: scopes.join(" "),
      // The OAuth service's answer has no request id of its own on success; SCIM's doc shows one.
      request_id: randomBytes(16).toString("hex"),
      access_token: token,
      token_type: "Bearer",
      expires_in: String(app.accessTokenValidity),
    };
  };

  /** A bearer token's app and scopes, or why it is refused. */
  verify(token: string): AppTokenCheck {
    const record = this.tokens.get(sha256hex(token));
    if (!record) return { ok: false, reason: "invalid" };
    if (!this.apps.isLiveProvisioned(record.appId, record.appSecretId)) {
      this.tokens.delete(record.hash);
      return { ok: false, reason: "invalid" };
    }
    if (record.expiresAtMs <= this.now()) return { ok: false, reason: "expired" };
    return { ok: true, appId: record.appId, scopes: [...record.scopes] };
  }

  snapshot(): AppTokenRecord[] {
    const now = this.now();
    return [...this.tokens.values()].filter((t) => t.expiresAtMs > now).map((t) => structuredClone(t));
  }

  restore(snapshot: unknown): void {
    const s = clientCredentialsSnapshot.parse(snapshot);
    this.tokens = new Map(s.map((t) => [t.hash, t]));
  }

  reset(): void {
    this.tokens.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [hash, t] of this.tokens) if (t.expiresAtMs <= now) this.tokens.delete(hash);
  }
}

/** client_id and client_secret from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or parameters. */
function clientAuth(
  params: Readonly<Record<string, string>>,
  headers: ReadonlyMap<string, string[]>,
): { clientId: string; clientSecret: string } {
  const header = headers.get("authorization")?.[0];
  let clientId = "";
  let clientSecret = "";
  if (header !== undefined) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = m?.[1] === undefined ? "" : Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) {
      throw E.invalidClientCredentials("Authorization must be Basic base64(client_id:client_secret).");
    }
    clientId = formDecode(decoded.slice(0, colon));
    clientSecret = formDecode(decoded.slice(colon + 1));
  }
  const paramId = params.client_id ?? "";
  if (clientId !== "" && paramId !== "" && paramId !== clientId) {
    throw E.invalidRequest("client_id does not match the client of the Authorization header.");
  }
  if (clientId === "") clientId = paramId;
  if (clientSecret === "") clientSecret = params.client_secret ?? "";
  if (clientId === "" || clientSecret === "") {
    throw E.invalidClientCredentials(
      "Client authentication is required: Authorization: Basic base64(client_id:client_secret).",
    );
  }
  return { clientId, clientSecret };
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}
