import type Ims from "@alicloud/ims20190815";
import type OpenApiClient from "@alicloud/openapi-core";
import type { $OpenApiUtil } from "@alicloud/openapi-core";
import type Ram from "@alicloud/ram20150501";
import type * as $dara from "@darabonba/typescript";
import { parseEndpoint, type RuntimeSettings, runtimeSettings } from "../settings";
import type { CallOptions } from "./call";
import { daraSdk, imsSdk, openApiSdk, ramSdk } from "./sdk";

/** Public endpoints of the products we call (all central, region-independent). */
export const PUBLIC_ENDPOINTS = {
  ims: "ims.aliyuncs.com",
  ram: "ram.aliyuncs.com",
  sts: "sts.aliyuncs.com",
} as const;

/** EIAM is regional: https://api.aliyun.com/product/Eiam (endpoints per region). */
export function eiamEndpoint(region: string): string {
  return `eiam.${region}.aliyuncs.com`;
}

/**
 * Everything a client function needs. Built inside provider methods, never at
 * module scope: the serialized provider must not capture sockets or secrets.
 */
export interface Session extends CallOptions {
  ims: Ims;
  ram: Ram;
  /** IDaaS EIAM 2021-12-01 has no Node SDK: the generic openapi-core client (docs/alibaba-api.md §7.1). */
  eiam: OpenApiClient;
  /** STS 2015-04-01 for GetCallerIdentity: the generic client (the STS SDK is not a dependency). */
  sts: OpenApiClient;
  /** Options for each SDK call: our retry loop is the only one. */
  runtime: $dara.RuntimeOptions;
}

function sdkConfig(settings: RuntimeSettings, publicEndpoint: string): $OpenApiUtil.Config {
  const target = settings.endpoint ? parseEndpoint(settings.endpoint) : undefined;
  return new (openApiSdk().$OpenApiUtil.Config)({
    credential: settings.credential,
    endpoint: target?.host ?? publicEndpoint,
    protocol: target?.protocol ?? "https",
    readTimeout: 30_000,
    connectTimeout: 10_000,
  });
}

let cachedSession: { settings: RuntimeSettings; session: Session } | undefined;

/** One session per provider process and settings; SDK clients keep their agents. */
export function session(overrides: Partial<CallOptions> = {}): Session {
  const settings = runtimeSettings();
  if (!cachedSession || cachedSession.settings !== settings) {
    cachedSession = {
      settings,
      session: {
        ims: new (imsSdk().default)(sdkConfig(settings, PUBLIC_ENDPOINTS.ims)),
        ram: new (ramSdk().default)(sdkConfig(settings, PUBLIC_ENDPOINTS.ram)),
        eiam: new (openApiSdk().default)(sdkConfig(settings, eiamEndpoint(settings.eiamRegion))),
        sts: new (openApiSdk().default)(sdkConfig(settings, PUBLIC_ENDPOINTS.sts)),
        runtime: new (daraSdk().RuntimeOptions)({ autoretry: false, maxAttempts: 1 }),
        retry: settings.retry,
        ...(settings.refreshCredential ? { refreshCredential: settings.refreshCredential } : {}),
      },
    };
  }
  return { ...cachedSession.session, ...overrides };
}
