/**
 * A tiny OIDC identity provider for offline tests of OIDC federation (the emulator's STS, the
 * library's fingerprint discovery, users' own CI tests).
 *
 * It serves, over HTTPS with its own root → intermediate → leaf chain (presenting leaf +
 * intermediate, as GitHub's and most public issuers do: the root is not sent):
 * - `<issuer>/.well-known/openid-configuration` (issuer, jwks_uri, ...),
 * - `<issuer>/jwks` (one RS256 key with a `kid`),
 * and mints RS256 tokens whose default claims look like GitHub Actions'.
 *
 * Trust: the chain is self-made, so clients must trust `rootCaPem` (the emulator option
 * `trustedCertificates`, `discoverOidcFingerprint(..., {ca})`, or `NODE_EXTRA_CA_CERTS`).
 */
import { createSign, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:https";
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  connect as tcpConnect,
} from "node:net";
import {
  createTestCertificates,
  reissueUnderSameRoot,
  type TestCertificateOptions,
  type TestCertificates,
} from "./certs";

export {
  createTestCertificates,
  reissueUnderSameRoot,
  sha1Fingerprint,
  type TestCertificateOptions,
  type TestCertificates,
} from "./certs";

export interface TestIdpClaims {
  sub: string;
  /** Default `sts.aliyuncs.com`. */
  aud?: string | string[];
  /** Default: the IdP's issuer. */
  iss?: string;
  /** Added to "now" for `iat` (e.g. -13 * 3600 for a token issued 13 hours ago). Default 0. */
  iatOffsetSeconds?: number;
  /** `exp - iat`. Default 300. Negative values give an already expired token. */
  expiresInSeconds?: number;
  [claim: string]: unknown;
}

export interface TestIdp {
  /** `https://127.0.0.1:PORT[/path]` */
  issuer: string;
  rootCaPem: string;
  intermediateCaPem: string;
  /** SHA-1, 40 lower-case hex digits. */
  rootFingerprint: string;
  intermediateFingerprint: string;
  leafFingerprint: string;
  /** The `kid` of the published key. */
  kid: string;
  /** A signed RS256 JWT. GitHub-Actions-shaped defaults; any extra claim is copied in. */
  mintToken(
    claims: TestIdpClaims,
    opts?: {
      /** Header `kid`; default the published one. */
      kid?: string;
      /** Sign with a key that is not in the JWKS (same `kid`): the signature cannot verify. */
      signWithUnknownKey?: boolean;
    },
  ): string;
  /** New root, intermediate and leaf: every fingerprint changes. The token key stays. */
  rotateCertificates(): Promise<void>;
  /**
   * New intermediate and leaf under the same root, as GitHub rotated the intermediate CA of
   * token.actions.githubusercontent.com: the root's fingerprint stays, the intermediate's and the
   * leaf's change. The token key stays.
   */
  rotateIntermediate(options?: Pick<TestCertificateOptions, "intermediateValidDays">): Promise<void>;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Issuer path, e.g. "/tenant-1"; default "" (the issuer is the origin). */
  path?: string;
  /**
   * Default false: serve leaf + intermediate, as real issuers do (the root comes from the
   * client's trust store). True: leaf + intermediate + root.
   */
  presentRoot?: boolean;
  /** Days the first intermediate stays valid. Default 365. */
  intermediateValidDays?: number;
  /** Milliseconds before each HTTP answer, as an issuer far away answers. Default 0. */
  latencyMs?: number;
  /**
   * Milliseconds everything the IdP sends takes to reach the client, as from an issuer across an
   * ocean: each TLS handshake costs one round trip, each request another. (The TCP connect itself
   * is not delayed: it is answered by the local kernel.) Default 0.
   */
  roundTripMs?: number;
}

/**
 * A TCP relay on a free loopback port in front of `target`: what the client sends goes through at
 * once, what the server sends is delayed `delayMs`, in order. Half-closes are passed on (a client
 * that ends its side still gets the answer). Without backpressure: a test IdP's answers are small.
 */
async function startDelayRelay(
  target: number,
  delayMs: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  // Timers of one duration fire in the order they were set: the stream stays in order.
  const later = (f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, delayMs);
    timers.add(t);
  };
  const relay = createTcpServer({ allowHalfOpen: true }, (client) => {
    const server = tcpConnect({ port: target, host: "127.0.0.1", allowHalfOpen: true });
    track(client);
    track(server);
    client.pipe(server);
    server.on("data", (chunk) => later(() => client.write(chunk)));
    server.on("end", () => later(() => client.end()));
    server.on("error", () => later(() => client.destroy()));
    client.on("error", () => server.destroy());
    client.on("close", () => server.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    relay.once("error", reject);
    relay.listen(0, "127.0.0.1", () => {
      relay.off("error", reject);
      resolve();
    });
  });
  return {
    port: (relay.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        relay.close(() => resolve());
      }),
  };
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

function chainPem(certs: TestCertificates, presentRoot: boolean): string {
  return presentRoot
    ? certs.leafPem + certs.intermediateCaPem + certs.rootCaPem
    : certs.leafPem + certs.intermediateCaPem;
}

/** Starts a test IdP on 127.0.0.1; resolves once it listens. */
export async function startTestIdp(opts: TestIdpOptions = {}): Promise<TestIdp> {
  const path = (opts.path ?? "").replace(/\/+$/, "");
  if (path !== "" && !path.startsWith("/")) throw new Error(`path must start with "/": ${opts.path}`);
  const presentRoot = opts.presentRoot ?? false;
  const roundTripMs = opts.roundTripMs ?? 0;
  if (!Number.isFinite(roundTripMs) || roundTripMs < 0)
    throw new Error(`roundTripMs must be a non-negative number, got ${String(opts.roundTripMs)}`);
  let certs = createTestCertificates({
    label: "test IdP",
    ...(opts.intermediateValidDays === undefined
      ? {}
      : { intermediateValidDays: opts.intermediateValidDays }),
  });

  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const strangerKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(8).toString("hex");
  const jwk = {
    ...(signingKey.publicKey.export({ format: "jwk" }) as Record<string, unknown>),
    kid,
    use: "sig",
    alg: "RS256",
  };

  let issuer = "";
  const server: Server = createServer(
    { key: certs.leafKeyPem, cert: chainPem(certs, presentRoot) },
    (req, res) => {
      const url = (req.url ?? "/").split("?")[0] ?? "/";
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        const answer = () => {
          res.writeHead(status, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(text),
          });
          res.end(text);
        };
        if (opts.latencyMs) setTimeout(answer, opts.latencyMs);
        else answer();
      };
      if (req.method !== "GET") return send(405, { error: "method not allowed" });
      if (url === `${path}/.well-known/openid-configuration`) {
        return send(200, {
          issuer,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["id_token"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          claims_supported: ["sub", "aud", "iss", "iat", "exp", "repository", "ref"],
        });
      }
      if (url === `${path}/jwks`) return send(200, { keys: [jwk] });
      return send(404, { error: "not found" });
    },
  );
  // Keep-alive sockets would hold close() and serve a stale chain after a rotation.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const relay =
    roundTripMs > 0 ? await startDelayRelay((server.address() as AddressInfo).port, roundTripMs) : undefined;
  const port = relay?.port ?? (server.address() as AddressInfo).port;
  issuer = `https://127.0.0.1:${port}${path}`;

  const sign = (payload: Record<string, unknown>, key: KeyObject, headerKid: string): string => {
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: headerKid }));
    const body = b64url(JSON.stringify(payload));
    const signer = createSign("RSA-SHA256");
    signer.update(`${header}.${body}`);
    return `${header}.${body}.${b64url(signer.sign(key))}`;
  };

  const idp: TestIdp = {
    issuer,
    kid,
    get rootCaPem() {
      return certs.rootCaPem;
    },
    get intermediateCaPem() {
      return certs.intermediateCaPem;
    },
    get rootFingerprint() {
      return certs.rootFingerprint;
    },
    get intermediateFingerprint() {
      return certs.intermediateFingerprint;
    },
    get leafFingerprint() {
      return certs.leafFingerprint;
    },
    mintToken(claims, mintOpts = {}) {
      const { iatOffsetSeconds = 0, expiresInSeconds = 300, ...rest } = claims;
      const iat = Math.floor(Date.now() / 1000) + iatOffsetSeconds;
      const payload: Record<string, unknown> = {
        jti: randomBytes(8).toString("hex"),
        iss: issuer,
        aud: "sts.aliyuncs.com",
        iat,
        nbf: iat,
        exp: iat + expiresInSeconds,
        ...rest,
      };
      const key = mintOpts.signWithUnknownKey ? strangerKey.privateKey : signingKey.privateKey;
      return sign(payload, key, mintOpts.kid ?? kid);
    },
    async rotateCertificates() {
      certs = createTestCertificates({ label: `test IdP ${randomBytes(3).toString("hex")}` });
      server.setSecureContext({ key: certs.leafKeyPem, cert: chainPem(certs, presentRoot) });
      server.closeIdleConnections();
    },
    async rotateIntermediate(options = {}) {
      certs = reissueUnderSameRoot(certs, options);
      server.setSecureContext({ key: certs.leafKeyPem, cert: chainPem(certs, presentRoot) });
      server.closeIdleConnections();
    },
    close: async () => {
      await relay?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return idp;
}
