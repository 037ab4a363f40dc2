/**
 * Where fingerprint discovery reads an issuer from, in tests against the emulator: the emulator's
 * STS can fetch a real issuer's discovery document and keys from a local stand-in (the emulator
 * option `issuerStandIns`, what `alicloud-federation/testing` sets up), and `OidcProvider` must then
 * judge its fingerprints against the stand-in's chain, the one that STS checks, not the real
 * issuer's. The map comes from {@link ISSUER_STAND_INS_ENV} (a JSON object, issuer URL -> https
 * URL) and is honoured only with a custom endpoint: against Alibaba Cloud it is refused, so a
 * stray variable can never make a real deployment pin a stand-in's certificates.
 */
import { normalizeIssuerUrl } from "../normalize";

/** The environment variable holding the stand-in map (set by `startTrustTestbed`'s `env`). */
export const ISSUER_STAND_INS_ENV = "ALICLOUD_FEDERATION_ISSUER_STAND_INS";

/** The URL to discover `issuer` from: its stand-in when one is set, else the issuer itself. */
export function discoveryTarget(issuer: string, endpoint: string | undefined): string {
  const raw = process.env[ISSUER_STAND_INS_ENV];
  if (raw === undefined || raw === "") return issuer;
  if (endpoint === undefined)
    throw new Error(
      `${ISSUER_STAND_INS_ENV} is set, but no endpoint is: stand-in issuers are for tests against the emulator, never for Alibaba Cloud; unset it`,
    );
  let map: unknown;
  try {
    map = JSON.parse(raw);
  } catch {
    throw new Error(`${ISSUER_STAND_INS_ENV} is not JSON: give an object of issuer URL -> https URL`);
  }
  if (!map || typeof map !== "object" || Array.isArray(map))
    throw new Error(`${ISSUER_STAND_INS_ENV} must be a JSON object of issuer URL -> https URL`);
  const wanted = normalizeIssuerUrl(issuer);
  for (const [from, to] of Object.entries(map as Record<string, unknown>)) {
    if (normalizeIssuerUrl(from) !== wanted) continue;
    if (typeof to !== "string" || !to.startsWith("https://"))
      throw new Error(`${ISSUER_STAND_INS_ENV}: the stand-in for ${from} must be an https URL`);
    return to;
  }
  return issuer;
}
