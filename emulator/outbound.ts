/**
 * The emulator's outbound HTTPS and TLS: what Alibaba's STS does to verify an OIDC issuer, and
 * how the EIAM token endpoint fetches a federated provider's JWKS.
 *
 * The fingerprint STS compares is the SHA-1 of the LAST certificate the `jwks_uri` host presents,
 * the one `openssl s_client -showcerts` prints last
 * (https://www.alibabacloud.com/help/en/ram/obtain-oidc-idp-fingerprints-through-openssl).
 * Node's `getPeerCertificate(true)` extends the presented chain with issuers from the local trust
 * store, so the chain is read on a second connection whose trust store is empty; the first
 * connection is the one that verifies the server.
 */
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

/** Host and port of the `jwks_uri`, and the SHA-1 (lower-case hex) of the last certificate it presents. */
export async function lastPresentedSha1(
  url: string,
  opts: OutboundOptions,
): Promise<{ host: string; port: number; sha1: string }> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = u.port === "" ? 443 : Number(u.port);
  const ca = roots(opts.ca);
  try {
    await handshake(host, port, { rejectUnauthorized: true, ...(ca ? { ca } : {}) }, opts.timeoutMs, () => 0);
    const last = await handshake(host, port, { rejectUnauthorized: false, ca: [] }, opts.timeoutMs, (s) => {
      let cert: DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
      let final: DetailedPeerCertificate | undefined;
      const seen = new Set<string>();
      while (cert?.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        final = cert;
        cert = cert.issuerCertificate;
      }
      return final;
    });
    if (!last) throw new Error("no certificate was presented");
    return { host, port, sha1: last.fingerprint.replace(/:/g, "").toLowerCase() };
  } catch (e) {
    throw new IssuerError(`TLS connect: ${host}:${port}: ${explain(e)}`);
  }
}
