/**
 * OIDC token (JWT) parsing and signature verification for STS AssumeRoleWithOIDC. RS256/384/512
 * and ES256/384; the keys come from the issuer's JWKS, matched by `kid`.
 */
import { createPublicKey, type JsonWebKey, verify } from "node:crypto";
import * as E from "./errors";

export interface ParsedJwt {
  header: { alg: string; kid: string; [k: string]: unknown };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** A Map: an `alg` such as `constructor` or `toString` is unsupported, never an inherited member. */
const ALGS: ReadonlyMap<string, { hash: string; kty: "RSA" | "EC"; p1363?: boolean }> = new Map<
  string,
  { hash: string; kty: "RSA" | "EC"; p1363?: boolean }
>([
  ["RS256", { hash: "sha256", kty: "RSA" }],
  ["RS384", { hash: "sha384", kty: "RSA" }],
  ["RS512", { hash: "sha512", kty: "RSA" }],
  ["ES256", { hash: "sha256", kty: "EC", p1363: true }],
  ["ES384", { hash: "sha384", kty: "EC", p1363: true }],
]);

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw E.tokenInvalid(`its ${what} is not base64url-encoded JSON`);
}

/** Splits and decodes a compact JWS; requires a supported `alg` and a `kid`. */
export function parseJwt(token: string): ParsedJwt {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw E.tokenInvalid("it is not a JSON Web Token (three base64url parts separated by dots)");
  }
  const [h = "", c = "", s = ""] = parts;
  const header = decodeJson(h, "header");
  const claims = decodeJson(c, "payload");
  const alg = header.alg;
  if (typeof alg !== "string" || !ALGS.has(alg)) {
    throw E.tokenInvalid(
      `its alg ${JSON.stringify(alg)} is not supported (RS256, RS384, RS512, ES256, ES384)`,
    );
  }
  const kid = header.kid;
  if (typeof kid !== "string" || kid === "") throw E.tokenInvalid("its header has no kid");
  return {
    header: { ...header, alg, kid },
    claims,
    signingInput: `${h}.${c}`,
    signature: Buffer.from(s, "base64url"),
  };
}

/** Finds the JWKS key for the token's kid and verifies the signature. */
export function verifyJwtSignature(jwt: ParsedJwt, jwksText: string, jwksUri: string): void {
  let keys: unknown;
  try {
    keys = (JSON.parse(jwksText) as { keys?: unknown }).keys;
  } catch {
    throw E.tokenInvalid(`the JWKS at ${jwksUri} is not JSON`);
  }
  if (!Array.isArray(keys)) throw E.tokenInvalid(`the JWKS at ${jwksUri} has no keys`);
  const spec = ALGS.get(jwt.header.alg);
  const jwk = (keys as Array<Record<string, unknown>>).find(
    (k) => k && k.kid === jwt.header.kid && (spec === undefined || k.kty === spec.kty),
  );
  if (!jwk || !spec) throw E.tokenInvalid(`no key with kid ${jwt.header.kid} in the JWKS at ${jwksUri}`);
  let ok = false;
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    ok = verify(
      spec.hash,
      Buffer.from(jwt.signingInput),
      spec.p1363 ? { key, dsaEncoding: "ieee-p1363" } : key,
      jwt.signature,
    );
  } catch {
    ok = false;
  }
  if (!ok) throw E.tokenInvalid("its signature does not verify with the issuer's key");
}
