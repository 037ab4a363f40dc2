/**
 * EIAM test helpers: the generic openapi-core call (EIAM has no Node SDK; the provider's recipe,
 * `provider/client/generic.ts`), a token-endpoint client over HTTP or HTTPS, and JWT minting.
 */
import { createHmac, createSign, type KeyObject, randomUUID } from "node:crypto";
import { request } from "node:https";
import OpenApiClient, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import type { Emulator } from "../../emulator";

export type RpcValue = string | number | boolean | undefined | RpcValue[] | { [key: string]: RpcValue };

export function eiamClient(emulator: Emulator): OpenApiClient {
  return new OpenApiClient(
    new $OpenApiUtil.Config({
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
      endpoint: emulator.endpoint,
      protocol: "http",
    }),
  );
}

function dropUndefined(value: RpcValue): RpcValue {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(dropUndefined);
  if (value && typeof value === "object") {
    const out: Record<string, RpcValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
    return out;
  }
  return value;
}

/** An EIAM 2021-12-01 call as the provider makes it: POST, every parameter flattened in the query. */
export async function eiamRpc(
  client: OpenApiClient,
  action: string,
  query: Record<string, RpcValue>,
): Promise<Record<string, unknown>> {
  const params = new $OpenApiUtil.Params({
    action,
    version: "2021-12-01",
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const defined = dropUndefined(query) as Record<string, unknown>;
  const res = (await client.callApi(
    params,
    new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(defined) }),
    new $dara.RuntimeOptions({}),
  )) as { body: Record<string, unknown> };
  return res.body;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export const TOKEN_PATH = "/api/v2/iauths_system/oauth2/token";

/** POST form to the token endpoint; `ca` for the HTTPS listener. */
export async function postToken(
  base: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
  ca?: string,
): Promise<TokenAnswer> {
  const body = new URLSearchParams(form).toString();
  if (base.startsWith("https:")) {
    return httpsCall(`${base}${TOKEN_PATH}`, "POST", ca, body, {
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    });
  }
  const res = await fetch(`${base}${TOKEN_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: Object.fromEntries(res.headers),
  };
}

export async function getJson(base: string, path: string, ca?: string): Promise<TokenAnswer> {
  if (base.startsWith("https:")) return httpsCall(`${base}${path}`, "GET", ca);
  const res = await fetch(`${base}${path}`);
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: Object.fromEntries(res.headers),
  };
}

function httpsCall(
  url: string,
  method: string,
  ca: string | undefined,
  body?: string,
  headers: Record<string, string> = {},
): Promise<TokenAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { "content-length": Buffer.byteLength(body) }) },
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
            headers: res.headers,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** An HS256 JWT (client_secret_jwt), signed with the secret's UTF-8 bytes as PyJWT does. */
export function hs256(claims: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

/** An RS256-512 or ES256-512 JWT (private_key_jwt). */
export function signJwt(
  claims: Record<string, unknown>,
  key: KeyObject,
  alg: "RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "ES512",
  kid?: string,
): string {
  const head = b64url(JSON.stringify({ alg, typ: "JWT", ...(kid === undefined ? {} : { kid }) }));
  const body = b64url(JSON.stringify(claims));
  const hash = `SHA${alg.slice(2)}`;
  const signer = createSign(hash);
  signer.update(`${head}.${body}`);
  const sig = alg.startsWith("ES") ? signer.sign({ key, dsaEncoding: "ieee-p1363" }) : signer.sign(key);
  return `${head}.${body}.${b64url(sig)}`;
}

/** The claims cloud-idaas-core puts in a client assertion: iss = sub = client_id, 10 minutes. */
export function assertionClaims(
  clientId: string,
  aud: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: clientId, sub: clientId, aud, jti: randomUUID(), iat, exp: iat + 600, ...over };
}

/** The JSON payload of a JWT (unverified). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}
