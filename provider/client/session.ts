import Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram from "@alicloud/ram20150501";
import * as $dara from "@darabonba/typescript";
import { parseEndpoint, type RuntimeSettings, runtimeSettings } from "../settings";
import type { CallOptions } from "./call";

/** Public endpoints of the products we call (all central, region-independent). */
export const PUBLIC_ENDPOINTS = {
  ims: "ims.aliyuncs.com",
  ram: "ram.aliyuncs.com",
  sts: "sts.aliyuncs.com",
} as const;

/**
 * Everything a client function needs. Built inside provider methods, never at
 * module scope: the serialized provider must not capture sockets or secrets.
 */
export interface Session extends CallOptions {
  ims: Ims;
  ram: Ram;
  /** Options for each SDK call: our retry loop is the only one. */
  runtime: $dara.RuntimeOptions;
}

function sdkConfig(settings: RuntimeSettings, product: keyof typeof PUBLIC_ENDPOINTS): $OpenApiUtil.Config {
  const target = settings.endpoint ? parseEndpoint(settings.endpoint) : undefined;
  return new $OpenApiUtil.Config({
    credential: settings.credential,
    endpoint: target?.host ?? PUBLIC_ENDPOINTS[product],
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
        ims: new Ims(sdkConfig(settings, "ims")),
        ram: new Ram(sdkConfig(settings, "ram")),
        runtime: new $dara.RuntimeOptions({ autoretry: false, maxAttempts: 1 }),
        retry: settings.retry,
      },
    };
  }
  return { ...cachedSession.session, ...overrides };
}
