/**
 * OidcProvider without fingerprints: check() discovers the fingerprint from
 * the issuer, and a certificate rotation at the IdP shows as a diff at the
 * next preview, before tokens start failing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startTestIdp, type TestIdp } from "../../emulator";
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
