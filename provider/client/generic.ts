/**
 * Every RPC call goes through openapi-core's generic `callApi`: IMS application assignments (in
 * the docs since 2026) and all of IDaaS EIAM 2021-12-01 have no Node SDK operation, and the IMS and
 * RAM actions that have one are sent the way their generated `*WithOptions` method sends them
 * (`callModel`), without loading the product SDK (a few hundred ms of CPU in every provider
 * process that calls the service). Same client, signer and retry loop. Recipe:
 * docs/alibaba-api.md §2.3: POST, every parameter in the query, nested objects and lists flattened
 * (`Config.Audiences.1=...`).
 */
import type OpenApiClient from "@alicloud/openapi-core";
import { callApi } from "./call";
import { openApiSdk } from "./sdk";
import type { Session } from "./session";

/** A query value: scalars, lists and nested objects (flattened on the wire). */
export type RpcValue = string | number | boolean | undefined | RpcValue[] | { [key: string]: RpcValue };

function dropUndefined(value: RpcValue): RpcValue {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(dropUndefined);
  if (value && typeof value === "object") {
    const out: Record<string, RpcValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
    return out;
  }
  return value;
}

async function callRpc(
  s: Session,
  client: OpenApiClient,
  version: string,
  action: string,
  query: Record<string, RpcValue>,
): Promise<Record<string, unknown>> {
  const params = new (openApiSdk().$OpenApiUtil.Params)({
    action,
    version,
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const defined = dropUndefined(query) as Record<string, unknown>;
  const res = await callApi(action, s, () =>
    client.callApi(
      params,
      new (openApiSdk().$OpenApiUtil.OpenApiRequest)({ query: openApiSdk().OpenApiUtil.query(defined) }),
      s.runtime,
    ),
  );
  const body = (res as { body?: unknown }).body;
  return body && typeof body === "object" ? (body as Record<string, unknown>) : {};
}

/**
 * The name the official SDK's models give a field sent or answered as `wire`: the first letter
 * lowered unless an acronym starts the name (`RoleName` -> `roleName`, `OIDCProvider` stays). This
 * holds for every response field of the IMS 2.3.2 and RAM 1.2.1 SDKs; test/provider/sdkDifferential
 * compares every action we send with the SDK's own.
 */
function modelKey(wire: string): string {
  return wire.length > 1 && /[A-Z]/.test(wire.charAt(1))
    ? wire
    : wire.charAt(0).toLowerCase() + wire.slice(1);
}

/** A response body with every key named as the SDK's models name it. */
export function modelShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(modelShape);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[modelKey(k)] = modelShape(v);
    return out;
  }
  return value;
}

/** The data fields of an SDK request model `R` (its methods left out), each optional as in the model. */
type ModelFields<R> = {
  [K in keyof R as R[K] extends (...args: never[]) => unknown ? never : K]?: R[K];
};

const VERSIONS = { ims: "2019-08-15", ram: "2015-05-01" } as const;

/**
 * An IMS or RAM action sent exactly as the SDK's generated `<action>WithOptions` sends it (the
 * request's fields, named as its model names them, in the query under their wire names), and its
 * body read back under the model's names: `B` and `R` are the SDK's response body and request
 * types (types only, so the SDK is never loaded). docs/alibaba-api.md §2.3.
 */
export async function callModel<B, R = Record<string, never>>(
  s: Session,
  service: keyof typeof VERSIONS,
  action: string,
  request: ModelFields<R> = {},
): Promise<{ body?: B }> {
  const query: Record<string, RpcValue> = {};
  for (const [k, v] of Object.entries(request)) query[k.charAt(0).toUpperCase() + k.slice(1)] = v as RpcValue;
  const body = await callRpc(s, s[service], VERSIONS[service], action, query);
  return { body: modelShape(body) as B };
}

/** Calls IMS 2019-08-15 `action` with `query` and returns the parsed JSON body. */
export function callImsRpc(
  s: Session,
  action: string,
  query: Record<string, RpcValue>,
): Promise<Record<string, unknown>> {
  return callRpc(s, s.ims, "2019-08-15", action, query);
}

/**
 * STS 2015-04-01 GetCallerIdentity: the account (and principal) the credentials in use belong to.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity
 */
export async function getCallerIdentity(
  s: Session,
): Promise<{ accountId: string; arn: string; identityType: string }> {
  const body = await callRpc(s, s.sts, "2015-04-01", "GetCallerIdentity", {});
  const accountId = typeof body.AccountId === "string" ? body.AccountId : "";
  if (!/^\d+$/.test(accountId))
    throw new Error(`GetCallerIdentity answered no account id (${JSON.stringify(body.AccountId)})`);
  return {
    accountId,
    arn: typeof body.Arn === "string" ? body.Arn : "",
    identityType: typeof body.IdentityType === "string" ? body.IdentityType : "",
  };
}

/** Calls IDaaS EIAM 2021-12-01 `action` (docs/alibaba-api.md §7) and returns the parsed JSON body. */
export function callEiamRpc(
  s: Session,
  action: string,
  query: Record<string, RpcValue>,
): Promise<Record<string, unknown>> {
  return callRpc(s, s.eiam, "2021-12-01", action, query);
}
