import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestCertificates, startTestIdp, type TestIdp } from "../../emulator";
import { DiscoveryError, discoverOidcFingerprint, httpsGetText } from "../../provider/trust/discovery";

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
    expect((await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem })).fingerprint).toBe(
      idp.rootFingerprint,
    );
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
