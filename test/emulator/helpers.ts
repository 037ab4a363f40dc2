import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram from "@alicloud/ram20150501";
import type { Emulator } from "../../emulator";

export { $Ims };

/** An IMS client against the emulator, with the SDK's defaults (ACS3 signature, no retries). */
export function imsClient(
  emulator: Emulator,
  overrides: Partial<{
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string;
    signatureAlgorithm: string;
  }> = {},
): Ims {
  return new Ims(
    new $OpenApiUtil.Config({
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
      endpoint: emulator.endpoint,
      protocol: "http",
      ...overrides,
    }),
  );
}

/** A RAM client against the emulator with the account's own key, as the SDK sends by default. */
export function ramClient(emulator: Emulator): Ram {
  return new Ram(
    new $OpenApiUtil.Config({
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
      endpoint: emulator.endpoint,
      protocol: "http",
    }),
  );
}

/** A 40-hex-digit fingerprint that differs per index. */
export function fp(i: number): string {
  return i.toString(16).padStart(40, "a");
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(
  fn: () => Promise<unknown>,
): Promise<Error & { code?: string; statusCode?: number; data?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string; statusCode?: number; data?: Record<string, unknown> };
  }
  throw new Error("expected the call to fail");
}

export function createRequest(
  name: string,
  extra: Partial<{
    issuerUrl: string;
    clientIds: string;
    fingerprints: string;
    description: string;
    issuanceLimitTime: number;
  }> = {},
): $Ims.CreateOIDCProviderRequest {
  return new $Ims.CreateOIDCProviderRequest({
    OIDCProviderName: name,
    issuerUrl: extra.issuerUrl ?? `https://issuer.example.com/${name}`,
    fingerprints: extra.fingerprints ?? fp(1),
    clientIds: extra.clientIds,
    description: extra.description,
    issuanceLimitTime: extra.issuanceLimitTime,
  });
}
