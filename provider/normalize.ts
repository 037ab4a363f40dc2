/**
 * Pure normalization helpers. Equal configurations must normalize to equal
 * values, so that `diff` never reports a change that is not one.
 */

/** The sentinel the engine puts where a value is not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, a value unknown at preview. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * A certificate fingerprint in canonical form: colons and white space removed,
 * lower-case. `AB:CD:...` from `openssl x509 -fingerprint` and `abcd...` are
 * the same fingerprint.
 */
export function normalizeFingerprint(value: string): string {
  return value.replace(/[:\s]/g, "").toLowerCase();
}

/**
 * An issuer URL in canonical form: scheme and host lower-cased (they are
 * case-insensitive) and the default port dropped. The path is kept exactly,
 * trailing slash included: an OIDC `iss` claim is compared as an exact string,
 * so `https://idp/` and `https://idp` are different issuers (Auth0's carries
 * the slash, GitHub's does not). A value that is not a URL is returned as is
 * for the validator to report.
 */
export function normalizeIssuerUrl(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(value);
  if (!m) return value;
  const scheme = m[1]!.toLowerCase();
  let authority = m[2]!;
  const rest = m[3]!;
  if (authority.includes("@")) return value; // user info: invalid, leave it to the validator
  authority = authority.toLowerCase();
  if (scheme === "https" && authority.endsWith(":443")) authority = authority.slice(0, -4);
  return `${scheme}://${authority}${rest}`;
}

/** Sorted, duplicate-free copy: the canonical form of a set-like list. */
export function canonicalSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** Set equality of two lists. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const v of sa) if (!sb.has(v)) return false;
  return true;
}
