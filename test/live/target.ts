/**
 * Where live mode points, and the raw transport its probes use: Alibaba's official openapi-core
 * client, signing each RPC call the way the generated SDK methods do, keeping the parsed body of
 * an answer and the code and HTTP status of a refusal.
 *
 * Environment (the same names the provider reads):
 * - `ALICLOUD_FEDERATION_LIVE=1` turns live mode on; `ALICLOUD_FEDERATION_LIVE_ACCOUNT` lists
 *   (comma-separated) the only account ids it may touch.
 * - `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and
 *   `ALIBABA_CLOUD_SECURITY_TOKEN`): the credentials.
 * - `ALICLOUD_FEDERATION_ENDPOINT`: one endpoint for every product (the emulator); unset, each
 *   product's public endpoint.
 * - `ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE` (and `ALICLOUD_FEDERATION_EIAM_REGION`, default
 *   cn-hangzhou): the IDaaS instance the EIAM probes may use; unset, they are left out.
 */
import OpenApiClient, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import type { Product } from "./scenario";

export const VERSIONS: Record<Product, string> = {
  ims: "2019-08-15",
  ram: "2015-05-01",
  sts: "2015-04-01",
  eiam: "2021-12-01",
};

export interface Target {
  endpoint: string | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | undefined;
  allowedAccounts: string[];
  eiamInstanceId: string | undefined;
  eiamRegion: string;
}

/** Why live mode will not run, or undefined when it may. */
export function liveRefusal(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ALICLOUD_FEDERATION_LIVE !== "1") {
    return "live mode is off: set ALICLOUD_FEDERATION_LIVE=1, ALICLOUD_FEDERATION_LIVE_ACCOUNT and credentials (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET) to run the suites against a real account";
  }
  if (!env.ALICLOUD_FEDERATION_LIVE_ACCOUNT?.trim()) {
    return "ALICLOUD_FEDERATION_LIVE_ACCOUNT is not set: name the account id(s) live mode may touch";
  }
  if (!env.ALIBABA_CLOUD_ACCESS_KEY_ID || !env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
    return "no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET";
  }
  return undefined;
}

export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): Target {
  return {
    endpoint: env.ALICLOUD_FEDERATION_ENDPOINT || undefined,
    accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? "",
    accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? "",
    securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined,
    allowedAccounts: (env.ALICLOUD_FEDERATION_LIVE_ACCOUNT ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    eiamInstanceId: env.ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE || undefined,
    eiamRegion: env.ALICLOUD_FEDERATION_EIAM_REGION || "cn-hangzhou",
  };
}

/** The outcome of one call: the parsed body, or the refusal's code and status. */
export type Answer =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; status: number; code: string; message: string };

const PUBLIC_HOSTS: Record<Product, (t: Target) => string> = {
  ims: () => "ims.aliyuncs.com",
  ram: () => "ram.aliyuncs.com",
  sts: () => "sts.aliyuncs.com",
  eiam: (t) => `eiam.${t.eiamRegion}.aliyuncs.com`,
};

/** One openapi-core client per product; `call` makes a signed RPC call and never throws for a refusal. */
export function rawTransport(
  t: Target,
): (product: Product, action: string, params: object) => Promise<Answer> {
  const clients = new Map<Product, OpenApiClient>();
  const clientFor = (product: Product): OpenApiClient => {
    let c = clients.get(product);
    if (!c) {
      const url = t.endpoint ? new URL(t.endpoint) : undefined;
      c = new OpenApiClient(
        new $OpenApiUtil.Config({
          accessKeyId: t.accessKeyId,
          accessKeySecret: t.accessKeySecret,
          ...(t.securityToken ? { securityToken: t.securityToken } : {}),
          endpoint: url ? url.host : PUBLIC_HOSTS[product](t),
          protocol: url ? url.protocol.replace(":", "") : "https",
          regionId: t.eiamRegion,
        }),
      );
      clients.set(product, c);
    }
    return c;
  };
  return async (product, action, params) => {
    const p = new $OpenApiUtil.Params({
      action,
      version: VERSIONS[product],
      protocol: "HTTPS",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType: "json",
    });
    const defined = JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
    try {
      const res = (await clientFor(product).callApi(
        p,
        new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(defined) }),
        new $dara.RuntimeOptions({ autoretry: false, maxAttempts: 0 }),
      )) as { body?: Record<string, unknown>; statusCode?: number };
      return { ok: true, status: res.statusCode ?? 200, body: res.body ?? {} };
    } catch (e) {
      const err = e as {
        statusCode?: number;
        code?: string;
        message?: string;
        data?: { statusCode?: number };
      };
      return {
        ok: false,
        status: err.statusCode ?? err.data?.statusCode ?? 0,
        code: String(err.code ?? "Unknown"),
        message: String(err.message ?? e),
      };
    }
  };
}
