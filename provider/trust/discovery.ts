/**
 * The SHA-1 fingerprint Alibaba Cloud expects for an OIDC identity provider, computed the way
 * its documentation describes (docs/alibaba-api.md §6.6):
 *
 * 1. read `jwks_uri` from `<issuer>/.well-known/openid-configuration`;
 * 2. connect over TLS to the host of `jwks_uri` (`openssl s_client -showcerts -connect host:port`);
 * 3. take the LAST certificate of the chain the server presents;
 * 4. SHA-1 of its DER encoding, 40 hex digits without colons.
 *
 * Used by the library (to suggest or check `fingerprints`) and by the emulator's STS (to decide
 * `AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch`), so both agree by construction.
 *
 * Why two TLS connections. Node's `getPeerCertificate(true)` does not return what the server
 * sent: it rebuilds the issuer chain from the presented certificates and then keeps appending
 * issuers found in the client's trust store until it reaches a self-signed one. A server that
 * presents leaf + intermediate would therefore look as if it presented the root too, and we would
 * fingerprint the root, while `openssl s_client -showcerts` (and Alibaba) see the intermediate
 * as the last certificate. So:
 * - the first connection verifies the server against the trust store (Node's roots, or
 *   `NODE_EXTRA_CA_CERTS`, plus `options.ca`), so a fingerprint is never taken from an
 *   impostor;
 * - the second connection uses an EMPTY trust store (`ca: []`, verification off): nothing can be
 *   appended, and `getPeerCertificate(true)` yields exactly the presented certificates that form
 *   the issuer chain from the leaf, in chain order. Being unverified, it is trusted only when it
 *   reached the same server: its leaf certificate must equal, byte for byte, the leaf the verified
 *   connection presented; otherwise discovery fails rather than fingerprint an impostor's chain. Its last element is the last certificate
 *   `openssl s_client -showcerts` prints for a server that sends its chain in order (which TLS
 *   requires). A presented certificate that is not part of the leaf's issuer chain is dropped by
 *   Node; such misconfigured servers are the one case where this and openssl could differ.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { isIP } from "node:net";
import { type ConnectionOptions, connect, type DetailedPeerCertificate, rootCertificates } from "node:tls";

export interface DiscoveryOptions {
  /** Extra trusted PEM roots, added to Node's default roots (and to `NODE_EXTRA_CA_CERTS`). */
  ca?: string | string[];
  /** Per network step. Default 10000 ms. */
  timeoutMs?: number;
}

export interface DiscoveredFingerprint {
  /** 40 lower-case hex digits, no colons. */
  fingerprint: string;
  jwksUri: string;
  host: string;
  port: number;
  /** Subject of the last presented certificate, e.g. `CN=Example Root CA, O=Example`. */
  subject: string;
  /** How many certificates the server presented (in its leaf's issuer chain). */
  chainLength: number;
}

/** Thrown with the failed step in the message: `discovery document`, `jwks_uri`, `TLS connect`. */
export class DiscoveryError extends Error {
  constructor(
    readonly step: "issuer" | "discovery document" | "jwks_uri" | "TLS connect" | "TLS identity",
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = "DiscoveryError";
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The trust store for verifying connections. Without extra roots Node's default store is used
 * as is (it already holds `NODE_EXTRA_CA_CERTS`). With extra roots, passing `ca` replaces the
 * default store, so the bundled roots and the `NODE_EXTRA_CA_CERTS` file are added back.
 */
export function trustStore(ca: string | string[] | undefined): string[] | undefined {
  const extra = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  if (extra.length === 0) return undefined;
  const fromEnv: string[] = [];
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (file) {
    try {
      fromEnv.push(readFileSync(file, "utf8"));
    } catch {
      // Node itself only warns about an unreadable file; do the same by ignoring it.
    }
  }
  return [...rootCertificates, ...fromEnv, ...extra];
}

function sha256Hex(der: Buffer | undefined): string {
  return der ? `sha256:${createHash("sha256").update(der).digest("hex").slice(0, 16)}…` : "(none)";
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/** GET over https with the trust store; resolves to the body text of a 200 answer. */
export function httpsGetText(url: string, options: DiscoveryOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ca = trustStore(options.ca);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "GET", headers: { accept: "application/json" }, timeout: timeoutMs, ...(ca ? { ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > 1024 * 1024) req.destroy(new Error("response larger than 1 MiB"));
          else chunks.push(c);
        });
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} from ${url}`));
          else resolve(Buffer.concat(chunks).toString("utf8"));
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** `https://host[:port][/path]` without a trailing slash, or a DiscoveryError. */
function checkIssuer(issuerUrl: string): URL {
  let url: URL;
  try {
    url = new URL(issuerUrl);
  } catch {
    throw new DiscoveryError("issuer", `not a valid URL: ${issuerUrl}`);
  }
  if (url.protocol !== "https:") throw new DiscoveryError("issuer", `must be an https URL: ${issuerUrl}`);
  return url;
}

/** The discovery document URL of an issuer (a trailing slash of the issuer is not doubled). */
export function discoveryUrl(issuerUrl: string): string {
  return `${issuerUrl.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/** Fetches the discovery document and returns its `jwks_uri` (https only). */
export async function fetchJwksUri(issuerUrl: string, options: DiscoveryOptions = {}): Promise<string> {
  return (await fetchDiscovery(issuerUrl, options)).jwksUri;
}

/** Scheme and host case and a default port do not matter in an issuer; the path does, exactly. */
function sameIssuer(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return (
      x.origin === y.origin &&
      x.pathname === y.pathname &&
      x.search === y.search &&
      a.endsWith("/") === b.endsWith("/")
    );
  } catch {
    return a === b;
  }
}

/**
 * Fetches the discovery document: its `jwks_uri` (https only) and its `issuer` (may be absent;
 * `discoverOidcFingerprint` requires it to be the configured issuer).
 */
export async function fetchDiscovery(
  issuerUrl: string,
  options: DiscoveryOptions = {},
): Promise<{ jwksUri: string; issuer: unknown }> {
  checkIssuer(issuerUrl);
  const url = discoveryUrl(issuerUrl);
  let text: string;
  try {
    text = await httpsGetText(url, options);
  } catch (e) {
    throw new DiscoveryError("discovery document", `could not fetch ${url}: ${describe(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new DiscoveryError("discovery document", `${url} is not JSON`);
  }
  const jwksUri = (doc as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== "string" || jwksUri === "") {
    throw new DiscoveryError("jwks_uri", `the discovery document at ${url} has no jwks_uri`);
  }
  let parsed: URL;
  try {
    parsed = new URL(jwksUri);
  } catch {
    throw new DiscoveryError("jwks_uri", `not a valid URL: ${jwksUri}`);
  }
  if (parsed.protocol !== "https:") throw new DiscoveryError("jwks_uri", `must be https: ${jwksUri}`);
  return { jwksUri, issuer: (doc as { issuer?: unknown }).issuer };
}

/** Host and port of an https URL (port 443 when absent; IPv6 brackets removed). */
export function hostAndPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return { host, port: u.port === "" ? 443 : Number(u.port) };
}

function tlsSession<T>(
  host: string,
  port: number,
  opts: ConnectionOptions,
  timeoutMs: number,
  onSecure: (socket: ReturnType<typeof connect>) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    // SNI must not carry an IP address (RFC 6066; Node warns when it does).
    const servername = isIP(host) === 0 ? host : undefined;
    const socket = connect({ host, port, ...(servername ? { servername } : {}), ...opts });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      try {
        resolve(onSecure(socket));
      } catch (e) {
        reject(e);
      } finally {
        socket.end();
        socket.destroy();
      }
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function subjectText(cert: DetailedPeerCertificate): string {
  const s = cert.subject as unknown as Record<string, string | string[]> | undefined;
  if (!s) return "";
  return Object.entries(s)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
    .join(", ");
}

/**
 * The certificates the server presented, leaf first, in issuer-chain order (see the module
 * comment for why the trust store must be empty here).
 */
function presentedChain(socket: ReturnType<typeof connect>): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    chain.push(cert);
    seen.add(cert.fingerprint256);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/**
 * Connects to `host:port` (verifying it against the trust store first) and returns the SHA-1
 * fingerprint of the last certificate the server presents, as `openssl s_client -showcerts`
 * shows it.
 */
export async function lastCertificateFingerprint(
  host: string,
  port: number,
  options: DiscoveryOptions = {},
): Promise<{ fingerprint: string; subject: string; chainLength: number }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ca = trustStore(options.ca);
  let verifiedLeaf: Buffer;
  try {
    verifiedLeaf = await tlsSession(
      host,
      port,
      { rejectUnauthorized: true, ...(ca ? { ca } : {}) },
      timeoutMs,
      (socket) => socket.getPeerCertificate().raw,
    );
  } catch (e) {
    throw new DiscoveryError("TLS connect", `${host}:${port}: ${describe(e)}`);
  }
  let chain: DetailedPeerCertificate[];
  try {
    chain = await tlsSession(host, port, { rejectUnauthorized: false, ca: [] }, timeoutMs, presentedChain);
  } catch (e) {
    throw new DiscoveryError("TLS connect", `${host}:${port}: ${describe(e)}`);
  }
  const last = chain[chain.length - 1];
  if (!last) throw new DiscoveryError("TLS connect", `${host}:${port} presented no certificate`);
  const leaf = chain[0]?.raw;
  if (!leaf || !verifiedLeaf || !leaf.equals(verifiedLeaf)) {
    throw new DiscoveryError(
      "TLS identity",
      `${host}:${port} presented leaf certificate ${sha256Hex(leaf)} to the unverified connection that reads ` +
        `the chain, but ${sha256Hex(verifiedLeaf)} to the verified one: it cannot be shown to be the same ` +
        "server, so no fingerprint is taken from it (a load balancer mixing certificates, or interception)",
    );
  }
  return {
    fingerprint: last.fingerprint.replace(/:/g, "").toLowerCase(),
    subject: subjectText(last),
    chainLength: chain.length,
  };
}

/**
 * The fingerprint Alibaba Cloud compares for an OIDC issuer: discovery document → `jwks_uri`
 * host → last presented certificate → SHA-1. Only https issuers.
 */
export async function discoverOidcFingerprint(
  issuerUrl: string,
  options: DiscoveryOptions = {},
): Promise<DiscoveredFingerprint> {
  const { jwksUri, issuer } = await fetchDiscovery(issuerUrl, options);
  // OpenID Connect Discovery 1.0 §4.3: the document's issuer MUST be the issuer it was fetched for.
  if (typeof issuer !== "string" || !sameIssuer(issuer, issuerUrl)) {
    throw new DiscoveryError(
      "discovery document",
      `its issuer is ${JSON.stringify(issuer ?? null)}, not the configured ${issuerUrl}: tokens from it would carry another iss`,
    );
  }
  const { host, port } = hostAndPort(jwksUri);
  const last = await lastCertificateFingerprint(host, port, options);
  return { ...last, jwksUri, host, port };
}
