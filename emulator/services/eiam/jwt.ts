/**
 * Compact JWS helpers for the EIAM token endpoint: decoding, HS256 verification (client_secret_jwt),
 * RS/ES verification (private_key_jwt, OIDC federated tokens) and RS256 signing (access tokens).
 * Failures are `JwtError`s; the token endpoint turns them into `invalid_client`.
 */
import {
  createHmac,
  createPublicKey,
  createSign,
  type JsonWebKey,
  type KeyObject,
  timingSafeEqual,
  verify,
} from "node:crypto";

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JwtError";
  }
}

export interface DecodedJwt {
  header: Record<string, unknown> & { alg: string };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/**
 * Asymmetric algorithms: hash, key type, and the EC curve. A Map: a header `alg` such as
 * `constructor` or `toString` is unsupported, never an inherited member.
 */
export const ASYMMETRIC_ALGS: ReadonlyMap<string, { hash: string; kty: "rsa" | "ec"; curve?: string }> =
  new Map<string, { hash: string; kty: "rsa" | "ec"; curve?: string }>([
    ["RS256", { hash: "sha256", kty: "rsa" }],
    ["RS384", { hash: "sha384", kty: "rsa" }],
    ["RS512", { hash: "sha512", kty: "rsa" }],
    ["ES256", { hash: "sha256", kty: "ec", curve: "prime256v1" }],
    ["ES384", { hash: "sha384", kty: "ec", curve: "secp384r1" }],
    ["ES512", { hash: "sha512", kty: "ec", curve: "secp521r1" }],
  ]);

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new JwtError(`its ${what} is not base64url-encoded JSON`);
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new JwtError("it is not a JSON Web Token (three base64url parts separated by dots)");
  }
  const [h = "", c = "", s = ""] = parts;
  const header = decodePart(h, "header");
  const claims = decodePart(c, "payload");
  if (typeof header.alg !== "string") throw new JwtError("its header has no alg");
  return {
    header: { ...header, alg: header.alg },
    claims,
    signingInput: `${h}.${c}`,
    signature: Buffer.from(s, "base64url"),
  };
}

/** HS256 with the secret's UTF-8 bytes as the key (as PyJWT signs with a str secret). */
export function verifyHs256(jwt: DecodedJwt, secret: string): boolean {
  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(jwt.signingInput).digest();
  return expected.length === jwt.signature.length && timingSafeEqual(expected, jwt.signature);
}

/** Verifies an RS256-512 or ES256-512 signature with `key`; false when the key does not fit the algorithm. */
export function verifyAsymmetric(jwt: DecodedJwt, key: KeyObject): boolean {
  const spec = ASYMMETRIC_ALGS.get(jwt.header.alg);
  if (!spec || key.asymmetricKeyType !== spec.kty) return false;
  if (spec.curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== spec.curve) return false;
  try {
    return verify(
      spec.hash,
      Buffer.from(jwt.signingInput),
      spec.kty === "ec" ? { key, dsaEncoding: "ieee-p1363" } : key,
      jwt.signature,
    );
  } catch {
    return false;
  }
}

/** The keys of a JWKS text that may verify the token: by `kid` when it has one, else every key. */
export function jwksCandidates(jwksText: string, jwt: DecodedJwt): KeyObject[] {
  let keys: unknown;
  try {
    keys = (JSON.parse(jwksText) as { keys?: unknown }).keys;
  } catch {
    throw new JwtError("the provider's JWKS is not JSON");
  }
  if (!Array.isArray(keys)) throw new JwtError("the provider's JWKS has no keys");
  const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : undefined;
  const out: KeyObject[] = [];
  for (const k of keys as Array<Record<string, unknown>>) {
    if (!k || typeof k !== "object") continue;
    if (kid !== undefined && k.kid !== kid) continue;
    try {
      out.push(createPublicKey({ key: k as JsonWebKey, format: "jwk" }));
    } catch {
      // a key Node cannot import verifies nothing
    }
  }
  if (out.length === 0) {
    throw new JwtError(
      kid === undefined
        ? "the provider's JWKS has no usable key"
        : `no key with kid ${kid} in the provider's JWKS`,
    );
  }
  return out;
}

/** An RS256 JWS. */
export function signRs256(claims: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }));
  const body = b64url(JSON.stringify(claims));
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${body}`);
  return `${header}.${body}.${b64url(signer.sign(privateKey))}`;
}
