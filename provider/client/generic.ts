/**
 * Calls to RPC actions the official SDKs do not have yet (IMS application
 * assignments appeared in the docs in 2026), through the same openapi-core
 * client, signer and retry loop as the SDK's own operations.
 * Recipe: alibaba-api.md §2.3, mirroring the generated *WithOptions methods.
 */
import { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import { callApi } from "./call";
import type { Session } from "./session";

/** Calls IMS 2019-08-15 `action` with `query` and returns the parsed JSON body. */
export async function callImsRpc(
  s: Session,
  action: string,
  query: Record<string, string | number | boolean | undefined>,
): Promise<Record<string, unknown>> {
  const params = new $OpenApiUtil.Params({
    action,
    version: "2019-08-15",
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  const res = await callApi(action, s, () =>
    s.ims.callApi(params, new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(defined) }), s.runtime),
  );
  const body = (res as { body?: unknown }).body;
  return body && typeof body === "object" ? (body as Record<string, unknown>) : {};
}
