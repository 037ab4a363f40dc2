import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { AlicloudApiError } from "../../provider/errors";
import {
  checkOidcProviderInputs,
  type OidcProviderOutputs,
  OidcProviderProvider as P,
} from "../../provider/resources/oidcProvider";
import { emulatorOnly, named, namedIssuer, onEmulator } from "../target";
import { up } from "./engine";
import { actions, configOf, expectActions, startWired } from "./harness";

const fp = (n: number) => n.toString(16).padStart(40, "0");
const ISSUER = namedIssuer("https://token.actions.githubusercontent.com");
// Names carry the run's prefix in live mode (test/target.ts).
const GITHUB = named("github");
const faults = emulatorOnly("faults injected by the emulator");

let emulator: Emulator;
let config: Record<string, string>;

beforeAll(async () => {
  ({ emulator, config } = await startWired());
  await P.configure(configOf(config));
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  await emulator.clearFaults();
  await emulator.clearRequests();
});

/** Inputs as the engine would hand them to create/update: after check. */
function inputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkOidcProviderInputs({
    oidcProviderName: GITHUB,
    issuerUrl: ISSUER,
    fingerprints: [fp(1)],
    clientIds: ["sts.aliyuncs.com"],
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

type Live = { Fingerprints: string; ClientIds: string; Description: string; IssuanceLimitTime: number };
async function live(name = GITHUB): Promise<Live> {
  const body = (await emulator.console("ims", "GetOIDCProvider", { OIDCProviderName: name })) as {
    OIDCProvider: Live;
  };
  return body.OIDCProvider;
}

async function created(over: Record<string, unknown> = {}): Promise<OidcProviderOutputs> {
  const res = await P.create(inputs(over));
  await emulator.clearRequests();
  return res.outs;
}

describe("create", () => {
  it("makes exactly one call and returns normalized outputs with ARN and dates", async () => {
    const res = await P.create(inputs({ fingerprints: [fp(1).toUpperCase()], description: "GitHub" }));
    await expectActions(emulator, "ims", ["CreateOIDCProvider"]);
    expect(res.id).toBe(GITHUB);
    expect(res.outs).toMatchObject({
      oidcProviderName: GITHUB,
      issuerUrl: ISSUER,
      fingerprints: [fp(1)],
      clientIds: ["sts.aliyuncs.com"],
      issuanceLimitTime: 12,
      description: "GitHub",
      adopt: false,
    });
    expect(res.outs.arn).toBe(`acs:ram::${emulator.accountId}:oidc-provider/${GITHUB}`);
    expect(res.outs.createDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const l = await live();
    expect(l.Fingerprints).toBe(fp(1));
    expect(l.IssuanceLimitTime).toBe(12);
  });

  it("refuses to take over an existing provider without adopt, saying how, after one call", async () => {
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: GITHUB,
      IssuerUrl: ISSUER,
      Fingerprints: fp(9),
      ClientIds: "other",
    });
    const err = await P.create(inputs()).catch((e) => e);
    expect(err.message).toMatch(/already exists in this account.*set `adopt: true`/s);
    await expectActions(emulator, "ims", ["CreateOIDCProvider"]);
    expect((await live()).Fingerprints).toBe(fp(9));
  });

  it("adopts an existing provider when asked and converges it to the arguments", async () => {
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: GITHUB,
      IssuerUrl: ISSUER,
      Fingerprints: fp(9),
      ClientIds: "other",
    });
    const res = await P.create(inputs({ adopt: true, description: "now ours" }));
    expect(res.outs).toMatchObject({ fingerprints: [fp(1)], clientIds: ["sts.aliyuncs.com"], adopt: true });
    await expectActions(emulator, "ims", [
      "CreateOIDCProvider",
      "GetOIDCProvider",
      "UpdateOIDCProvider",
      "AddFingerprintToOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
    ]);
    const l = await live();
    expect(l).toMatchObject({ Fingerprints: fp(1), ClientIds: "sts.aliyuncs.com", Description: "now ours" });
  });

  it("refuses to adopt a provider whose issuer differs", async () => {
    const gitlab = namedIssuer("https://gitlab.com");
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: GITHUB,
      IssuerUrl: gitlab,
      Fingerprints: fp(9),
      ClientIds: "x",
    });
    const err = await P.create(inputs({ adopt: true })).catch((e) => e);
    expect(err.message).toContain(`has issuer ${gitlab}, not ${ISSUER}`);
  });

  it("names the provider that already holds the issuer URL", async () => {
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: named("legacy-gh"),
      IssuerUrl: ISSUER,
      Fingerprints: fp(9),
      ClientIds: "x",
    });
    const err = await P.create(inputs()).catch((e) => e);
    expect(err.message).toContain(`issuerUrl: the provider '${named("legacy-gh")}' already uses`);
  });

  faults.test("retries throttling and succeeds, with one state change", async () => {
    await emulator.injectFault({ action: "CreateOIDCProvider", kind: "throttle", count: 2 });
    const res = await P.create(inputs());
    expect(res.id).toBe(GITHUB);
    const log = await emulator.requests({ service: "ims" });
    expect(log.map((r) => [r.action, r.status])).toEqual([
      ["CreateOIDCProvider", 400],
      ["CreateOIDCProvider", 400],
      ["CreateOIDCProvider", 200],
    ]);
    expect(log[0]?.code).toBe("Throttling.User");
  });

  faults.test("retries a dropped connection", async () => {
    await emulator.injectFault({ action: "CreateOIDCProvider", kind: "drop", count: 1 });
    const res = await P.create(inputs());
    expect(res.id).toBe(GITHUB);
    expect((await actions(emulator)).filter((a) => a === "CreateOIDCProvider")).toHaveLength(2);
  });

  faults.test(
    "surfaces a persistent 5xx as a typed error after the configured attempts, with no secret in it",
    async () => {
      await emulator.injectFault({ action: "CreateOIDCProvider", kind: "server-error", count: 10 });
      const err = await P.create(inputs()).catch((e) => e);
      expect(AlicloudApiError.is(err)).toBe(true);
      expect(err).toMatchObject({
        action: "CreateOIDCProvider",
        status: 500,
        code: "InternalError",
        attempts: 4,
      });
      expect(err.message).not.toContain(emulator.accessKeySecret);
      // A 5xx may come after the service acted: each attempt is followed by a look, never a blind retry.
      await expectActions(emulator, "ims", Array(4).fill(["CreateOIDCProvider", "GetOIDCProvider"]).flat());
    },
  );
});

describe("read", () => {
  it("makes one call and reports out-of-band changes field by field as inputs", async () => {
    const outs = await created();
    await emulator.console("ims", "UpdateOIDCProvider", {
      OIDCProviderName: GITHUB,
      NewDescription: "edited in console",
      ClientIds: "sts.aliyuncs.com,intruder",
    });
    await emulator.console("ims", "AddFingerprintToOIDCProvider", {
      OIDCProviderName: GITHUB,
      Fingerprint: fp(7).toUpperCase(),
    });
    const res = await P.read(GITHUB, outs);
    await expectActions(emulator, "ims", ["GetOIDCProvider"]);
    expect(res.inputs).toEqual({
      oidcProviderName: GITHUB,
      issuerUrl: ISSUER,
      fingerprints: [fp(1), fp(7)],
      clientIds: ["intruder", "sts.aliyuncs.com"],
      issuanceLimitTime: 12,
      description: "edited in console",
      adopt: false,
      // Stable outputs, carried by check at preview (provider/account.ts).
      arn: outs.arn,
      createDate: outs.createDate,
      accountId: emulator.accountId,
    });
    expect(res.props).toMatchObject({ description: "edited in console", arn: outs.arn });
    const d = await P.diff(GITHUB, res.props, inputs());
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  it("drops a provider deleted out of band from state", async () => {
    const outs = await created();
    await emulator.console("ims", "DeleteOIDCProvider", { OIDCProviderName: GITHUB });
    expect(await P.read(GITHUB, outs)).toEqual({ id: "", props: {} });
  });

  it("shows no diff right after create", async () => {
    const outs = await created();
    const res = await P.read(GITHUB, outs);
    expect(await P.diff(GITHUB, res.props, inputs())).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("diff", () => {
  it("replaces (deleting first) only for name or issuer changes", async () => {
    const outs = await created();
    expect(await P.diff(GITHUB, outs, inputs({ issuerUrl: "https://gitlab.com" }))).toEqual({
      changes: true,
      replaces: ["issuerUrl"],
      deleteBeforeReplace: true,
    });
    expect(await P.diff(GITHUB, outs, inputs({ oidcProviderName: named("gh2") }))).toMatchObject({
      replaces: ["oidcProviderName"],
    });
    expect(await P.diff(GITHUB, outs, inputs({ fingerprints: [fp(2)] }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("update", () => {
  it("changes description, client IDs and issuance limit together in one call", async () => {
    const outs = await created();
    const res = await P.update(
      GITHUB,
      outs,
      inputs({ description: "d2", clientIds: ["a", "b"], issuanceLimitTime: 24 }),
    );
    await expectActions(emulator, "ims", ["UpdateOIDCProvider"]);
    expect(res.outs).toMatchObject({ description: "d2", clientIds: ["a", "b"], issuanceLimitTime: 24 });
    expect(await live()).toMatchObject({ Description: "d2", ClientIds: "a,b", IssuanceLimitTime: 24 });
  });

  it("rotates k fingerprints in at most 2k calls; a full 5-to-5 rotation works", async () => {
    const outs = await created({ fingerprints: [1, 2, 3, 4, 5].map(fp) });
    const res = await P.update(GITHUB, outs, inputs({ fingerprints: [6, 7, 8, 9, 10].map(fp) }));
    await onEmulator(async () => {
      const log = await emulator.requests({ service: "ims" });
      expect(log).toHaveLength(10);
      expect(log.every((r) => r.status === 200)).toBe(true);
    });
    expect(res.outs.fingerprints).toEqual([6, 7, 8, 9, 10].map(fp));
    expect((await live()).Fingerprints.split(",").sort()).toEqual([6, 7, 8, 9, 10].map(fp));
  });

  it("rotates one fingerprint in 2 calls, adding first", async () => {
    const outs = await created({ fingerprints: [fp(1), fp(2)] });
    await P.update(GITHUB, outs, inputs({ fingerprints: [fp(1), fp(3)] }));
    await expectActions(emulator, "ims", [
      "AddFingerprintToOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
    ]);
  });

  faults.test("after a hard failure half-way, a re-run from the same state converges", async () => {
    const outs = await created({ fingerprints: [fp(1), fp(2)] });
    const news = inputs({ fingerprints: [fp(3), fp(4)], description: "rotated" });
    // Plan: Update, add 3, add 4, remove 1, remove 2. Every attempt at the first
    // remove fails: the update dies with two adds done.
    await emulator.injectFault({
      action: "RemoveFingerprintFromOIDCProvider",
      kind: "server-error",
      count: 4,
    });
    const err = await P.update(GITHUB, outs, { ...news, __provider: "shim" }).catch((e) => e);
    expect(err.message).toMatch(/RemoveFingerprintFromOIDCProvider failed after 4 attempts: HTTP 500/);
    // Pulumi's partial state: what was applied reaches state, so the re-run does not redo it.
    expect(err.id).toBe(GITHUB);
    // It carries the serialized provider the engine adds to a success, or a destroy could not find it.
    expect(err.properties).toMatchObject({
      fingerprints: [1, 2, 3, 4].map(fp),
      description: "rotated",
      __provider: "shim",
    });
    expect((await live()).Fingerprints.split(",").sort()).toEqual([1, 2, 3, 4].map(fp));
    await emulator.clearRequests();
    const res = await P.update(GITHUB, err.properties, news);
    expect(res.outs).toMatchObject({ fingerprints: [fp(3), fp(4)], description: "rotated" });
    expect((await live()).Fingerprints.split(",").sort()).toEqual([fp(3), fp(4)]);
    await expectActions(emulator, "ims", [
      "RemoveFingerprintFromOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
    ]);
    // Had the engine kept the old state instead, the re-run converges too.
    await emulator.console("ims", "AddFingerprintToOIDCProvider", {
      OIDCProviderName: GITHUB,
      Fingerprint: fp(1),
    });
    await emulator.clearRequests();
    expect((await P.update(GITHUB, outs, news)).outs.fingerprints).toEqual([fp(3), fp(4)]);
    await expectActions(emulator, "ims", [
      "UpdateOIDCProvider",
      "AddFingerprintToOIDCProvider",
      "GetOIDCProvider",
      "RemoveFingerprintFromOIDCProvider",
    ]);
  });

  it("fails with a clear error if the provider was deleted out of band", async () => {
    const outs = await created();
    await emulator.console("ims", "DeleteOIDCProvider", { OIDCProviderName: GITHUB });
    const err = await P.update(GITHUB, outs, inputs({ description: "x" })).catch((e) => e);
    expect(err).toMatchObject({ code: "EntityNotExist.OIDCProvider" });
  });
});

describe("delete", () => {
  it("makes one call and leaves nothing", async () => {
    const outs = await created();
    await P.delete(GITHUB, outs);
    await expectActions(emulator, "ims", ["DeleteOIDCProvider"]);
    const err = await emulator
      .console("ims", "GetOIDCProvider", { OIDCProviderName: GITHUB })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, code: "EntityNotExist.OIDCProvider" });
  });

  it("counts an already deleted provider as success", async () => {
    const outs = await created();
    await emulator.console("ims", "DeleteOIDCProvider", { OIDCProviderName: GITHUB });
    await expect(P.delete(GITHUB, outs)).resolves.toBeUndefined();
  });
});

describe("a name or issuer taken by a provider this stack does not manage, at preview", () => {
  // check() judges given fingerprints against the issuer's live chain: a loopback port that
  // refuses at once keeps that off the network (a warning only).
  const ISSUER = namedIssuer("https://127.0.0.1:9");
  const decl = (over: Record<string, unknown> = {}) => ({
    oidcProviderName: GITHUB,
    issuerUrl: ISSUER,
    fingerprints: [fp(1)],
    clientIds: ["sts.aliyuncs.com"],
    ...over,
  });
  const consoleProvider = (name: string, issuer: string) =>
    emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: name,
      IssuerUrl: issuer,
      Fingerprints: fp(2),
      ClientIds: "sts.aliyuncs.com",
    });
  const arn = (name: string) => `acs:ram::${emulator.accountId}:oidc-provider/${name}`;
  const noWrites = () =>
    onEmulator(async () =>
      expect((await actions(emulator)).filter((a) => !/^(Get|List)/.test(a))).toEqual([]),
    );

  it("the name: refused by check, naming the provider and both ways out: 1 call, no write", async () => {
    await consoleProvider(GITHUB, ISSUER);
    await emulator.clearRequests();
    const { failures } = await P.check({}, decl());
    await expectActions(emulator, "ims", ["ListOIDCProviders"]);
    expect(failures).toEqual([
      {
        property: "",
        reason:
          "oidcProviderName: Choose another oidcProviderName, or set `adopt: true` to take it over: " +
          `the OIDC provider '${GITHUB}' (${arn(GITHUB)}, issuer ${ISSUER}) already exists in this account and is not managed by this stack. ` +
          "With `adopt: true`, up then sets its client ids, fingerprints, issuance limit " +
          "and description to this declaration (a preview with adopt: true lists each change; the issuer must be the same), and deleting " +
          "the resource later deletes the provider.",
      },
    ]);
  });

  it("the issuer, held under another name: refused by check, naming the holder: 1 call, no write", async () => {
    await consoleProvider(named("gha"), ISSUER);
    await emulator.clearRequests();
    const { failures } = await P.check({}, decl());
    await expectActions(emulator, "ims", ["ListOIDCProviders"]);
    await noWrites();
    expect(failures).toHaveLength(1);
    expect(failures?.[0]?.property).toBe("");
    expect(failures?.[0]?.reason).toMatch(
      new RegExp(
        `^issuerUrl: Take over the OIDC provider '${named("gha")}' with oidcProviderName '${named("gha")}' and \`adopt: true\`, or delete it first: `,
      ),
    );
    expect(failures?.[0]?.reason).toContain(
      `it (${arn(named("gha"))}) already uses the issuer ${ISSUER}, an issuer URL is unique in an account, and it is not managed by this stack.`,
    );
  });

  it("free name and issuer pass with the one look-up; adopt: true passes; an update looks nothing up", async () => {
    await consoleProvider(named("other"), namedIssuer("https://example.com/other"));
    await emulator.clearRequests();
    expect((await P.check({}, decl())).failures).toEqual([]);
    await expectActions(emulator, "ims", ["ListOIDCProviders"]);
    await consoleProvider(GITHUB, ISSUER);
    expect((await P.check({}, decl({ adopt: true }))).failures).toEqual([]);
    await emulator.clearRequests();
    expect((await P.check(inputs() as never, decl())).failures).toEqual([]);
    await expectActions(emulator, "ims", []);
  });

  it("a replacement keeping the name is not taken for someone else's: the engine's second check has no old inputs", async () => {
    const outs = (await P.create(inputs({ issuerUrl: ISSUER }))).outs;
    // A new issuer replaces the provider under its name (delete first).
    const next = decl({ issuerUrl: `${ISSUER}/next` });
    expect((await P.check(outs as never, next)).failures).toEqual([]);
    await emulator.clearRequests();
    expect((await P.check({}, next)).failures).toEqual([]);
    // The issuer it had is the stack's too: a new name for it is no clash either.
    await emulator.clearRequests();
    expect((await P.check({}, decl({ oidcProviderName: named("renamed") }))).failures).toEqual([]);
  });

  faults.test(
    "a create whose answer was lost (pending in partial state) resumes on the re-run, not reported as taken",
    async () => {
      await emulator.injectFault({ service: "ims", action: "CreateOIDCProvider", kind: "lost", count: 1 });
      await emulator.injectFault({
        service: "ims",
        action: "GetOIDCProvider",
        kind: "server-error",
        count: 16,
      });
      const first = await up(P, undefined, decl());
      expect(first.held).toMatchObject({ id: "github", initErrors: true });
      expect(first.held?.outs.createPendingSince).toEqual(expect.any(Number));
      await emulator.clearFaults();
      await emulator.clearRequests();
      expect((await P.check(first.held?.outs ?? {}, decl())).failures).toEqual([]);
      await noWrites();
      expect(await actions(emulator)).not.toContain("ListOIDCProviders");
      const second = await up(P, first.held, decl());
      expect(second.error).toBeUndefined();
      expect(second.held).toMatchObject({ id: "github", initErrors: false });
      expect((await live()).Fingerprints).toBe(fp(1));
    },
  );
});
