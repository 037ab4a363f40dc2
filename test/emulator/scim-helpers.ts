import type Ims from "@alicloud/ims20190815";
import { expect } from "vitest";
import type { Emulator } from "../../emulator";
import { $Ims } from "./helpers";

export interface ServerApp {
  appId: string;
  secretId: string;
  secret: string;
}

/** A ServerApp with `/acs/scim`, provisioned (admin consent), with one secret: the console flow of §4.3. */
export async function scimServerApp(
  ims: Ims,
  opts: { appName?: string; accessTokenValidity?: number; provision?: boolean } = {},
): Promise<ServerApp> {
  const created = await ims.createApplication(
    new $Ims.CreateApplicationRequest({
      appName: opts.appName ?? "scim-sync",
      displayName: "SCIM sync",
      appType: "ServerApp",
      predefinedScopes: "/acs/scim",
      requiredScopes: "/acs/scim",
      accessTokenValidity: opts.accessTokenValidity,
    }),
  );
  const appId = created.body!.application!.appId!;
  if (opts.provision !== false) {
    await ims.provisionApplication(new $Ims.ProvisionApplicationRequest({ appId, scopes: "/acs/scim" }));
  }
  const secret = await ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId }));
  return {
    appId,
    secretId: secret.body!.appSecret!.appSecretId!,
    secret: secret.body!.appSecret!.appSecretValue!,
  };
}

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

/** `POST /v1/token?grant_type=client_credentials&client_id=…` with HTTP Basic, as in the SCIM doc. */
export async function clientCredentialsToken(
  emulator: Emulator,
  app: { appId: string; secret: string },
  extraQuery: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const q = new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, ...extraQuery });
  const res = await fetch(`${emulator.url}/v1/token?${q}`, {
    method: "POST",
    headers: { authorization: basic(app.appId, app.secret) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export async function scimToken(emulator: Emulator, app: ServerApp): Promise<string> {
  const res = await clientCredentialsToken(emulator, app);
  expect(res.status).toBe(200);
  return String(res.body.access_token);
}

export interface ScimResponse {
  status: number;
  body: Record<string, unknown> | undefined;
  headers: Headers;
}

/** A SCIM call with a bearer token and a JSON body. */
export async function scim(
  emulator: Emulator,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<ScimResponse> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
    headers: res.headers,
  };
}
