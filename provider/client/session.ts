import type OpenApiClient from "@alicloud/openapi-core";
import type { $OpenApiUtil } from "@alicloud/openapi-core";
import type * as $dara from "@darabonba/typescript";
import { parseEndpoint, type RuntimeSettings, runtimeSettings } from "../settings";
import type { CallOptions } from "./call";
import { daraSdk, openApiSdk } from "./sdk";

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
  /**
   * IMS 2019-08-15 and RAM 2015-05-01: openapi-core's generic client, called the way the product
   * SDKs' generated methods call it (`callModel`), so the product SDKs are not loaded (§2.3).
   */
  ims: OpenApiClient;
  ram: OpenApiClient;
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

/**
 * A session whose clients are made (and openapi-core loaded) when first used: a command that calls
 * nothing (a preview without refresh) loads no SDK. The clients are own enumerable properties, so
 * a spread copy still has them (and makes them); {@link withOptions} derives a session without
 * making any.
 */
function lazySession(settings: RuntimeSettings): Session {
  const made: Partial<Pick<Session, "ims" | "ram" | "eiam" | "sts" | "runtime">> = {};
  const lazy = <K extends keyof typeof made>(key: K, make: () => Session[K]): PropertyDescriptor => ({
    enumerable: true,
    get: () => {
      made[key] ??= make();
      return made[key];
    },
  });
  const base: CallOptions = {
    retry: settings.retry,
    ...(settings.refreshCredential ? { refreshCredential: settings.refreshCredential } : {}),
  };
  return Object.defineProperties(base, {
    ims: lazy("ims", () => new (openApiSdk().default)(sdkConfig(settings, PUBLIC_ENDPOINTS.ims))),
    ram: lazy("ram", () => new (openApiSdk().default)(sdkConfig(settings, PUBLIC_ENDPOINTS.ram))),
    eiam: lazy(
      "eiam",
      () => new (openApiSdk().default)(sdkConfig(settings, eiamEndpoint(settings.eiamRegion))),
    ),
    sts: lazy("sts", () => new (openApiSdk().default)(sdkConfig(settings, PUBLIC_ENDPOINTS.sts))),
    runtime: lazy("runtime", () => new (daraSdk().RuntimeOptions)({ autoretry: false, maxAttempts: 1 })),
  }) as Session;
}

/** `s` with other call options (a create that must not retry an ambiguous failure), its clients shared. */
export function withOptions(s: Session, options: Partial<CallOptions>): Session {
  return Object.assign(Object.create(s) as Session, options);
}

/** One session per provider process and settings; SDK clients keep their agents. */
export function session(overrides: Partial<CallOptions> = {}): Session {
  const settings = runtimeSettings();
  if (!cachedSession || cachedSession.settings !== settings)
    cachedSession = { settings, session: lazySession(settings) };
  return Object.keys(overrides).length === 0
    ? cachedSession.session
    : withOptions(cachedSession.session, overrides);
}
