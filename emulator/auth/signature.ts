/**
 * Verification of Alibaba OpenAPI request signatures, as the real gateway does it:
 * the default V3 `ACS3-HMAC-SHA256` (Authorization header) and the legacy V1 RPC signature
 * (HMAC-SHA1, `Signature` parameter). See `docs/alibaba-api.md` §8.1-8.2.
 *
 * Repeated `x-acs-signature-nonce` / `SignatureNonce` values are deliberately NOT refused:
 * the SDKs may resend a request with the same nonce on retry, and the emulator must not turn
 * a retried call into a spurious failure.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import {
  incompleteSignature,
  invalidAccessKeyIdNotFound,
  invalidTimeStampExpired,
  invalidTimeStampFormat,
  missingAuthorization,
  signatureDoesNotMatch,
} from "../errors";
import { SIGNING } from "../limits";
import type { Credential, CredentialStore } from "./credentials";

/** What the verifier needs from an HTTP request, as received on the wire. */
export interface SignedRequest {
  method: string;
  /** The path part of the URL, still percent-encoded. */
  rawPath: string;
  /** Everything after `?`, or "". */
  rawQuery: string;
  /** Header name (lower case) → every value sent under that name. */
  headers: ReadonlyMap<string, readonly string[]>;
  body: Buffer;
  /** Query plus form-body parameters, decoded. */
  params: Readonly<Record<string, string>>;
}

export type SignatureVersion = "ACS3-HMAC-SHA256" | "V1";

export interface VerifiedCaller {
  credential: Credential;
  signatureVersion: SignatureVersion;
}

const ACS3 = "ACS3-HMAC-SHA256";

/** RFC 3986 percent-encoding as the SDKs do it: encodeURIComponent plus `!'()*`. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, "%21")
    .replace(/'/g, "%27")
    .replace(/\(/g, "%28")
    .replace(/\)/g, "%29")
    .replace(/\*/g, "%2A");
}

/** Decodes one query or form component; `+` is a space (form encoding). Malformed escapes stay as sent. */
export function decodeComponent(value: string): string {
  const spaced = value.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Parses `a=1&b=2` into ordered pairs; a key without `=` has the value "". */
export function parseQueryPairs(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (raw === "") return out;
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    out.push([decodeComponent(key), decodeComponent(value)]);
  }
  return out;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The ACS3 canonical query: keys sorted, `key=encode(value)`, joined with `&` (keys are not encoded, as in the SDK). */
export function acs3CanonicalQuery(rawQuery: string): string {
  const map = new Map<string, string>();
  for (const [k, v] of parseQueryPairs(rawQuery)) map.set(k, v);
  return [...map.keys()]
    .sort()
    .map((k) => `${k}=${percentEncode(map.get(k) ?? "")}`)
    .join("&");
}

/** The ACS3 canonical request for the given signed header names (lower case, in the order signed). */
export function acs3CanonicalRequest(
  req: SignedRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  // The SDK signs the unencoded pathname with these substitutions; for RPC it is always "/".
  const uri = req.rawPath.replace(/\+/g, "%20").replace(/\*/g, "%2A").replace(/%7E/g, "~");
  let canonicalHeaders = "";
  for (const name of signedHeaders) {
    const values = [...(req.headers.get(name) ?? [])].map((v) => v.trim()).sort();
    canonicalHeaders += `${name}:${values.join(",")}\n`;
  }
  return [
    req.method.toUpperCase(),
    uri,
    acs3CanonicalQuery(req.rawQuery),
    canonicalHeaders,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export function acs3Signature(secret: string, canonicalRequest: string): string {
  const stringToSign = `${ACS3}\n${sha256Hex(canonicalRequest)}`;
  return createHmac("sha256", secret).update(stringToSign).digest("hex");
}

/** The V1 string to sign: `METHOD&%2F&encode(sorted k=v pairs)`, `Signature` excluded. */
export function v1StringToSign(method: string, params: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? "")}`)
    .join("&");
  return `${method.toUpperCase()}&${percentEncode("/")}&${percentEncode(canonical)}`;
}

export function v1Signature(secret: string, stringToSign: string): string {
  return createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Refuses a request date that is malformed or more than `SIGNING.maxClockSkewSeconds` from now. */
export function checkRequestDate(value: string, nowMs: number): void {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) throw invalidTimeStampFormat();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidTimeStampFormat();
  if (Math.abs(nowMs - t) > SIGNING.maxClockSkewSeconds * 1000) throw invalidTimeStampExpired();
}

function header(req: SignedRequest, name: string): string | undefined {
  const values = req.headers.get(name);
  return values && values.length > 0 ? values.join(",") : undefined;
}

/**
 * Verifies the request's signature and returns the caller, or throws the AlibabaError the real
 * gateway would answer. Order of checks: form of the signature, access key, security token,
 * date, payload hash, signature.
 */
export function verifyRequest(req: SignedRequest, store: CredentialStore, nowMs: number): VerifiedCaller {
  const authorization = header(req, "authorization");
  if (authorization !== undefined) {
    if (authorization.startsWith(`${ACS3} `)) return verifyAcs3(req, authorization, store, nowMs);
    throw incompleteSignature(`Unsupported Authorization scheme; expected ${ACS3}.`);
  }
  if (req.params.Signature !== undefined) return verifyV1(req, store, nowMs);
  throw missingAuthorization();
}

function verifyAcs3(
  req: SignedRequest,
  authorization: string,
  store: CredentialStore,
  nowMs: number,
): VerifiedCaller {
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ACS3.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw incompleteSignature("Malformed Authorization header.");
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get("Credential");
  const signedHeaderList = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKeyId || !signedHeaderList || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    throw incompleteSignature(
      "The Authorization header needs Credential, SignedHeaders and a hex Signature.",
    );
  }
  const signedHeaders = signedHeaderList.split(";").map((h) => h.trim().toLowerCase());
  // The SDK signs host and every x-acs-* header it sends; we insist on the same, so that an
  // unsigned security token or date cannot be swapped in transit.
  for (const required of ["host", "x-acs-date", "x-acs-content-sha256"]) {
    if (!signedHeaders.includes(required)) throw incompleteSignature(`Header ${required} must be signed.`);
  }
  for (const name of req.headers.keys()) {
    if (name.startsWith("x-acs-") && !signedHeaders.includes(name)) {
      throw incompleteSignature(`Header ${name} is sent but not signed.`);
    }
  }

  const credential = store.find(accessKeyId);
  if (!credential) throw invalidAccessKeyIdNotFound();
  store.checkSecurityToken(credential, header(req, "x-acs-security-token"));
  checkRequestDate(header(req, "x-acs-date") ?? "", nowMs);

  const declaredHash = header(req, "x-acs-content-sha256") ?? "";
  // Guess: the real gateway's code for a body that does not match its declared hash is not
  // documented; a mismatch means the signature covers other bytes, so we answer as for a bad signature.
  if (declaredHash !== sha256Hex(req.body)) throw signatureDoesNotMatch();

  const expected = acs3Signature(
    credential.accessKeySecret,
    acs3CanonicalRequest(req, signedHeaders, declaredHash),
  );
  if (!safeEqual(expected, signature)) throw signatureDoesNotMatch();
  return { credential, signatureVersion: ACS3 };
}

function verifyV1(req: SignedRequest, store: CredentialStore, nowMs: number): VerifiedCaller {
  const p = req.params;
  for (const name of ["AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "SignatureNonce"]) {
    if (!p[name]) throw incompleteSignature(`Parameter ${name} is required for a V1 signature.`);
  }
  if (p.SignatureMethod !== "HMAC-SHA1" || p.SignatureVersion !== "1.0") {
    throw incompleteSignature("A V1 signature must use SignatureMethod HMAC-SHA1 and SignatureVersion 1.0.");
  }
  const credential = store.find(p.AccessKeyId ?? "");
  if (!credential) throw invalidAccessKeyIdNotFound();
  store.checkSecurityToken(credential, p.SecurityToken);
  checkRequestDate(p.Timestamp ?? "", nowMs);
  const expected = v1Signature(credential.accessKeySecret, v1StringToSign(req.method, p));
  if (!safeEqual(expected, p.Signature ?? "")) throw signatureDoesNotMatch();
  return { credential, signatureVersion: "V1" };
}
