/**
 * The Alibaba Cloud CLI's OAuth login as aliyun-cli performs it (authorize
 * with PKCE S256 to a loopback redirect, token, exchange for STS
 * credentials), against the emulator. `loginHint` stands in for the person
 * signing in in the browser.
 */
import { createHash, randomBytes } from "node:crypto";

export type CliLogin =
  | { ok: true; accessKeyId: string; accessKeySecret: string; securityToken: string; expiration: string }
  | { ok: false; error: string };

export async function cliOAuthLogin(baseUrl: string, clientId: string, loginHint: string): Promise<CliLogin> {
  const verifier = randomBytes(96).toString("base64url").slice(0, 128);
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirect = "http://127.0.0.1:12345/cli/callback";
  const auth = new URL("/oauth2/v1/auth", baseUrl);
  auth.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirect,
    state: "s1",
    code_challenge: challenge,
    code_challenge_method: "S256",
    login_hint: loginHint,
  }).toString();
  const res = await fetch(auth, { redirect: "manual" });
  const location = res.headers.get("location");
  if (!location) return { ok: false, error: `authorize answered ${res.status} without a redirect` };
  const back = new URL(location).searchParams;
  const code = back.get("code");
  if (!code) return { ok: false, error: back.get("error") ?? "no code" };
  const token = await fetch(new URL("/v1/token", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      client_id: clientId,
      redirect_uri: redirect,
      code_verifier: verifier,
    }),
  });
  const tokenBody = (await token.json()) as Record<string, string>;
  if (!tokenBody.access_token) return { ok: false, error: tokenBody.error ?? "no access token" };
  const exchange = await fetch(new URL("/v1/exchange", baseUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${tokenBody.access_token}` },
  });
  const creds = (await exchange.json()) as Record<string, string>;
  if (!creds.accessKeyId) return { ok: false, error: creds.error ?? "no credentials" };
  return {
    ok: true,
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret ?? "",
    securityToken: creds.securityToken ?? "",
    expiration: creds.expiration ?? "",
  };
}
