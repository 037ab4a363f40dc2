/**
 * The emulator's outbound HTTPS and TLS: what Alibaba's STS does to verify an OIDC issuer, and
 * how the EIAM token endpoint fetches a federated provider's JWKS.
 *
 * The fingerprints STS compares (docs/alibaba-api.md §6.6, inferred from field evidence): the SHA-1
 * of every certificate of the chain that verified the `jwks_uri` host, from the intermediates it
 * presents up to and including the trust anchor (a root the server usually does not send). Node's
 * `getPeerCertificate(true)` extends the presented chain with issuers from the local trust store,
 * so the presented chain is read on a second connection whose trust store is empty; the first
 * connection is the one that verifies the server. The anchor is then found as OpenSSL verifies:
 * a trusted issuer first, else a presented one, up to a self-signed trusted root.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { isIP } from "node:net";
import { connect, type DetailedPeerCertificate, rootCertificates, type TLSSocket } from "node:tls";

export interface OutboundOptions {
  /** PEM roots trusted besides Node's own (and `NODE_EXTRA_CA_CERTS`). */
  ca: string[];
  timeoutMs: number;
}

/** A failed step of issuer verification, named in STS's error message. */
export class IssuerError extends Error {}

const MAX_BODY = 1024 * 1024;

function roots(extra: string[]): string[] | undefined {
  if (extra.length === 0) return undefined;
  // Passing `ca` replaces Node's store, so the defaults and NODE_EXTRA_CA_CERTS go back in.
  const env = process.env.NODE_EXTRA_CA_CERTS;
  let envPem = "";
  if (env) {
    try {
      envPem = readFileSync(env, "utf8");
    } catch {
      // Node only warns about an unreadable file; so do we, silently.
    }
  }
  return [...rootCertificates, ...(envPem ? [envPem] : []), ...extra];
}

const explain = (e: unknown) => {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
};

/** The body of a 200 answer to an https GET, at most 1 MiB. */
export function fetchText(url: string, opts: OutboundOptions): Promise<string> {
  const ca = roots(opts.ca);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json" },
        timeout: opts.timeoutMs,
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const parts: Buffer[] = [];
        let total = 0;
        res.on("data", (b: Buffer) => {
          total += b.length;
          if (total > MAX_BODY) req.destroy(new Error("the answer is larger than 1 MiB"));
          else parts.push(b);
        });
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(parts).toString("utf8"))
            : reject(new Error(`HTTP ${res.statusCode} from ${url}`)),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** `jwks_uri` of the issuer's discovery document; https only. */
export async function jwksUriOf(issuerUrl: string, opts: OutboundOptions): Promise<string> {
  if (!issuerUrl.startsWith("https://")) throw new IssuerError(`issuer: must be https: ${issuerUrl}`);
  const url = `${issuerUrl.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  let body: string;
  try {
    body = await fetchText(url, opts);
  } catch (e) {
    throw new IssuerError(`discovery document: could not fetch ${url}: ${explain(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new IssuerError(`discovery document: ${url} is not JSON`);
  }
  const uri = doc && typeof doc === "object" ? (doc as Record<string, unknown>).jwks_uri : undefined;
  if (typeof uri !== "string" || !/^https:\/\/[^/]/.test(uri))
    throw new IssuerError(`jwks_uri: the discovery document at ${url} has no https jwks_uri`);
  return uri;
}

function handshake<T>(
  host: string,
  port: number,
  tlsOptions: { rejectUnauthorized: boolean; ca?: string[] },
  timeoutMs: number,
  read: (s: TLSSocket) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...tlsOptions });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      try {
        resolve(read(socket));
      } catch (e) {
        reject(e);
      } finally {
        socket.destroy();
      }
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** One certificate of a verified chain, as STS's fingerprint check sees it. */
export interface ChainLink {
  role: "leaf" | "intermediate" | "anchor";
  /** SHA-1 of the DER encoding, lower-case hex. */
  sha1: string;
  subject: string;
}

function peerChain(s: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

let bundled: X509Certificate[] | undefined;

function parsePems(texts: string[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const pem of texts.flatMap(
    (t) => t.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [],
  )) {
    try {
      out.push(new X509Certificate(pem));
    } catch {
      // Unparsable: it cannot have verified anything.
    }
  }
  return out;
}

const signs = (child: X509Certificate, parent: X509Certificate): boolean => {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
};

/** Leaf → presented intermediates → self-signed trusted root, trusted issuers preferred. */
function pathToAnchor(
  presented: X509Certificate[],
  trusted: X509Certificate[],
): X509Certificate[] | undefined {
  const first = presented[0];
  if (!first) return undefined;
  const path = [first];
  for (let i = 0; i < 10; i++) {
    const at = path[path.length - 1] as X509Certificate;
    if (path.length > 1 && signs(at, at) && trusted.some((t) => t.raw.equals(at.raw))) return path;
    const up =
      trusted.find((t) => !path.includes(t) && signs(at, t)) ??
      presented.find((p) => !path.includes(p) && signs(at, p));
    if (!up) return undefined;
    path.push(up);
  }
  return undefined;
}

/** Host and port of the `jwks_uri`, and the chain that verified it, leaf first, anchor last. */
export async function verifiedChainOf(
  url: string,
  opts: OutboundOptions,
): Promise<{ host: string; port: number; chain: ChainLink[] }> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = u.port === "" ? 443 : Number(u.port);
  const ca = roots(opts.ca);
  let verified: X509Certificate[];
  let presented: X509Certificate[];
  try {
    verified = await handshake(
      host,
      port,
      { rejectUnauthorized: true, ...(ca ? { ca } : {}) },
      opts.timeoutMs,
      peerChain,
    );
    presented = await handshake(host, port, { rejectUnauthorized: false, ca: [] }, opts.timeoutMs, peerChain);
  } catch (e) {
    throw new IssuerError(`TLS connect: ${host}:${port}: ${explain(e)}`);
  }
  if (!presented[0] || !verified[0]?.raw.equals(presented[0].raw))
    throw new IssuerError(
      `TLS connect: ${host}:${port} presented another certificate on a second connection`,
    );
  bundled ??= parsePems([...rootCertificates]);
  let envPem = "";
  const env = process.env.NODE_EXTRA_CA_CERTS;
  if (env) {
    try {
      envPem = readFileSync(env, "utf8");
    } catch {
      // Unreadable: Node ignored it as well.
    }
  }
  // What Node appended on the verified connection is trusted too (it may come from a system store).
  const appended = verified.filter((v) => !presented.some((p) => p.raw.equals(v.raw)));
  const path = pathToAnchor(presented, [...bundled, ...parsePems([envPem, ...opts.ca]), ...appended]);
  if (!path)
    throw new IssuerError(`TLS connect: ${host}:${port}: the path to a trusted root cannot be rebuilt`);
  return {
    host,
    port,
    chain: path.map((c, i) => ({
      role: i === 0 ? "leaf" : i === path.length - 1 ? "anchor" : "intermediate",
      sha1: c.fingerprint.replace(/:/g, "").toLowerCase(),
      subject: c.subject.split("\n").join(", "),
    })),
  };
}
