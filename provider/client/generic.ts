/**
 * Calls to RPC actions that no official Node SDK has: IMS application
 * assignments (in the docs since 2026) and all of IDaaS EIAM 2021-12-01 (no
 * npm SDK exists). They go through the same openapi-core client, signer and
 * retry loop as the SDKs' own operations. Recipe: docs/alibaba-api.md §2.3,
 * mirroring the generated *WithOptions methods: POST, every parameter in the
 * query, nested objects and lists flattened (`Config.Audiences.1=...`).
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
