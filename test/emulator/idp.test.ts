import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestCertificates, startTestIdp, type TestIdp } from "../../emulator";
import {
  DiscoveryError,
  discoverOidcFingerprint,
  httpsGetText,
  lastCertificateFingerprint,
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
      await httpsGetText(`${idp.issuer}/.well-known/openid-configuration`, { ca: idp.rootCaPem }),
    );
    expect(doc).toMatchObject({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks` });
    const jwks = JSON.parse(await httpsGetText(doc.jwks_uri, { ca: idp.rootCaPem }));
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", kid: idp.kid, alg: "RS256" });
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
      (await lastCertificateFingerprint("127.0.0.1", Number(new URL(i.issuer).port), { ca: i.rootCaPem }))
        .chainLength;
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
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem });
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
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem });
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
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem });
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
      const found = await discoverOidcFingerprint(idp.issuer, { ca: createTestCertificates().rootCaPem });
      expect(found.recommended[0]).toBe(idp.rootFingerprint);
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the openssl how-to's last shown certificate is the intermediate for such a server", async () => {
    const last = await lastCertificateFingerprint("127.0.0.1", Number(new URL(idp.issuer).port), {
      ca: idp.rootCaPem,
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
    const err = await discoverOidcFingerprint("https://127.0.0.1:1", { timeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).step).toBe("discovery document");
  });

  test("an untrusted chain fails (the fingerprint is never taken from an unverified server)", async () => {
    await expect(discoverOidcFingerprint(idp.issuer)).rejects.toThrow(/^discovery document: .*certificate/);
  });
});
