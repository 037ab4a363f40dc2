/**
 * OidcProvider without fingerprints: check() discovers the fingerprint from
 * the issuer, and a certificate rotation at the IdP shows as a diff at the
 * next preview, before tokens start failing.
 */
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCertificates, type Emulator, startTestIdp, type TestIdp } from "../../emulator";
import { type OidcProviderOutputs, OidcProviderProvider as P } from "../../provider/resources/oidcProvider";
import { resetSettings } from "../../provider/settings";
import { actions, configOf, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;
let idp: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp();
  ({ emulator, config } = await startWired());
  await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
});
afterAll(async () => {
  await emulator?.close();
  await idp?.close();
  resetSettings();
});
beforeEach(async () => {
  await emulator.reset();
});

const args = () => ({ oidcProviderName: "idp", issuerUrl: idp.issuer, clientIds: ["sts.aliyuncs.com"] });

describe("fingerprint discovery", () => {
  it("fills in the last presented certificate's SHA-1 when fingerprints are omitted, with no API call", async () => {
    const res = await P.check({}, args());
    expect(res.failures).toEqual([]);
    expect(res.inputs?.fingerprints).toEqual([idp.rootFingerprint]);
    expect(res.inputs?.fingerprints).not.toContain(idp.leafFingerprint);
    expect(res.inputs?.fingerprints).not.toContain(idp.intermediateFingerprint);
    expect(await actions(emulator)).toEqual([]);
  });

  it("shows an IdP certificate rotation as a fingerprint change at the next check", async () => {
    const created = await P.create((await P.check({}, args())).inputs as Record<string, unknown>);
    const before = idp.rootFingerprint;
    await idp.rotateCertificates();
    expect(idp.rootFingerprint).not.toBe(before);
    // The engine's own trust would still need the new root; configure again as a user would.
    await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
    const news = (await P.check({}, args())).inputs as Record<string, unknown>;
    expect(news.fingerprints).toEqual([idp.rootFingerprint]);
    const d = await P.diff("idp", created.outs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    await emulator.clearRequests();
    const updated = await P.update("idp", created.outs as OidcProviderOutputs, news);
    expect(updated.outs.fingerprints).toEqual([idp.rootFingerprint]);
    expect(await actions(emulator)).toEqual([
      "AddFingerprintToOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
    ]);
  });

  it("fails at preview, naming the field and the step, when the issuer cannot be reached", async () => {
    const res = await P.check({}, { ...args(), issuerUrl: "https://127.0.0.1:9" });
    expect(res.failures).toHaveLength(1);
    expect(res.failures?.[0]?.property).toBe("fingerprints");
    expect(res.failures?.[0]?.reason).toMatch(
      /^not given, and discovering it from https:\/\/127\.0\.0\.1:9 failed: .+Give fingerprints explicitly/,
    );
  });

  it("does not discover when fingerprints are given", async () => {
    const res = await P.check(
      {},
      { ...args(), fingerprints: ["a".repeat(40)], issuerUrl: "https://127.0.0.1:9" },
    );
    expect(res.failures).toEqual([]);
    expect(res.inputs?.fingerprints).toEqual(["a".repeat(40)]);
  });
});

describe("discovery you can trust", () => {
  /**
   * An HTTPS IdP whose discovery document names `docIssuer`, and which presents `second`'s
   * certificate from its second TLS connection on (as an interceptor answering only the
   * unverified connection would).
   */
  async function trickyIdp(opts: { docIssuer?: (origin: string) => string; swapLeaf?: boolean }) {
    const good = createTestCertificates({ label: "good idp" });
    const other = createTestCertificates({ label: "other idp" });
    const ctx = (c: typeof good) => ({
      key: c.leafKeyPem,
      cert: c.leafPem + c.intermediateCaPem + c.rootCaPem,
    });
    let origin = "";
    const server = createHttpsServer(ctx(good), (req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration")
        res.end(
          JSON.stringify({
            issuer: opts.docIssuer ? opts.docIssuer(origin) : origin,
            jwks_uri: `${origin}/jwks`,
          }),
        );
      else res.end(JSON.stringify({ keys: [] }));
    });
    let connections = 0;
    server.on("secureConnection", () => {
      connections++;
      // From the next connection on, another (untrusted) server answers.
      if (opts.swapLeaf && connections >= 2) server.setSecureContext(ctx(other));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { origin, good, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  async function discover(origin: string, ca: string) {
    await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": ca }));
    try {
      return await P.check({}, { ...args(), issuerUrl: origin });
    } finally {
      await P.configure(configOf({ ...config, "alicloud-federation:caCertificates": idp.rootCaPem }));
    }
  }

  it("refuses a chain read over the unverified connection when its leaf is not the verified one's", async () => {
    const t = await trickyIdp({ swapLeaf: true });
    try {
      const res = await discover(t.origin, t.good.rootCaPem);
      expect(res.failures).toHaveLength(1);
      expect(res.failures?.[0]?.property).toBe("fingerprints");
      expect(res.failures?.[0]?.reason).toMatch(
        /TLS identity: 127\.0\.0\.1:\d+ presented leaf certificate sha256:[0-9a-f]{16}… to the unverified connection that reads the chain, but sha256:[0-9a-f]{16}… to the verified one/,
      );
      expect(res.inputs?.fingerprints).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("the same server on both connections passes", async () => {
    const t = await trickyIdp({});
    try {
      const res = await discover(t.origin, t.good.rootCaPem);
      expect(res.failures).toEqual([]);
      expect(res.inputs?.fingerprints).toEqual([t.good.rootFingerprint]);
    } finally {
      await t.close();
    }
  });

  it("refuses a discovery document whose issuer is not the configured issuer, naming both", async () => {
    const t = await trickyIdp({ docIssuer: () => "https://token.actions.githubusercontent.com" });
    try {
      const res = await discover(t.origin, t.good.rootCaPem);
      expect(res.failures?.[0]?.reason).toContain(
        `discovery document: its issuer is "https://token.actions.githubusercontent.com", not the configured ${t.origin}`,
      );
    } finally {
      await t.close();
    }
    // Only a trailing slash apart is still another issuer (iss is compared exactly).
    const slash = await trickyIdp({ docIssuer: (o) => `${o}/` });
    try {
      expect((await discover(slash.origin, slash.good.rootCaPem)).failures?.[0]?.reason).toContain(
        "discovery document: its issuer is",
      );
    } finally {
      await slash.close();
    }
    // A document without issuer is refused too.
    const none = await trickyIdp({ docIssuer: () => undefined as unknown as string });
    try {
      expect((await discover(none.origin, none.good.rootCaPem)).failures?.[0]?.reason).toContain(
        "its issuer is null",
      );
    } finally {
      await none.close();
    }
  });
});
