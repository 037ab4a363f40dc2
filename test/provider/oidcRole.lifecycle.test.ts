import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import {
  checkOidcRoleInputs,
  type OidcRoleOutputs,
  OidcRoleProvider as R,
} from "../../provider/resources/oidcRole";
import { trustPoliciesEqual } from "../../provider/trust/policy";
import { emulatorOnly, named, namedIssuer } from "../target";
import { up } from "./engine";
import { configOf, expectActions, startWired, trustedProviderArn } from "./harness";

// Names carry the run's prefix in live mode (test/target.ts).
const DEPLOYER = named("deployer");
const ISSUER = namedIssuer("https://token.actions.githubusercontent.com");
const faults = emulatorOnly("faults injected by the emulator");
let ARN: string;
let emulator: Emulator;

let mainConfig: Record<string, string>;

beforeAll(async () => {
  const wired = await startWired();
  emulator = wired.emulator;
  mainConfig = wired.config;
  await R.configure(configOf(wired.config));
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  ARN = await trustedProviderArn(emulator, named("github"));
});

const THREE = [
  { type: "System", name: "AliyunOSSReadOnlyAccess" },
  { type: "System", name: "AliyunECSReadOnlyAccess" },
  { type: "System", name: "AliyunRAMReadOnlyAccess" },
];

/** The deployer role as a program declares it. */
const declared = (over: Record<string, unknown> = {}) => ({
  roleName: DEPLOYER,
  providerArn: ARN,
  issuerUrl: ISSUER,
  audiences: ["sts.aliyuncs.com"],
  subjects: ["repo:acme/app:ref:refs/heads/main"],
  policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
  ...over,
});

function inputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkOidcRoleInputs(declared(over));
  expect(failures).toEqual([]);
  return inputs;
}

type LiveRole = { AssumeRolePolicyDocument: string; MaxSessionDuration: number; Description: string };
async function liveRole(): Promise<LiveRole> {
  return ((await emulator.console("ram", "GetRole", { RoleName: DEPLOYER })) as { Role: LiveRole }).Role;
}
async function livePolicies(): Promise<string[]> {
  const body = (await emulator.console("ram", "ListPoliciesForRole", { RoleName: DEPLOYER })) as {
    Policies: { Policy: Array<{ PolicyType: string; PolicyName: string }> };
  };
  return body.Policies.Policy.map((p) => `${p.PolicyType}:${p.PolicyName}`).sort();
}

async function created(over: Record<string, unknown> = {}): Promise<OidcRoleOutputs> {
  const res = await R.create(inputs(over));
  await emulator.clearRequests();
  return res.outs;
}

describe("OidcRole lifecycle", () => {
  it("creates the role and attaches its policies: 1 + one call per policy", async () => {
    const res = await R.create(inputs());
    await expectActions(emulator, "ram", ["CreateRole", "AttachPolicyToRole"]);
    expect(res.outs.arn).toBe(`acs:ram::${emulator.accountId}:role/${DEPLOYER}`);
    const live = await liveRole();
    expect(trustPoliciesEqual(live.AssumeRolePolicyDocument, res.outs.trustPolicy)).toBe(true);
    expect(await livePolicies()).toEqual(["System:AliyunOSSReadOnlyAccess"]);
  });

  it("sees no diff although RAM stored the trust policy reshaped", async () => {
    const outs = await created();
    const live = await liveRole();
    expect(live.AssumeRolePolicyDocument).not.toBe(JSON.parse(JSON.stringify(outs.trustPolicy)));
    const read = await R.read(DEPLOYER, outs);
    await expectActions(emulator, "ram", ["GetRole", "ListPoliciesForRole"]);
    expect(await R.diff(DEPLOYER, read.props, inputs())).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("reports a trust policy edited in the console as drift", async () => {
    const outs = await created();
    const doc = JSON.parse((await liveRole()).AssumeRolePolicyDocument);
    doc.Statement[0].Condition.StringEquals["oidc:sub"] = [
      "repo:acme/app:ref:refs/heads/main",
      "repo:evil/app:ref:refs/heads/main",
    ];
    await emulator.console("ram", "UpdateRole", {
      RoleName: DEPLOYER,
      NewAssumeRolePolicyDocument: JSON.stringify(doc),
    });
    const read = await R.read(DEPLOYER, outs);
    expect(read.props.trustPolicy).toContain("repo:evil/app");
    expect((await R.diff(DEPLOYER, read.props, inputs())).changes).toBe(true);
  });

  const asWritten = emulatorOnly(
    "an emulator that stores trust policies as written (reshapeTrustPolicies: false)",
  );
  asWritten.test(
    "reports as drift a live trust policy that names a member twice, and up rewrites it",
    async () => {
      // RAM reshapes what it stores; stored as written, the document names oidc:sub twice, and which
      // one RAM reads is not documented: read as narrow, it would show no drift at all.
      const plain = await startWired({ reshapeTrustPolicies: false });
      try {
        await R.configure(configOf(plain.config));
        const arn = await trustedProviderArn(plain.emulator, named("github"));
        const inputs2 = checkOidcRoleInputs({ ...declared({ providerArn: arn }), policies: [] }).inputs;
        const outs = (await R.create(inputs2)).outs;
        const text = (
          (await plain.emulator.console("ram", "GetRole", { RoleName: DEPLOYER })) as {
            Role: { AssumeRolePolicyDocument: string };
          }
        ).Role.AssumeRolePolicyDocument;
        const sub = /"oidc:sub":\s*\[[^\]]*\]/.exec(text)?.[0];
        expect(sub).toBeDefined();
        const widened = text.replace(sub as string, `${sub},"oidc:sub":"repo:*"`);
        await plain.emulator.console("ram", "UpdateRole", {
          RoleName: DEPLOYER,
          NewAssumeRolePolicyDocument: widened,
        });
        const read = await R.read(DEPLOYER, outs);
        expect(read.props.trustPolicy).toBe(widened);
        expect(await R.diff(DEPLOYER, read.props, inputs2)).toMatchObject({ changes: true, replaces: [] });
        await R.update(DEPLOYER, read.props, inputs2);
        const now = (
          (await plain.emulator.console("ram", "GetRole", { RoleName: DEPLOYER })) as {
            Role: { AssumeRolePolicyDocument: string };
          }
        ).Role.AssumeRolePolicyDocument;
        expect(now).toBe(outs.trustPolicy);
      } finally {
        await plain.emulator.close();
        await R.configure(configOf(mainConfig));
      }
    },
  );

  it("updates trust, session length and description in one UpdateRole, and policies attach-first", async () => {
    const outs = await created();
    const res = await R.update(
      DEPLOYER,
      outs,
      inputs({
        subjects: ["repo:acme/app:ref:refs/heads/release"],
        maxSessionDuration: 7200,
        description: "deploys",
        policies: [{ type: "System", name: "AliyunOSSFullAccess" }],
      }),
    );
    await expectActions(emulator, "ram", ["UpdateRole", "AttachPolicyToRole", "DetachPolicyFromRole"]);
    expect(res.outs).toMatchObject({ maxSessionDuration: 7200, description: "deploys" });
    expect(await livePolicies()).toEqual(["System:AliyunOSSFullAccess"]);
    expect((await liveRole()).AssumeRolePolicyDocument).toContain("refs/heads/release");
  });

  it("changes only attachments without touching the role", async () => {
    const outs = await created();
    await R.update(DEPLOYER, outs, inputs({ policies: [] }));
    await expectActions(emulator, "ram", ["DetachPolicyFromRole"]);
  });

  it("refuses an existing role without adopt, and adopts it with adopt", async () => {
    await emulator.console("ram", "CreateRole", {
      RoleName: DEPLOYER,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { RAM: [`acs:ram::${emulator.accountId}:root`] },
          },
        ],
      }),
    });
    await emulator.console("ram", "AttachPolicyToRole", {
      RoleName: DEPLOYER,
      PolicyType: "System",
      PolicyName: "AdministratorAccess",
    });
    const refused = await R.create(inputs()).catch((e) => e);
    expect(refused.message).toMatch(/already exists in this account.*adopt: true/s);
    // It holds AdministratorAccess, which the declaration does not list: not without saying so.
    await expect(R.create(inputs({ adopt: true }))).rejects.toThrow(
      `adopting the existing role '${DEPLOYER}' would detach AdministratorAccess`,
    );
    expect(await livePolicies()).toEqual(["System:AdministratorAccess"]);
    const adopted = await R.create(inputs({ adopt: true, allowAdministratorDetach: true }));
    expect(adopted.outs.policies).toEqual([{ type: "System", name: "AliyunOSSReadOnlyAccess" }]);
    expect(await livePolicies()).toEqual(["System:AliyunOSSReadOnlyAccess"]);
    expect(trustPoliciesEqual((await liveRole()).AssumeRolePolicyDocument, adopted.outs.trustPolicy)).toBe(
      true,
    );
  });

  it("detaches everything, including policies attached in the console, before deleting", async () => {
    const outs = await created();
    await emulator.console("ram", "AttachPolicyToRole", {
      RoleName: DEPLOYER,
      PolicyType: "System",
      PolicyName: "AdministratorAccess",
    });
    await R.delete(DEPLOYER, outs);
    // What state lists, then DeleteRole, refused for the console's policy (409): then the list.
    await expectActions(emulator, "ram", [
      "DetachPolicyFromRole",
      "DeleteRole",
      "ListPoliciesForRole",
      "DetachPolicyFromRole",
      "DeleteRole",
    ]);
    const gone = await emulator.console("ram", "GetRole", { RoleName: DEPLOYER }).catch((e) => e);
    expect(gone).toMatchObject({ code: "EntityNotExist.Role" });
  });

  it("deletes a role as state knows it with its policies' detaches, then DeleteRole: no list", async () => {
    const outs = await created({ policies: THREE });
    await emulator.clearRequests();
    await R.delete(DEPLOYER, outs);
    await expectActions(emulator, "ram", [
      "DetachPolicyFromRole",
      "DetachPolicyFromRole",
      "DetachPolicyFromRole",
      "DeleteRole",
    ]);
    const gone = await emulator.console("ram", "GetRole", { RoleName: DEPLOYER }).catch((e) => e);
    expect(gone).toMatchObject({ code: "EntityNotExist.Role" });
  });

  faults.test(
    "sends a role's attaches together, and its detaches together: one round trip per phase",
    async () => {
      // Each attach and detach answers 300 ms late: one after another, three take 900 ms.
      const slow = { service: "ram", kind: "latency", latencyMs: 300 } as const;
      await emulator.injectFault({ ...slow, action: "AttachPolicyToRole" });
      await emulator.injectFault({ ...slow, action: "DetachPolicyFromRole" });
      const spread = async (action: string) => {
        const arrived = (await emulator.requests())
          .filter((r) => r.action === action)
          .map((r) => Date.parse(r.time));
        expect(arrived).toHaveLength(3);
        return Math.max(...arrived) - Math.min(...arrived);
      };
      const outs = (await R.create(inputs({ policies: THREE }))).outs as OidcRoleOutputs;
      expect(await spread("AttachPolicyToRole")).toBeLessThan(250);
      await emulator.clearRequests();
      await R.delete(DEPLOYER, outs);
      expect(await spread("DetachPolicyFromRole")).toBeLessThan(250);
      expect(await livePolicies().catch(() => [])).toEqual([]);
    },
  );

  it("counts a role deleted out of band as deleted, and drops it from state on read", async () => {
    const outs = await created({ policies: [] });
    await emulator.console("ram", "DeleteRole", { RoleName: DEPLOYER });
    expect(await R.read(DEPLOYER, outs)).toEqual({ id: "", props: {} });
    await expect(R.delete(DEPLOYER, outs)).resolves.toBeUndefined();
  });

  faults.test(
    "reads the role and its policies at once; a gone role is gone whatever the list answered",
    async () => {
      const outs = await created();
      expect((await R.read(DEPLOYER, outs)).id).toBe(DEPLOYER);
      await expectActions(emulator, "ram", ["GetRole", "ListPoliciesForRole"]);
      await emulator.console("ram", "DetachPolicyFromRole", {
        RoleName: DEPLOYER,
        PolicyType: "System",
        PolicyName: "AliyunOSSReadOnlyAccess",
      });
      await emulator.console("ram", "DeleteRole", { RoleName: DEPLOYER });
      await emulator.injectFault({
        service: "ram",
        action: "ListPoliciesForRole",
        kind: "server-error",
        count: 50,
      });
      expect(await R.read(DEPLOYER, outs)).toEqual({ id: "", props: {} });
      // The role exists and the list keeps failing: that is an error, not a gone role.
      const again = await R.create(inputs());
      await expect(R.read(DEPLOYER, again.outs)).rejects.toThrow();
      await emulator.clearFaults();
    },
  );

  it("converges when a re-run finds a policy already attached by the interrupted run", async () => {
    const outs = await created({ policies: [] });
    await emulator.console("ram", "AttachPolicyToRole", {
      RoleName: DEPLOYER,
      PolicyType: "System",
      PolicyName: "AliyunOSSReadOnlyAccess",
    });
    const res = await R.update(DEPLOYER, outs, inputs());
    expect(res.outs.policies).toEqual([{ type: "System", name: "AliyunOSSReadOnlyAccess" }]);
    expect(await livePolicies()).toEqual(["System:AliyunOSSReadOnlyAccess"]);
  });
});

describe("OidcRole: a name taken by a role this stack does not manage, at preview", () => {
  const consoleRole = () =>
    emulator.console("ram", "CreateRole", {
      RoleName: DEPLOYER,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } },
        ],
      }),
    });

  it("a create is refused by check, naming the role and both ways out: 1 call, no write", async () => {
    await consoleRole();
    await emulator.clearRequests();
    const { failures } = await R.check({}, declared());
    await expectActions(emulator, "ram", ["GetRole"]);
    expect(failures).toHaveLength(1);
    expect(failures?.[0]?.property).toBe("");
    expect(failures?.[0]?.reason).toBe(
      "roleName: Choose another roleName, or set `adopt: true` to take it over: " +
        `the RAM role '${DEPLOYER}' (acs:ram::${emulator.accountId}:role/${DEPLOYER}) already exists in this account and is not managed by this stack. ` +
        "With `adopt: true`, up then rewrites its trust policy, settings and attached policies " +
        "to this declaration (a preview with adopt: true lists each change), and deleting the resource later deletes the role.",
    );
  });

  it("a free name passes with the one look-up; adopt: true passes (its plan instead); an update looks nothing up", async () => {
    await emulator.clearRequests();
    expect((await R.check({}, declared())).failures).toEqual([]);
    await expectActions(emulator, "ram", ["GetRole"]);
    await consoleRole();
    expect((await R.check({}, declared({ adopt: true }))).failures).toEqual([]);
    await emulator.clearRequests();
    const outs = (await R.create(inputs({ roleName: named("other") }))).outs;
    await emulator.clearRequests();
    expect((await R.check(outs as never, declared({ roleName: named("other") }))).failures).toEqual([]);
    await expectActions(emulator, "ram", []);
  });

  faults.test(
    "fail safe: when the look-up cannot be made, check adds no error of its own (the create reports the cause)",
    async () => {
      await consoleRole();
      await emulator.injectFault({ service: "ram", action: "GetRole", kind: "server-error", count: 16 });
      expect((await R.check({}, declared())).failures).toEqual([]);
      await emulator.clearFaults();
    },
  );

  it("a replacement keeping the name is not taken for someone else's: the engine's second check has no old inputs", async () => {
    const outs = (await R.create(inputs())).outs;
    // The engine checks with the old inputs, decides to replace (delete first: same name), then
    // checks the new inputs again without old ones.
    expect((await R.check(outs as never, declared({ maxSessionDuration: 7200 }))).failures).toEqual([]);
    await emulator.clearRequests();
    expect((await R.check({}, declared({ maxSessionDuration: 7200 }))).failures).toEqual([]);
    await expectActions(emulator, "ram", []);
  });

  faults.test(
    "a create whose answer was lost (pending in partial state) resumes on the re-run, not reported as taken",
    async () => {
      await emulator.injectFault({ service: "ram", action: "CreateRole", kind: "lost", count: 1 });
      await emulator.injectFault({ service: "ram", action: "GetRole", kind: "server-error", count: 16 });
      const first = await up(R, undefined, declared());
      expect(first.held).toMatchObject({ id: DEPLOYER, initErrors: true });
      expect(first.held?.outs.createPendingSince).toEqual(expect.any(Number));
      await emulator.clearFaults();
      await emulator.clearRequests();
      // The engine hands check the pending state as old inputs: no look-up, no clash.
      expect((await R.check(first.held?.outs ?? {}, declared())).failures).toEqual([]);
      await expectActions(emulator, "ram", []);
      const second = await up(R, first.held, declared());
      expect(second.error).toBeUndefined();
      expect(second.held).toMatchObject({ id: DEPLOYER, initErrors: false });
      expect(await livePolicies()).toEqual(["System:AliyunOSSReadOnlyAccess"]);
    },
  );
});
