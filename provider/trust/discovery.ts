/**
 * What an OIDC issuer's `jwks_uri` host proves about itself over TLS, and which SHA-1
 * fingerprints to pin on a RAM OIDC provider (docs/alibaba-api.md §6.6):
 *
 * 1. read `jwks_uri` from `<issuer>/.well-known/openid-configuration`;
 * 2. connect over TLS to the host of `jwks_uri`, verifying it against the trust store;
 * 3. rebuild the chain that verified it: the leaf, the intermediates the server presented, and the
 *    trust anchor (a root from Node's store, `NODE_EXTRA_CA_CERTS` or the given CA) it ends at;
 * 4. SHA-1 of each certificate's DER encoding, 40 hex digits without colons.
 *
 * Why the whole chain and not "the last certificate shown". Alibaba's openssl how-to says to take
 * the last certificate `openssl s_client -showcerts` prints and calls it the root CA; its console
 * page asks for the root CA's thumbprint. Servers such as GitHub's do not send their root, so the
 * last certificate shown is an intermediate, which the issuer rotates: on 2026-05-13 pipelines
 * pinned to GitHub's intermediate stopped getting credentials, and pinning the root fixed them.
 * So discovery reports every certificate with its role, and recommends the anchor plus the
 * current intermediate: one survives intermediate rotations, the other covers the how-to's reading.
 *
 * Why two TLS connections. Node's `getPeerCertificate(true)` does not return what the server
 * sent: it keeps appending issuers found in the client's trust store. So:
 * - the first connection verifies the server against the trust store, so nothing is ever taken
 *   from an impostor;
 * - the second connection uses an EMPTY trust store (`ca: []`, verification off): nothing can be
 *   appended, and `getPeerCertificate(true)` yields exactly the presented certificates that form
 *   the issuer chain from the leaf. Being unverified, it is trusted only when it reached the same
 *   server: its leaf must equal, byte for byte, the leaf the verified connection presented;
 *   otherwise discovery fails. The anchor is then found the way OpenSSL verifies (a trusted
 *   issuer first, else a presented one, up to a self-signed trusted root); a chain whose path
 *   cannot be rebuilt is refused rather than guessed.
 */
import { createHash, X509Certificate } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import {
  type ConnectionOptions,
  connect,
  createSecureContext,
  type DetailedPeerCertificate,
  rootCertificates,
  type SecureContext,
} from "node:tls";

export interface DiscoveryOptions {
  /** Extra trusted PEM roots, added to Node's default roots (and to `NODE_EXTRA_CA_CERTS`). */
  ca?: string | string[];
  /** Per network step. Default 10000 ms. */
  timeoutMs?: number;
  /**
   * Connect to an issuer or `jwks_uri` host that is not public: loopback, link-local, private
   * (RFC 1918, RFC 4193, shared 100.64/10), or a cloud metadata service. Off by default, so a
   * discovery document cannot point this machine at its own network; on for a test IdP on this
   * machine or an IdP on a private network (provider config `alicloud-federation:allowPrivateIssuer`).
   */
  allowPrivateIssuer?: boolean;
}

export interface DiscoveredFingerprint {
  /**
   * The trust anchor's SHA-1 (40 lower-case hex digits): the root CA the console asks for. Prefer
   * {@link DiscoveredFingerprint.recommended}, which adds the current intermediate.
   */
  fingerprint: string;
  jwksUri: string;
  host: string;
  port: number;
  /** Subject of the trust anchor, e.g. `CN=Example Root CA, O=Example`. */
  subject: string;
  /** How many certificates the server presented (in its leaf's issuer chain). */
  chainLength: number;
  /** Leaf, presented intermediates, trust anchor: each with SHA-1, subject, expiry and role. */
  chain: ChainCertificate[];
  /** What to pin: the anchor and the current intermediate(s), at most 5. */
  recommended: string[];
}

/** Thrown with the failed step in the message: `discovery document`, `jwks_uri`, `TLS connect`, ... */
export class DiscoveryError extends Error {
  constructor(
    readonly step:
      | "issuer"
      | "host"
      | "discovery document"
      | "jwks_uri"
      | "TLS connect"
      | "TLS identity"
      | "TLS chain",
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

/** Built TLS contexts by the SHA-256 of their trust store; few distinct stores are ever used. */
const contexts = new Map<string, SecureContext>();
let contextsBuilt = 0;

/**
 * The TLS context that verifies against {@link trustStore}`(ca)`: undefined for Node's default
 * store, else built once per process for each distinct store. Node parses every certificate of a
 * `ca` option at each connection (about 150 bundled roots, plus a `NODE_EXTRA_CA_CERTS` bundle:
 * tens of ms each), and a chain check connects three times. The store's text is the key, so a
 * changed root or bundle builds a new context. A discovery looks it up once, for all three.
 */
function trustContext(ca: string | string[] | undefined): SecureContext | undefined {
  const store = trustStore(ca);
  if (!store) return undefined;
  const key = createHash("sha256").update(store.join("\n")).digest("hex");
  let context = contexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: store });
    contextsBuilt++;
    if (contexts.size >= 8) contexts.clear();
    contexts.set(key, context);
  }
  return context;
}

/** TLS options that verify against `context` (Node's default store when undefined). */
const verifiedBy = (context: SecureContext | undefined): ConnectionOptions => ({
  rejectUnauthorized: true,
  ...(context ? { secureContext: context } : {}),
});

/**
 * How many TLS contexts this process has built for given trust stores (tests).
 *
 * @internal
 */
export function trustContextsBuilt(): number {
  return contextsBuilt;
}

function sha256Hex(der: Buffer | undefined): string {
  return der ? `sha256:${createHash("sha256").update(der).digest("hex").slice(0, 16)}…` : "(none)";
}

/** Socket-level failures: one answer for all, so discovery cannot tell a closed port from a silent one. */
const NO_ANSWER = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EPIPE",
  "ECONNABORTED",
  "EADDRNOTAVAIL",
  "NO_ANSWER",
]);

function describe(err: unknown): string {
  if (err instanceof HostRefused) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== undefined && NO_ANSWER.has(code)) || err.message === "socket hang up")
      return "no answer (the connection was refused, reset or timed out)";
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/** A host discovery does not connect to; raised before any connection is attempted. */
class HostRefused extends Error {}

const v4 = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;

/** IPv4 ranges that are not the public internet: [first address, prefix length, what it is]. */
const NON_PUBLIC_V4: ReadonlyArray<[number, number, string]> = [
  [v4(0, 0, 0, 0), 8, "a 'this network' address"],
  [v4(10, 0, 0, 0), 8, "a private address (RFC 1918)"],
  // Alibaba Cloud's instance metadata service, 100.100.100.200, is in here.
  [
    v4(100, 64, 0, 0),
    10,
    "a shared or metadata-service address (100.64.0.0/10, Alibaba Cloud's metadata service)",
  ],
  [v4(127, 0, 0, 0), 8, "a loopback address"],
  [v4(169, 254, 0, 0), 16, "a link-local or metadata-service address (169.254.0.0/16)"],
  [v4(172, 16, 0, 0), 12, "a private address (RFC 1918)"],
  [v4(192, 0, 0, 0), 24, "an IETF protocol address"],
  [v4(192, 168, 0, 0), 16, "a private address (RFC 1918)"],
  [v4(198, 18, 0, 0), 15, "a benchmarking address"],
  [v4(224, 0, 0, 0), 4, "a multicast address"],
  [v4(240, 0, 0, 0), 4, "a reserved address"],
];

function v4Reason(address: string): string | undefined {
  const n = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const hit = NON_PUBLIC_V4.find(
    ([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)),
  );
  return hit?.[2];
}

/** The 8 groups of an IPv6 address, or undefined. */
function v6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().split("%")[0] ?? "";
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const o = tail[1].split(".").map(Number);
    text = `${text.slice(0, -tail[1].length)}${((o[0] ?? 0) * 256 + (o[1] ?? 0)).toString(16)}:${((o[2] ?? 0) * 256 + (o[3] ?? 0)).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const part = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const a = part(head);
  const b = rest === undefined ? [] : part(rest);
  const groups = rest === undefined ? a : [...a, ...Array(8 - a.length - b.length).fill(0), ...b];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

/**
 * Why an IP address is not a public one (loopback, link-local, private, metadata service,
 * unspecified, multicast...), or undefined for a public address. Registries:
 * https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/; Alibaba Cloud's metadata service
 * address: https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata
 */
export function nonPublicAddressReason(address: string): string | undefined {
  if (isIP(address) === 4) return v4Reason(address);
  if (isIP(address) !== 6) return undefined;
  const g = v6Groups(address);
  if (!g) return "an address that cannot be read";
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  if (g.every((x) => x === 0)) return "the unspecified address";
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return "a loopback address";
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && g5 === 0xffff) return v4Reason(embedded);
  if (g0 === 0x64 && g1 === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4Reason(embedded);
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g0 & 0xfe00) === 0xfc00) return "a private (unique local) or metadata-service address";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address";
  return undefined;
}

/** Names that are this machine or a metadata service whatever DNS says. */
function nonPublicNameReason(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return "this machine (localhost)";
  if (h === "metadata" || h === "metadata.google.internal") return "a metadata-service name";
  return undefined;
}

function refusal(host: string, reason: string): HostRefused {
  return new HostRefused(
    `${host} is ${reason}: discovery connects only to public hosts, so that a discovery document cannot point this machine at its own network. ` +
      "For a test IdP on this machine or an IdP on a private network, set the option allowPrivateIssuer (provider config alicloud-federation:allowPrivateIssuer: true)",
  );
}

/** Refuses a non-public host before anything is resolved or connected (IP literals, localhost). */
function checkHost(host: string, options: DiscoveryOptions): void {
  if (options.allowPrivateIssuer) return;
  const reason = nonPublicNameReason(host) ?? nonPublicAddressReason(host.replace(/^\[|\]$/g, ""));
  if (reason !== undefined) throw refusal(host, reason);
}

/**
 * DNS resolution that refuses non-public answers: the check is on the very addresses the socket
 * then connects to, so a name that resolves to a private address (or rebinds to one between two
 * lookups) is refused too.
 */
function guardedLookup(options: DiscoveryOptions): LookupFunction | undefined {
  if (options.allowPrivateIssuer) return undefined;
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, found) => {
      const list = (found ?? []) as unknown as LookupAddress[];
      if (err) return (callback as (e: Error) => void)(err);
      for (const a of list) {
        const reason = nonPublicAddressReason(a.address);
        if (reason !== undefined)
          return (callback as (e: Error) => void)(refusal(`${hostname} (${a.address})`, reason));
      }
      const first = list[0];
      if (!first)
        return (callback as (e: Error) => void)(
          Object.assign(new Error("no address"), { code: "ENOTFOUND" }),
        );
      if (lookupOptions.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      return (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };
}

/** GET over https with the trust store; resolves to the body text of a 200 answer. */
export function httpsGetText(url: string, options: DiscoveryOptions = {}): Promise<string> {
  return getText(url, options, trustContext(options.ca));
}

/** {@link httpsGetText}, verified by a context already looked up. */
function getText(
  url: string,
  options: DiscoveryOptions,
  context: SecureContext | undefined,
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lookup = guardedLookup(options);
  return new Promise((resolve, reject) => {
    try {
      checkHost(new URL(url).hostname, options);
    } catch (e) {
      reject(e);
      return;
    }
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json" },
        timeout: timeoutMs,
        // A connection of its own: a pooled one may have been opened under other options (another
        // trust store, or a private address allowed), which the pool's key does not tell apart.
        agent: false,
        // Verified whatever NODE_TLS_REJECT_UNAUTHORIZED says: a fingerprint is a trust decision.
        ...verifiedBy(context),
        ...(lookup ? { lookup } : {}),
      },
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
    req.on("timeout", () => req.destroy(Object.assign(new Error("no answer"), { code: "NO_ANSWER" })));
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
export function fetchDiscovery(
  issuerUrl: string,
  options: DiscoveryOptions = {},
): Promise<{ jwksUri: string; issuer: unknown }> {
  return readDiscovery(issuerUrl, options, trustContext(options.ca));
}

/** {@link fetchDiscovery}, verified by a context already looked up. */
async function readDiscovery(
  issuerUrl: string,
  options: DiscoveryOptions,
  context: SecureContext | undefined,
): Promise<{ jwksUri: string; issuer: unknown }> {
  checkIssuer(issuerUrl);
  const url = discoveryUrl(issuerUrl);
  let text: string;
  try {
    text = await getText(url, options, context);
  } catch (e) {
    if (e instanceof HostRefused) throw new DiscoveryError("issuer", e.message);
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
  try {
    checkHost(parsed.hostname, options);
  } catch (e) {
    throw new DiscoveryError("jwks_uri", (e as Error).message);
  }
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
  options: DiscoveryOptions,
  onSecure: (socket: ReturnType<typeof connect>) => T,
  signal?: AbortSignal,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    try {
      checkHost(host, options);
    } catch (e) {
      reject(e);
      return;
    }
    if (signal?.aborted) {
      reject(new Error("not needed"));
      return;
    }
    const lookup = guardedLookup(options);
    // SNI must not carry an IP address (RFC 6066; Node warns when it does).
    const servername = isIP(host) === 0 ? host : undefined;
    const socket = connect({
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(lookup ? { lookup } : {}),
      ...opts,
    });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error("no answer"), { code: "NO_ANSWER" })),
      timeoutMs,
    );
    const cancel = () => socket.destroy(new Error("not needed"));
    signal?.addEventListener("abort", cancel, { once: true });
    socket.once("close", () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
    });
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

/** PEM blocks of a text that may hold several (a bundle, `NODE_EXTRA_CA_CERTS`). */
function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * A trusted certificate, parsed only when it may be the issuer looked for: Node bundles about 150
 * roots, and parsing them all took about 50 ms of CPU in every preview that checks an OIDC
 * provider's chain, where one or two are ever compared. Exported for its test only.
 *
 * @internal
 */
export class TrustedCertificate {
  #parsed: X509Certificate | null | undefined;
  constructor(
    readonly der: Buffer,
    parsed?: X509Certificate,
  ) {
    this.#parsed = parsed;
  }
  /** The certificate, or undefined when Node cannot parse it (then it cannot have verified anything). */
  get cert(): X509Certificate | undefined {
    if (this.#parsed === undefined) {
      try {
        this.#parsed = new X509Certificate(this.der);
      } catch {
        this.#parsed = null;
      }
    }
    return this.#parsed ?? undefined;
  }
  /** False only when this cannot be the certificate whose subject is `issuer`'s issuer. */
  mayHaveIssued(issuer: X509Certificate): boolean {
    return this.mayHold(issuerNameBytes(issuer));
  }
  /** Whether the encoding holds one of `name`'s forms ({@link issuerNameBytes}); true without a name. */
  mayHold(name: readonly Buffer[] | undefined): boolean {
    return name === undefined || name.some((form) => this.der.includes(form));
  }
}

/**
 * The encodings `c`'s issuer common name may have in its issuer's DER: as bytes (PrintableString,
 * UTF8String, IA5String of an ASCII name) and as UTF-16 (BMPString). Undefined for a name that is
 * not plain ASCII, or that Node prints escaped: it is not looked for, every certificate may match.
 */
function issuerNameBytes(c: X509Certificate): Buffer[] | undefined {
  const cn = /^CN=(.*)$/m.exec(c.issuer)?.[1];
  if (!cn || !/^[\x20-\x7e]+$/.test(cn) || /[\\"]/.test(cn)) return undefined;
  return [Buffer.from(cn, "latin1"), Buffer.from(cn, "utf16le").swap16()];
}

function fromPem(texts: readonly string[]): TrustedCertificate[] {
  return texts.flatMap(pemBlocks).map((pem) => {
    const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, "");
    return new TrustedCertificate(Buffer.from(base64, "base64"));
  });
}

let nodeRoots: TrustedCertificate[] | undefined;

/**
 * The certificates a verified connection may have ended at: Node's bundled roots, the
 * `NODE_EXTRA_CA_CERTS` file and `options.ca` (what {@link trustStore} hands to TLS).
 */
function trustedCertificates(ca: string | string[] | undefined): TrustedCertificate[] {
  nodeRoots ??= fromPem(rootCertificates);
  const fromEnv: string[] = [];
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (file) {
    try {
      fromEnv.push(readFileSync(file, "utf8"));
    } catch {
      // Unreadable: Node ignored it too, so it cannot have verified anything.
    }
  }
  const extra = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  return [...nodeRoots, ...fromPem([...fromEnv, ...extra])];
}

/** The certificates a connection's peer chain holds, leaf first, as Node orders them. */
function peerChain(socket: ReturnType<typeof connect>): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    chain.push(new X509Certificate(cert.raw));
    seen.add(cert.fingerprint256);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** `child` names `parent` as its issuer and carries `parent`'s signature. */
function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

const sha1Of = (c: X509Certificate): string => c.fingerprint.replace(/:/g, "").toLowerCase();

/** A certificate of the chain that verified an issuer's `jwks_uri` host. */
export interface ChainCertificate {
  /**
   * `leaf`: the server's own certificate (renewed every few months: never a pin);
   * `intermediate`: a CA between leaf and anchor (rotated by the issuer every year or two);
   * `anchor`: the trusted root the chain ends at (long-lived).
   */
  role: "leaf" | "intermediate" | "anchor";
  /** SHA-1 of the DER encoding: 40 lower-case hex digits, no colons (Alibaba's format). */
  fingerprint: string;
  /** e.g. `CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US`. */
  subject: string;
  /** When the certificate expires, ISO-8601 UTC. */
  notAfter: string;
  /** Whether the server sent it (an anchor is usually not sent: it comes from the trust store). */
  presented: boolean;
}

/** The verified chain of a TLS server and the fingerprints worth pinning from it. */
export interface VerifiedChain {
  host: string;
  port: number;
  /** Leaf first, anchor last. */
  chain: ChainCertificate[];
  /** How many certificates the server presented (in its leaf's issuer chain). */
  presentedCount: number;
  /**
   * What to pin: the anchor, then the presented intermediates from the leaf's issuer up, at most
   * {@link MAX_RECOMMENDED} (a RAM OIDC provider holds 5 fingerprints).
   */
  recommended: string[];
}

/** A RAM OIDC provider holds at most 5 fingerprints. */
export const MAX_RECOMMENDED = 5;

/**
 * The verification path from the presented leaf to a self-signed trusted certificate, preferring
 * a trusted issuer over a presented one at each step (OpenSSL's default, "trusted first").
 */
function verificationPath(
  presented: X509Certificate[],
  trusted: TrustedCertificate[],
): X509Certificate[] | undefined {
  const leaf = presented[0];
  if (!leaf) return undefined;
  const isTrusted = (c: X509Certificate) => trusted.some((t) => t.der.equals(c.raw));
  // The first trusted certificate that issued `c`, in the store's order; the name filter only
  // skips certificates that cannot have (they are never parsed). The name's forms once per step.
  const trustedIssuer = (c: X509Certificate, path: X509Certificate[]) => {
    const name = issuerNameBytes(c);
    return trusted.find((t) => {
      if (!t.mayHold(name)) return false;
      const cert = t.cert;
      return cert !== undefined && !path.includes(cert) && issuedBy(c, cert);
    })?.cert;
  };
  const path = [leaf];
  for (let depth = 0; depth < 10; depth++) {
    const current = path[path.length - 1] as X509Certificate;
    if (path.length > 1 && issuedBy(current, current) && isTrusted(current)) return path;
    const next =
      trustedIssuer(current, path) ?? presented.find((p) => !path.includes(p) && issuedBy(current, p));
    if (!next) return undefined;
    path.push(next);
  }
  return undefined;
}

/**
 * The two TLS sessions {@link verifiedChain} compares, both opened at once: one verified against
 * the trust store (which chain Node accepted), one not (what the server presents). Opened early,
 * they may go unused: `abort()` closes them, and a failure is seen only by whoever awaits them.
 */
interface ChainSessions {
  host: string;
  port: number;
  verified: Promise<X509Certificate[]>;
  presented: Promise<X509Certificate[]>;
  abort(): void;
}

function openChainSessions(
  host: string,
  port: number,
  options: DiscoveryOptions,
  context = trustContext(options.ca),
): ChainSessions {
  const controller = new AbortController();
  const { signal } = controller;
  const session = (opts: ConnectionOptions) => {
    const chain = tlsSession(host, port, opts, options, peerChain, signal);
    chain.catch(() => undefined);
    return chain;
  };
  return {
    host,
    port,
    verified: session(verifiedBy(context)),
    presented: session({ rejectUnauthorized: false, ca: [] }),
    abort: () => controller.abort(),
  };
}

/**
 * Connects to `host:port`, verifying it against the trust store, and returns the chain that
 * verified it: the presented certificates up to the trust anchor, each with its SHA-1, subject,
 * expiry and role, plus the recommended pins. Fails, naming the step, when the server cannot be
 * verified, answers the two connections with different leaves, or its anchor cannot be determined.
 * The two connections go out together (a far issuer costs one handshake's round trips, not two).
 */
export async function verifiedChain(
  host: string,
  port: number,
  options: DiscoveryOptions = {},
): Promise<VerifiedChain> {
  return chainOf(openChainSessions(host, port, options), options);
}

/**
 * {@link verifiedChain} from sessions already opened. When the verified one fails, the unverified
 * one is closed and the verified one's failure is reported.
 */
async function chainOf(sessions: ChainSessions, options: DiscoveryOptions): Promise<VerifiedChain> {
  const { host, port } = sessions;
  const connectFailure = (e: unknown) =>
    e instanceof HostRefused
      ? new DiscoveryError("host", e.message)
      : new DiscoveryError("TLS connect", `${host}:${port}: ${describe(e)}`);
  // The verified session's failure is the one reported when both fail, as when they ran in turn.
  let verified: X509Certificate[];
  try {
    verified = await sessions.verified;
  } catch (e) {
    sessions.abort();
    throw connectFailure(e);
  }
  let presented: X509Certificate[];
  try {
    presented = await sessions.presented;
  } catch (e) {
    throw connectFailure(e);
  }
  const leaf = presented[0]?.raw;
  const verifiedLeaf = verified[0]?.raw;
  if (!leaf) throw new DiscoveryError("TLS connect", `${host}:${port} presented no certificate`);
  if (!verifiedLeaf || !leaf.equals(verifiedLeaf)) {
    throw new DiscoveryError(
      "TLS identity",
      `${host}:${port} presented leaf certificate ${sha256Hex(leaf)} to the unverified connection that reads ` +
        `the chain, but ${sha256Hex(verifiedLeaf)} to the verified one: it cannot be shown to be the same ` +
        "server, so no fingerprint is taken from it (a load balancer mixing certificates, or interception)",
    );
  }
  // The verified connection's chain ends at the anchor Node found (it may come from a store we
  // cannot list, such as the system's): a candidate beside the listed trust store.
  const fromStore = verified.filter((v) => !presented.some((p) => p.raw.equals(v.raw)));
  const path = verificationPath(presented, [
    ...trustedCertificates(options.ca),
    ...fromStore.map((c) => new TrustedCertificate(c.raw, c)),
  ]);
  if (!path) {
    throw new DiscoveryError(
      "TLS chain",
      `${host}:${port} was verified, but the path from its certificate to a trusted root could not be ` +
        "rebuilt, so which certificates STS compares cannot be told: give fingerprints explicitly",
    );
  }
  const chain: ChainCertificate[] = path.map((c, i) => ({
    role: i === 0 ? "leaf" : i === path.length - 1 ? "anchor" : "intermediate",
    fingerprint: sha1Of(c),
    subject: c.subject.split("\n").join(", "),
    notAfter: new Date(c.validTo).toISOString(),
    presented: presented.some((p) => p.raw.equals(c.raw)),
  }));
  const anchor = chain[chain.length - 1] as ChainCertificate;
  const intermediates = chain.filter((c) => c.role === "intermediate" && c.presented);
  const recommended = [anchor, ...intermediates].map((c) => c.fingerprint).slice(0, MAX_RECOMMENDED);
  return { host, port, chain, presentedCount: presented.length, recommended };
}

/**
 * The SHA-1 of the last certificate the server presents, as `openssl s_client -showcerts` shows
 * it: what Alibaba's openssl how-to literally produces. For a server that does not send its root
 * that is an intermediate, which rotates: pin {@link VerifiedChain.recommended} instead.
 */
export async function lastCertificateFingerprint(
  host: string,
  port: number,
  options: DiscoveryOptions = {},
): Promise<{ fingerprint: string; subject: string; chainLength: number }> {
  const v = await verifiedChain(host, port, options);
  const last = v.chain[v.presentedCount - 1] ?? v.chain[v.chain.length - 1];
  if (!last) throw new DiscoveryError("TLS connect", `${host}:${port} presented no certificate`);
  return { fingerprint: last.fingerprint, subject: last.subject, chainLength: v.presentedCount };
}

/**
 * Discovery for an OIDC issuer: discovery document → `jwks_uri` host → the verified chain, each
 * certificate with its SHA-1, and the recommended pins. Only https issuers.
 */
export async function discoverOidcFingerprint(
  issuerUrl: string,
  options: DiscoveryOptions = {},
): Promise<DiscoveredFingerprint> {
  // The chain is read from the jwks_uri's host, known only from the document; it is almost always
  // the issuer's own (GitHub, GitLab), so the chain's two connections to the issuer's host go out
  // with the document's request, and are used only if the document names that host (else closed).
  // Against a far issuer that is one round of round trips instead of three in turn, on the engine's
  // check path.
  const issuerHost = hostAndPort(checkIssuer(issuerUrl).href);
  const context = trustContext(options.ca);
  const early = openChainSessions(issuerHost.host, issuerHost.port, options, context);
  let sessions: ChainSessions | undefined;
  let jwksUri: string;
  try {
    const found = await readDiscovery(issuerUrl, options, context);
    jwksUri = found.jwksUri;
    const issuer = found.issuer;
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer MUST be the issuer it was fetched for.
    if (typeof issuer !== "string" || !sameIssuer(issuer, issuerUrl)) {
      throw new DiscoveryError(
        "discovery document",
        `its issuer is ${JSON.stringify(issuer ?? null)}, not the configured ${issuerUrl}: tokens from it would carry another iss`,
      );
    }
    const { host, port } = hostAndPort(jwksUri);
    sessions =
      early.host === host && early.port === port ? early : openChainSessions(host, port, options, context);
  } finally {
    if (sessions !== early) early.abort();
  }
  const { host, port } = sessions;
  const v = await chainOf(sessions, options);
  const anchor = v.chain[v.chain.length - 1] as ChainCertificate;
  return {
    fingerprint: anchor.fingerprint,
    subject: anchor.subject,
    chainLength: v.presentedCount,
    jwksUri,
    host,
    port,
    chain: v.chain,
    recommended: v.recommended,
  };
}
