/**
 * OidcProvider through the real Pulumi engine: up, no-op up, drift, in-place
 * updates, replacement, validation at preview, adoption, faults, destroy,
 * secrets and the size and stability of the serialized provider.
 *
 * Live mode runs it against the account (the provider named with the run's prefix, call counts
 * checked only against an emulator of its own); the two fault tests need the emulator.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/engine";
import { countsFor, emulatorOnly, named, namedIssuer, onEmulator } from "../target";
import { type EngineHarness, outputSink, startEngine, writeCalls } from "./engine";

const PROGRAM = path.join(__dirname, "programs", "oidc");
const fp = (n: number) => n.toString(16).padStart(40, "0");
const FP1 = JSON.stringify([fp(1)]);
const NAME = named("e2e-idp");
const ISSUER = namedIssuer("https://idp.example.com");
const ISSUER2 = namedIssuer("https://idp2.example.com");

let h: EngineHarness;

async function up(opts: { refresh?: boolean } = {}) {
  const sink = outputSink();
  const res = await h.stack.up({ onOutput: sink.onOutput, refresh: opts.refresh });
  return { res, output: sink.lines.join("") };
}

type Live = {
  OIDCProviderName: string;
  ClientIds: string;
  Fingerprints: string;
  IssuerUrl: string;
  Description: string;
};
async function liveProviders(): Promise<Live[]> {
  const body = (await h.emulator.console("ims", "ListOIDCProviders", {})) as {
    OIDCProviders?: { OIDCProvider?: Live[] };
  };
  return (body.OIDCProviders?.OIDCProvider ?? []).filter((p) => countsFor(p.OIDCProviderName, [NAME]));
}

beforeAll(async () => {
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e",
    config: { fingerprints: FP1, name: NAME, issuerUrl: ISSUER },
  });
}, 600_000);
afterAll(async () => h?.close());

describe("OidcProvider under the real engine", () => {
  beforeEach(async () => {
    await onEmulator(() => h.emulator.clearFaults());
  });

  it("up creates exactly the declared provider with one call; a second up changes nothing and writes nothing", async () => {
    await h.emulator.clearRequests();
    const first = await up();
    expect(first.res.summary.resourceChanges).toMatchObject({ create: 2 }); // the stack and the provider
    await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual(["CreateOIDCProvider"]));
    const live = await liveProviders();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({
      OIDCProviderName: NAME,
      ClientIds: "sts.aliyuncs.com",
      Fingerprints: fp(1),
    });
    expect(first.res.outputs.arn?.value).toBe(`acs:ram::${h.emulator.accountId}:oidc-provider/${NAME}`);

    await h.emulator.clearRequests();
    const second = await up();
    expect(second.res.summary.resourceChanges).toEqual({ same: 2 });
    await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual([]));
  });

  it("stores no access key secret in state, and each __provider is small", () => {
    const state = h.stateFile();
    expect(state).not.toContain(h.emulator.accessKeySecret);
    const deployment = JSON.parse(state).checkpoint.latest;
    const providers = deployment.resources.filter((r: { type: string }) =>
      r.type.includes("alicloud-federation"),
    );
    expect(providers).toHaveLength(1);
    for (const r of providers) {
      expect(r.type).toBe("pulumi-nodejs:dynamic/alicloud-federation:OidcProvider");
      expect(Buffer.byteLength(r.inputs.__provider, "utf8")).toBeLessThan(4096);
      expect(r.inputs.__provider).not.toContain(h.emulator.accessKeySecret);
      if (h.emulator.url) expect(r.inputs.__provider).not.toContain(h.emulator.url);
    }
  });

  it("catches an out-of-band edit with preview --refresh and repairs it with up --refresh", async () => {
    await h.emulator.console("ims", "UpdateOIDCProvider", {
      OIDCProviderName: NAME,
      ClientIds: "sts.aliyuncs.com,intruder",
    });
    const sink = outputSink();
    const gate = await h.stack
      .preview({ refresh: true, expectNoChanges: true, diff: true, onOutput: sink.onOutput })
      .then(
        () => "passed",
        (e: Error) => e.message,
      );
    expect(gate).not.toBe("passed");
    expect(sink.lines.join("")).toContain("intruder");

    await h.emulator.clearRequests();
    const repaired = await up({ refresh: true });
    expect(repaired.res.summary.resourceChanges).toMatchObject({ update: 1 });
    await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual(["UpdateOIDCProvider"]));
    expect((await liveProviders())[0]?.ClientIds).toBe("sts.aliyuncs.com");
    const clean = await h.stack.preview({ refresh: true, expectNoChanges: true });
    expect(clean.changeSummary).toMatchObject({ same: 2 });
  });

  it("changes a fingerprint in place with one add and one remove", async () => {
    await h.stack.setConfig("fingerprints", { value: JSON.stringify([fp(2)]) });
    await h.emulator.clearRequests();
    const res = await up();
    expect(res.res.summary.resourceChanges).toMatchObject({ update: 1 });
    await onEmulator(async () =>
      expect(await writeCalls(h.emulator)).toEqual([
        "AddFingerprintToOIDCProvider",
        "RemoveFingerprintFromOIDCProvider",
      ]),
    );
    expect((await liveProviders())[0]?.Fingerprints).toBe(fp(2));
  });

  it("changes client IDs in place with one call, and ignores their order and duplicates", async () => {
    await h.stack.setConfig("clientIds", { value: JSON.stringify(["b-aud", "sts.aliyuncs.com"]) });
    await h.emulator.clearRequests();
    await up();
    await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual(["UpdateOIDCProvider"]));
    expect((await liveProviders())[0]?.ClientIds.split(",").sort()).toEqual(["b-aud", "sts.aliyuncs.com"]);
    await h.stack.setConfig("clientIds", { value: JSON.stringify(["sts.aliyuncs.com", "b-aud", "b-aud"]) });
    await h.stack.setConfig("fingerprints", {
      value: JSON.stringify([fp(2).toUpperCase().match(/../g)!.join(":")]),
    });
    await h.emulator.clearRequests();
    const again = await up();
    expect(again.res.summary.resourceChanges).toEqual({ same: 2 });
    await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual([]));
  });

  it("fails at preview with field-named messages and makes no API call", async () => {
    await h.stack.setConfig("fingerprints", { value: JSON.stringify([1, 2, 3, 4, 5, 6].map(fp)) });
    await h.stack.setConfig("issuanceLimitTime", { value: "0" });
    await h.emulator.clearRequests();
    const sink = outputSink();
    const err = await h.stack.preview({ onOutput: sink.onOutput }).then(
      () => "passed",
      (e: Error) => e.message + sink.lines.join(""),
    );
    expect(err).toContain("has 6 distinct items, but a RAM OIDC provider allows at most 5");
    expect(err).toContain("is 0, but must be a whole number of hours from 1 to 168");
    expect(err).toContain("fingerprints");
    expect(err).toContain("issuanceLimitTime");
    await onEmulator(async () => expect(await h.emulator.requests({ service: "ims" })).toEqual([]));
    await h.stack.setConfig("fingerprints", { value: JSON.stringify([fp(2)]) });
    await h.stack.removeConfig("issuanceLimitTime");
  });

  it("shows no diff when the library's own code changes", async () => {
    const file = path.join(REPO_ROOT, "dist", "provider", "resources", "oidcProvider.js");
    const original = fs.readFileSync(file, "utf8");
    try {
      fs.writeFileSync(file, `${original}\n// a library upgrade that changes this file\n`);
      const preview = await h.stack.preview();
      expect(preview.changeSummary).toEqual({ same: 2 });
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  emulatorOnly("injects throttling").test("retries throttling mid-up and finishes", async () => {
    await h.stack.setConfig("description", { value: "throttled once" });
    await h.emulator.injectFault({ action: "UpdateOIDCProvider", kind: "throttle", count: 2 });
    await h.emulator.clearRequests();
    const res = await up();
    expect(res.res.summary.resourceChanges).toMatchObject({ update: 1 });
    const log = await h.emulator.requests({ service: "ims", action: "UpdateOIDCProvider" });
    expect(log.map((r) => r.status)).toEqual([400, 400, 200]);
    expect((await liveProviders())[0]?.Description).toBe("throttled once");
  });

  emulatorOnly("injects server errors").test("after a hard failure mid-up, a re-run converges", async () => {
    await h.stack.setConfig("fingerprints", { value: JSON.stringify([fp(3), fp(4)]) });
    await h.emulator.injectFault({
      action: "RemoveFingerprintFromOIDCProvider",
      kind: "server-error",
      count: 4,
    });
    const failed = await up().then(
      () => "passed",
      (e: Error) => e.message,
    );
    expect(failed).toContain("InternalError");
    expect((await liveProviders())[0]?.Fingerprints.split(",").sort()).toEqual([fp(2), fp(3), fp(4)]);
    await h.emulator.clearFaults();
    const rerun = await up();
    expect(rerun.res.summary.resourceChanges).toMatchObject({ update: 1 });
    expect((await liveProviders())[0]?.Fingerprints.split(",").sort()).toEqual([fp(3), fp(4)]);
    const clean = await h.stack.preview({ refresh: true, expectNoChanges: true });
    expect(clean.changeSummary).toMatchObject({ same: 2 });
  });

  it("replaces the provider when the issuer URL changes", async () => {
    // The fingerprints the hard-failure test left (set again: it does not run in live mode).
    await h.stack.setConfig("fingerprints", { value: JSON.stringify([fp(3), fp(4)]) });
    await h.stack.setConfig("issuerUrl", { value: ISSUER2 });
    await h.emulator.clearRequests();
    const res = await up();
    expect(res.res.summary.resourceChanges).toMatchObject({ replace: 1 });
    await onEmulator(async () =>
      expect(await writeCalls(h.emulator)).toEqual(["DeleteOIDCProvider", "CreateOIDCProvider"]),
    );
    const live = await liveProviders();
    expect(live.map((p) => p.IssuerUrl)).toEqual([ISSUER2]);
  });

  it("destroy leaves the account with nothing of the run's", async () => {
    await h.emulator.clearRequests();
    await h.stack.destroy();
    await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual(["DeleteOIDCProvider"]));
    expect(await liveProviders()).toEqual([]);
  });

  it("takes over an existing provider only with adopt", async () => {
    await h.emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: NAME,
      IssuerUrl: ISSUER2,
      Fingerprints: fp(9),
      ClientIds: "sts.aliyuncs.com",
    });
    const refused = await up().then(
      () => "passed",
      (e: Error) => e.message,
    );
    expect(refused).toContain("set `adopt: true`");
    expect((await liveProviders())[0]?.Fingerprints).toBe(fp(9));
    await h.stack.setConfig("adopt", { value: "true" });
    const adopted = await up();
    expect(adopted.res.summary.resourceChanges).toMatchObject({ create: 1 });
    expect((await liveProviders())[0]?.Fingerprints.split(",").sort()).toEqual([fp(3), fp(4)]);
    await h.stack.destroy();
    expect(await liveProviders()).toEqual([]);
  });
});
