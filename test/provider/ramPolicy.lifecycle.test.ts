/**
 * RamPolicy against the emulator: one call per step, a changed document is a new default version
 * (RAM keeps at most 5: the oldest non-default goes, in the same call), drift in the console is
 * seen and repaired, adoption, attachment through OidcRole.policies, and every limit at its edge.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { leastPrivilegePolicy } from "../../provider/permissions";
import { checkOidcRoleInputs, OidcRoleProvider } from "../../provider/resources/oidcRole";
import {
  checkRamPolicyInputs,
  diffRamPolicy,
  RamPolicyProvider as P,
  type RamPolicyOutputs,
} from "../../provider/resources/ramPolicy";
import { emulatorOnly, named, onEmulator } from "../target";
import { up } from "./engine";
import { configOf, expectActions, startWired, trustedProviderArn } from "./harness";

// Names carry the run's prefix in live mode (test/target.ts).
const DEPLOY = named("deploy");
const faults = emulatorOnly("faults injected by the emulator");

let emulator: Emulator;
let config: Record<string, string>;
beforeAll(async () => {
  const wired = await startWired();
  ({ emulator, config } = wired);
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  await P.configure(configOf(config));
});

const doc = (...actions: string[]) =>
  JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });

function inputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkRamPolicyInputs({
    policyName: DEPLOY,
    policyDocument: doc("ram:GetRole"),
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

type Versions = {
  PolicyVersions: { PolicyVersion: Array<{ VersionId: string; IsDefaultVersion: boolean }> };
};
const versions = async () =>
  (
    (await emulator.console("ram", "ListPolicyVersions", { PolicyName: DEPLOY })) as Versions
  ).PolicyVersions.PolicyVersion.map((v) => `${v.VersionId}${v.IsDefaultVersion ? "*" : ""}`);

async function created(over: Record<string, unknown> = {}): Promise<RamPolicyOutputs> {
  const res = await P.create(inputs(over));
  await emulator.clearRequests();
  return res.outs as RamPolicyOutputs;
}

describe("RamPolicy lifecycle", () => {
  it("creates with 1 call, reads with 1, deletes with 1 (its versions cascade)", async () => {
    const res = await P.create(inputs({ description: "CI deploy" }));
    await expectActions(emulator, "ram", ["CreatePolicy"]);
    expect(res.id).toBe(DEPLOY);
    expect(res.outs).toMatchObject({ defaultVersion: "v1", description: "CI deploy" });
    await emulator.clearRequests();
    const read = await P.read(DEPLOY, res.outs);
    await expectActions(emulator, "ram", ["GetPolicy"]);
    expect(await P.diff(DEPLOY, read.props!, inputs({ description: "CI deploy" }))).toMatchObject({
      changes: false,
    });
    await P.update(
      DEPLOY,
      read.props!,
      inputs({ description: "CI deploy", policyDocument: doc("ram:ListRoles") }),
    );
    await emulator.clearRequests();
    await P.delete(DEPLOY, read.props!);
    await expectActions(emulator, "ram", ["DeletePolicy"]);
    expect((await P.read(DEPLOY, read.props!)).id).toBe("");
  });

  it("compares documents by meaning: key order and spacing are no change", async () => {
    const outs = await created();
    const reordered = JSON.stringify(
      { Statement: [{ Resource: "*", Action: ["ram:GetRole"], Effect: "Allow" }], Version: "1" },
      null,
      4,
    );
    expect(diffRamPolicy(outs, inputs({ policyDocument: reordered })).changes).toEqual([]);
    expect(diffRamPolicy(outs, inputs({ policyDocument: doc("ram:ListRoles") })).changes).toEqual([
      "policyDocument",
    ]);
    expect(diffRamPolicy(outs, inputs({ policyName: named("other") })).replaces).toEqual(["policyName"]);
  });

  it("updates a document with one CreatePolicyVersion, and stays within RAM's 5 versions", async () => {
    let outs = await created();
    for (let i = 2; i <= 7; i++) {
      const news = inputs({ policyDocument: doc(`ram:Action${i}`) });
      outs = (await P.update(DEPLOY, outs, news)).outs as RamPolicyOutputs;
      expect(outs.defaultVersion).toBe(`v${i}`);
    }
    await expectActions(emulator, "ram", Array(6).fill("CreatePolicyVersion"));
    // five at most: v1 and v2 rotated out, the default is the newest
    expect(await versions()).toEqual(["v3", "v4", "v5", "v6", "v7*"]);
    const read = await P.read(DEPLOY, outs);
    expect(JSON.parse((read.props as RamPolicyOutputs).policyDocument).Statement[0].Action).toEqual([
      "ram:Action7",
    ]);
  });

  it("changes the description in place with UpdatePolicyDescription, the document untouched", async () => {
    const outs = await created();
    const res = await P.update(DEPLOY, outs, inputs({ description: "new" }));
    await expectActions(emulator, "ram", ["UpdatePolicyDescription"]);
    expect(res.outs).toMatchObject({ description: "new", defaultVersion: "v1" });
  });

  it("sees a console edit (a new default version) as drift of the document, and repairs it", async () => {
    const outs = await created();
    await emulator.console("ram", "CreatePolicyVersion", {
      PolicyName: DEPLOY,
      PolicyDocument: doc("ram:*"),
      SetAsDefault: "true",
    });
    const read = await P.read(DEPLOY, outs);
    expect(await P.diff(DEPLOY, read.props!, inputs())).toMatchObject({ changes: true, replaces: [] });
    await emulator.clearRequests();
    const repaired = await P.update(DEPLOY, read.props!, inputs());
    await expectActions(emulator, "ram", ["CreatePolicyVersion"]);
    expect((repaired.outs as RamPolicyOutputs).defaultVersion).toBe("v3");
  });

  it("refuses an existing policy of the same name unless adopt, then makes the document its default", async () => {
    await emulator.console("ram", "CreatePolicy", { PolicyName: DEPLOY, PolicyDocument: doc("ram:*") });
    await expect(P.create(inputs())).rejects.toThrow(/already exists.*adopt: true/s);
    await emulator.clearRequests();
    const res = await P.create(inputs({ adopt: true }));
    await expectActions(emulator, "ram", ["CreatePolicy", "GetPolicy", "CreatePolicyVersion"]);
    expect(res.outs).toMatchObject({ defaultVersion: "v2" });
  });

  it("attaches through OidcRole.policies; deleting a policy still attached elsewhere says what to do", async () => {
    await created();
    await OidcRoleProvider.configure(configOf(config));
    const role = checkOidcRoleInputs({
      roleName: named("deployer"),
      providerArn: await trustedProviderArn(emulator, named("github")),
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      policies: [{ type: "Custom", name: DEPLOY }],
    });
    expect(role.failures).toEqual([]);
    await OidcRoleProvider.create(role.inputs);
    await expect(P.delete(DEPLOY, { policyName: DEPLOY })).rejects.toThrow(
      /still attached.*Detach it there/s,
    );
  });

  it("checks every limit before any call, all problems at once", async () => {
    const edge = checkRamPolicyInputs({
      policyName: "a".repeat(128),
      policyDocument: JSON.stringify({
        Version: "1",
        Statement: [{ Effect: "Allow", Action: ["x:y"], Resource: "y".repeat(6144 - 79) }],
      }),
      description: "d".repeat(1024),
    });
    expect(edge.failures).toEqual([]);
    expect(Buffer.byteLength(edge.inputs.policyDocument as string)).toBe(6144);
    const over = checkRamPolicyInputs({
      policyName: "a".repeat(129),
      policyDocument: JSON.stringify({
        Version: "1",
        Statement: [{ Effect: "Allow", Action: ["x:y"], Resource: "y".repeat(6145 - 79) }],
      }),
      description: "d".repeat(1025),
    });
    expect(over.failures.map((f) => f.property).sort()).toEqual([
      "description",
      "policyDocument",
      "policyName",
    ]);
    expect(over.failures.find((f) => f.property === "policyDocument")?.reason).toMatch(
      /6145 bytes.*at most 6144/,
    );
    const bad = checkRamPolicyInputs({ policyName: "bad_name", policyDocument: "{not json" });
    expect(bad.failures.map((f) => `${f.property}: ${f.reason}`)).toEqual([
      "policyName: 'bad_name' is not allowed: use letters, digits and '-'",
      "policyDocument: must be valid JSON (a RAM policy document), and is not",
    ]);
    const grammar = checkRamPolicyInputs({
      policyName: "p",
      policyDocument: { Version: "2", Statement: [{}] },
    });
    expect(grammar.failures.map((f) => f.reason)).toEqual([
      'Version must be "1"',
      "Statement[0].Effect must be Allow or Deny",
      "Statement[0] must have exactly one of Action and NotAction",
    ]);
    await onEmulator(async () => expect(await emulator.requests()).toEqual([]));
  });

  it("takes the least-privilege table's policy as it is generated", async () => {
    const res = await P.create(
      inputs({ policyDocument: leastPrivilegePolicy(["OidcProvider", "OidcRole", "RamPolicy"]) }),
    );
    const granted = JSON.parse((res.outs as RamPolicyOutputs).policyDocument).Statement[0].Action as string[];
    expect(granted).toContain("ram:CreatePolicyVersion");
    expect(granted).toContain("ram:AddFingerprintToOIDCProvider");
    expect(granted).not.toContain("ram:ListRoles");
  });
});

describe("RamPolicy: a name taken by a policy this stack does not manage, at preview", () => {
  const decl = (over: Record<string, unknown> = {}) => ({
    policyName: DEPLOY,
    policyDocument: doc("ram:GetRole"),
    ...over,
  });
  const consolePolicy = () =>
    emulator.console("ram", "CreatePolicy", { PolicyName: DEPLOY, PolicyDocument: doc("ecs:Describe*") });

  it("a create is refused by check, naming the policy and both ways out: 1 call, no write", async () => {
    await consolePolicy();
    await emulator.clearRequests();
    const { failures } = await P.check({}, decl());
    await expectActions(emulator, "ram", ["GetPolicy"]);
    expect(failures).toEqual([
      {
        property: "",
        reason:
          "policyName: Choose another policyName, or set `adopt: true` to take it over: " +
          `the custom RAM policy '${DEPLOY}' (default version v1) already exists in this account and is not managed by this stack. ` +
          "With `adopt: true`, up then makes this policyDocument its new default " +
          "version and sets this description, and deleting the resource later deletes the policy.",
      },
    ]);
  });

  it("a failing create masks the inputs the program marked secret: the service's own words quote the name", async () => {
    // A name of its own: once a check has seen it as a secret, this process masks it everywhere.
    const name = named("named-in-secret");
    await emulator.console("ram", "CreatePolicy", { PolicyName: name, PolicyDocument: doc("ecs:Describe*") });
    const plain = (await P.create(inputs({ policyName: name })).catch((e) => e)) as Error;
    expect(plain.message).toContain(name);
    // As the engine runs it: check (which learns the secret inputs), then create with its inputs.
    const checked = await P.check({}, { ...decl({ policyName: name }), secretInputs: ["policyName"] });
    expect(checked.inputs).not.toHaveProperty("secretInputs");
    const masked = (await P.create(checked.inputs as never).catch((e) => e)) as Error;
    expect(masked.message).toMatch(/already exists/);
    expect(masked.message).not.toContain(name);
    expect(masked.stack ?? "").not.toContain(name);
  });

  it("a free name passes with the one look-up; adopt: true passes without one; an update looks nothing up", async () => {
    await emulator.clearRequests();
    expect((await P.check({}, decl())).failures).toEqual([]);
    await expectActions(emulator, "ram", ["GetPolicy"]);
    await consolePolicy();
    await emulator.clearRequests();
    expect((await P.check({}, decl({ adopt: true }))).failures).toEqual([]);
    const outs = (await P.create(inputs({ adopt: true }))).outs;
    await emulator.clearRequests();
    expect((await P.check(outs as never, decl({ adopt: true }))).failures).toEqual([]);
    await expectActions(emulator, "ram", []);
  });

  it("a replacement keeping the name is not taken for someone else's: the engine's second check has no old inputs", async () => {
    const outs = (await P.create(inputs())).outs;
    expect((await P.check(outs as never, decl())).failures).toEqual([]);
    await emulator.clearRequests();
    expect((await P.check({}, decl())).failures).toEqual([]);
    await expectActions(emulator, "ram", []);
  });

  faults.test(
    "a create whose answer was lost (pending in partial state) resumes on the re-run, not reported as taken",
    async () => {
      await emulator.injectFault({ service: "ram", action: "CreatePolicy", kind: "lost", count: 1 });
      await emulator.injectFault({ service: "ram", action: "GetPolicy", kind: "server-error", count: 16 });
      const first = await up(P, undefined, decl());
      expect(first.held).toMatchObject({ id: DEPLOY, initErrors: true });
      expect(first.held?.outs.createPendingSince).toEqual(expect.any(Number));
      await emulator.clearFaults();
      await emulator.clearRequests();
      expect((await P.check(first.held?.outs ?? {}, decl())).failures).toEqual([]);
      await expectActions(emulator, "ram", []);
      const second = await up(P, first.held, decl());
      expect(second.error).toBeUndefined();
      expect(second.held).toMatchObject({ id: DEPLOY, initErrors: false });
      expect(await versions()).toEqual(["v1*"]);
    },
  );
});
