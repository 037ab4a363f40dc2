import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createTestCertificates, startTestIdp, type TestIdp } from "../../emulator";
import {
  DiscoveryError,
  discoverOidcFingerprint,
  httpsGetText,
  lastCertificateFingerprint,
  nonPublicAddressReason,
  trustContextsBuilt,
  verifiedChain,
} from "../../provider/trust/discovery";

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ path: "/tenant" });
});
afterAll(() => idp.close());

describe("test PKI", () => {
  test("root → intermediate → leaf verify with Node's X509Certificate; the leaf names 127.0.0.1", () => {
    const c = createTestCertificates();
    const root = new X509Certificate(c.rootCaPem);
    const inter = new X509Certificate(c.intermediateCaPem);
    const leaf = new X509Certificate(c.leafPem);
    expect(root.ca && inter.ca && !leaf.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(inter.verify(root.publicKey)).toBe(true);
    expect(leaf.verify(inter.publicKey)).toBe(true);
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(c.rootFingerprint).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("test IdP", () => {
  test("serves the discovery document and the JWKS under its issuer path", async () => {
    expect(idp.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/tenant$/);
    const doc = JSON.parse(
      await httpsGetText(`${idp.issuer}/.well-known/openid-configuration`, {
        ca: idp.rootCaPem,
        allowPrivateIssuer: true,
      }),
    );
    expect(doc).toMatchObject({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks` });
    const jwks = JSON.parse(
      await httpsGetText(doc.jwks_uri, { ca: idp.rootCaPem, allowPrivateIssuer: true }),
    );
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", kid: idp.kid, alg: "RS256" });
  });

  test("roundTripMs: every handshake and every answer takes the round trip; the chain is the same one", async () => {
    await expect(startTestIdp({ roundTripMs: -1 })).rejects.toThrow(
      /^roundTripMs must be a non-negative number/,
    );
    const far = await startTestIdp({ roundTripMs: 150 });
    try {
      const o = { ca: far.rootCaPem, allowPrivateIssuer: true };
      const started = performance.now();
      const doc = JSON.parse(await httpsGetText(`${far.issuer}/.well-known/openid-configuration`, o));
      // A lower bound only: the handshake's round trip, then the answer's.
      expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150 - 5);
      expect(doc.jwks_uri).toBe(`${far.issuer}/jwks`);
      const found = await discoverOidcFingerprint(far.issuer, o);
      expect(found.recommended).toEqual([far.rootFingerprint, far.intermediateFingerprint]);
      expect(found.chain[0]?.fingerprint).toBe(far.leafFingerprint);
    } finally {
      await far.close();
    }
  });

  test("mints GitHub-Actions-shaped tokens by default", () => {
    const [h, c] = idp.mintToken({ sub: "repo:acme/app:ref:refs/heads/main" }).split(".");
    expect(JSON.parse(Buffer.from(h!, "base64url").toString())).toMatchObject({ alg: "RS256", kid: idp.kid });
    const claims = JSON.parse(Buffer.from(c!, "base64url").toString());
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: "sts.aliyuncs.com",
      sub: "repo:acme/app:ref:refs/heads/main",
    });
    expect(claims.exp - claims.iat).toBe(300);
  });

  test("presents leaf + intermediate by default, as GitHub does; presentRoot adds the root", async () => {
    const shown = async (i: TestIdp) =>
      (
        await lastCertificateFingerprint("127.0.0.1", Number(new URL(i.issuer).port), {
          ca: i.rootCaPem,
          allowPrivateIssuer: true,
        })
      ).chainLength;
    expect(await shown(idp)).toBe(2);
    const withRoot = await startTestIdp({ presentRoot: true });
    try {
      expect(await shown(withRoot)).toBe(3);
    } finally {
      await withRoot.close();
    }
  });

  test("rotateCertificates changes every fingerprint and what discovery finds", async () => {
    const before = {
      root: idp.rootFingerprint,
      inter: idp.intermediateFingerprint,
      leaf: idp.leafFingerprint,
    };
    await idp.rotateCertificates();
    expect(idp.rootFingerprint).not.toBe(before.root);
    expect(idp.intermediateFingerprint).not.toBe(before.inter);
    expect(idp.leafFingerprint).not.toBe(before.leaf);
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem, allowPrivateIssuer: true });
    expect(found.fingerprint).toBe(idp.rootFingerprint);
    expect(found.recommended).toEqual([idp.rootFingerprint, idp.intermediateFingerprint]);
    expect(found.recommended).not.toContain(before.root);
  });

  test("rotateIntermediate keeps the root and changes the intermediate and the leaf", async () => {
    const before = {
      root: idp.rootFingerprint,
      inter: idp.intermediateFingerprint,
      leaf: idp.leafFingerprint,
      rootPem: idp.rootCaPem,
    };
    await idp.rotateIntermediate();
    expect(idp.rootFingerprint).toBe(before.root);
    expect(idp.rootCaPem).toBe(before.rootPem);
    expect(idp.intermediateFingerprint).not.toBe(before.inter);
    expect(idp.leafFingerprint).not.toBe(before.leaf);
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem, allowPrivateIssuer: true });
    expect(found.chain.map((c) => [c.role, c.fingerprint])).toEqual([
      ["leaf", idp.leafFingerprint],
      ["intermediate", idp.intermediateFingerprint],
      ["anchor", before.root],
    ]);
    // The new intermediate is signed by the same root.
    expect(
      new X509Certificate(idp.intermediateCaPem).verify(new X509Certificate(before.rootPem).publicKey),
    ).toBe(true);
  });
});

describe("discovery returns the verified chain", () => {
  test("leaf, presented intermediate and the anchor from the given CA, each with SHA-1, subject, expiry and role", async () => {
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem, allowPrivateIssuer: true });
    expect(found.chainLength).toBe(2);
    expect(found.chain).toHaveLength(3);
    const [leaf, inter, anchor] = found.chain;
    expect(leaf).toMatchObject({ role: "leaf", fingerprint: idp.leafFingerprint, presented: true });
    expect(inter).toMatchObject({
      role: "intermediate",
      fingerprint: idp.intermediateFingerprint,
      presented: true,
      subject: expect.stringMatching(/^CN=test IdP .*intermediate CA$/),
    });
    expect(anchor).toMatchObject({
      role: "anchor",
      fingerprint: idp.rootFingerprint,
      presented: false,
      subject: expect.stringMatching(/^CN=test IdP.* root CA$/),
    });
    for (const c of found.chain) {
      expect(c.fingerprint).toMatch(/^[0-9a-f]{40}$/);
      expect(c.notAfter).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    }
    // The root is long-lived, the intermediate shorter: the test PKI's defaults.
    expect(Date.parse(anchor!.notAfter)).toBeGreaterThan(Date.parse(inter!.notAfter));
    expect(found.recommended).toEqual([idp.rootFingerprint, idp.intermediateFingerprint]);
    expect(found.fingerprint).toBe(idp.rootFingerprint);
  });

  test("an anchor from NODE_EXTRA_CA_CERTS is found like one from the given CA", async () => {
    const dir = mkdtempSync(join(tmpdir(), "idp-ca-"));
    const file = join(dir, "ca.pem");
    writeFileSync(file, idp.rootCaPem);
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    try {
      // Node reads the file into its default store at start-up only; with any `ca` given, discovery
      // adds the file back itself. An unrelated CA here: only the file can verify and anchor.
      process.env.NODE_EXTRA_CA_CERTS = file;
      const found = await discoverOidcFingerprint(idp.issuer, {
        ca: createTestCertificates().rootCaPem,
        allowPrivateIssuer: true,
      });
      expect(found.recommended[0]).toBe(idp.rootFingerprint);
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a given trust store's TLS context is built once per process for all its connections, and again when the store changes", async () => {
    // Each discovery verifies two connections against the store (the document's and the chain's).
    const discover = (ca: string[]) => discoverOidcFingerprint(idp.issuer, { ca, allowPrivateIssuer: true });
    const store = [idp.rootCaPem, createTestCertificates().rootCaPem];
    const before = trustContextsBuilt();
    // Every context TLS builds with a trust store, ours or one tls.connect would build from a `ca`
    // option (the unverified connection's empty store aside).
    const tls = createRequire(__filename)("node:tls") as typeof import("node:tls");
    const spy = vi.spyOn(tls, "createSecureContext");
    syncBuiltinESMExports();
    try {
      expect((await discover(store)).recommended[0]).toBe(idp.rootFingerprint);
      expect((await discover(store)).recommended[0]).toBe(idp.rootFingerprint);
      const withStore = spy.mock.calls.filter(([o]) => Array.isArray(o?.ca) && o.ca.length > 0);
      expect(withStore).toHaveLength(1);
    } finally {
      spy.mockRestore();
      syncBuiltinESMExports();
    }
    expect(trustContextsBuilt()).toBe(before + 1);
    // One more root: another store, another context, and the chain is still anchored right.
    const grown = [...store, createTestCertificates().rootCaPem];
    expect((await discover(grown)).recommended[0]).toBe(idp.rootFingerprint);
    expect(trustContextsBuilt()).toBe(before + 2);
    // Without the IdP's root the store verifies nothing: a context cannot hold an old trust.
    const err = await discover([createTestCertificates().rootCaPem]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect(trustContextsBuilt()).toBe(before + 3);
  });

  test("NODE_TLS_REJECT_UNAUTHORIZED=0 turns no verification off: an untrusted issuer is still refused", async () => {
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      const err = await discoverOidcFingerprint(idp.issuer, {
        ca: createTestCertificates().rootCaPem,
        allowPrivateIssuer: true,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).step).toBe("discovery document");
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      warn.mockRestore();
    }
  });

  test("the openssl how-to's last shown certificate is the intermediate for such a server", async () => {
    const last = await lastCertificateFingerprint("127.0.0.1", Number(new URL(idp.issuer).port), {
      ca: idp.rootCaPem,
      allowPrivateIssuer: true,
    });
    expect(last.fingerprint).toBe(idp.intermediateFingerprint);
  });
});

describe("discoverOidcFingerprint errors name the failed step", () => {
  test("an http issuer is refused", async () => {
    await expect(discoverOidcFingerprint("http://127.0.0.1:1")).rejects.toThrow(
      /^issuer: must be an https URL/,
    );
  });

  test("an unreachable issuer fails at the discovery document", async () => {
    const err = await discoverOidcFingerprint("https://127.0.0.1:1", {
      timeoutMs: 2000,
      allowPrivateIssuer: true,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).step).toBe("discovery document");
  });

  test("a closed port and one that never answers fail alike (no port scanning through discovery)", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const messages = await Promise.all(
        [`https://127.0.0.1:1`, `https://127.0.0.1:${port}`].map((issuer) =>
          discoverOidcFingerprint(issuer, { timeoutMs: 500, allowPrivateIssuer: true }).catch((e: unknown) =>
            (e as Error).message.replace(/127\.0\.0\.1:\d+/, "HOST"),
          ),
        ),
      );
      expect(messages[0]).toBe(
        "discovery document: could not fetch https://HOST/.well-known/openid-configuration: no answer (the connection was refused, reset or timed out)",
      );
      expect(messages[1]).toBe(messages[0]);
      const tls = await Promise.all(
        [1, port].map((p) =>
          verifiedChain("127.0.0.1", p, { timeoutMs: 500, allowPrivateIssuer: true }).catch((e: unknown) =>
            (e as Error).message.replace(/:\d+:/, ":PORT:"),
          ),
        ),
      );
      expect(tls[0]).toBe(
        "TLS connect: 127.0.0.1:PORT: no answer (the connection was refused, reset or timed out)",
      );
      expect(tls[1]).toBe(tls[0]);
    } finally {
      silent.close();
    }
  });

  test("loopback, link-local, private and metadata-service hosts are refused before any connection", async () => {
    let connections = 0;
    const counter = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => counter.listen(0, "127.0.0.1", r));
    const port = (counter.address() as AddressInfo).port;
    try {
      for (const issuer of [
        `https://127.0.0.1:${port}`,
        `https://localhost:${port}`,
        "https://[::1]",
        "https://169.254.169.254",
        "https://100.100.100.200",
        "https://10.1.2.3",
        "https://172.20.0.1",
        "https://192.168.1.1",
        "https://[fe80::1]",
        "https://[fd00:ec2::254]",
        "https://[::ffff:127.0.0.1]",
        "https://0.0.0.0",
      ]) {
        const err = await discoverOidcFingerprint(issuer, { timeoutMs: 500 }).catch((e: unknown) => e);
        expect(err, issuer).toBeInstanceOf(DiscoveryError);
        expect((err as DiscoveryError).step, issuer).toBe("issuer");
        expect((err as Error).message, issuer).toMatch(
          /discovery connects only to public hosts.*set the option allowPrivateIssuer/,
        );
      }
      for (const host of ["169.254.169.254", "100.100.100.200", "localhost", "127.0.0.1"]) {
        const err = await verifiedChain(host, port, { timeoutMs: 500 }).catch((e: unknown) => e);
        expect((err as DiscoveryError).step, host).toBe("host");
      }
      expect(connections).toBe(0);
      // Public addresses are not refused by the check itself.
      expect(nonPublicAddressReason("8.8.8.8")).toBeUndefined();
      expect(nonPublicAddressReason("2606:4700::1111")).toBeUndefined();
      expect(nonPublicAddressReason("100.100.100.200")).toMatch(/metadata/);
      expect(nonPublicAddressReason("64:ff9b::a9fe:a9fe")).toMatch(/link-local/);
    } finally {
      counter.close();
    }
  });

  test("an untrusted chain fails (the fingerprint is never taken from an unverified server)", async () => {
    await expect(discoverOidcFingerprint(idp.issuer, { allowPrivateIssuer: true })).rejects.toThrow(
      /^discovery document: .*certificate/,
    );
  });
});
