/**
 * A create whose answer was lost (and whose look-up failed too) is pending in state; the next run
 * has a program changed in place (a description, a display name, an application name). The lost
 * create made the object as declared then, so it is found by those inputs and updated to the new
 * ones: one object, never a second one, never "already exists" on every run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetScimTokens } from "../../provider/client/scim";
import { PENDING_CREATE } from "../../provider/lifecycle";
import { FederationInventoryProvider } from "../../provider/resources/federationInventory";
import { IdaasFederatedCredentialProviderProvider } from "../../provider/resources/idaasFederatedCredentialProvider";
import { IdaasM2mApplicationProvider } from "../../provider/resources/idaasM2mApplication";
import { IdaasResourceServerProvider } from "../../provider/resources/idaasResourceServer";
import { OFFICIAL_CLI_APP_IDS } from "../../provider/resources/officialCliApplication";
import { OidcProviderProvider } from "../../provider/resources/oidcProvider";
import { OidcRoleProvider } from "../../provider/resources/oidcRole";
import { RamPolicyProvider } from "../../provider/resources/ramPolicy";
import { ScimApplicationProvider } from "../../provider/resources/scimApplication";
import { directoryMaps, ScimDirectoryProvider } from "../../provider/resources/scimDirectory";
import { ScimUserProvider } from "../../provider/resources/scimUser";
import { destroy, type Held, PROVIDER_TEXT, type ProviderImpl, refreshDiff, up } from "./engine";
import { configOf, FAULT_KINDS, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;

beforeAll(async () => {
  ({ emulator, config } = await startWired());
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(async () => {
  await emulator.reset();
});

type Call = [service: string, action: string];

/** `call` is refused with a 5xx for the rest of the run (16 answers: every retry). */
const down = ([service, action]: Call, nth?: number) =>
  emulator.injectFault({ service, action, kind: "server-error", count: 16, ...(nth ? { nth } : {}) });

/** `done` acts and its answer is lost; then `lookup` is down, so the run cannot tell what happened. */
async function answerLost(done: Call, lookup: Call, nth?: number): Promise<void> {
  await emulator.injectFault({
    service: done[0],
    action: done[1],
    kind: "lost",
    count: 1,
    ...(nth ? { nth } : {}),
  });
  await down(lookup, nth);
}

const eiam = (action: string, params: Record<string, string> = {}) =>
  emulator.console("eiam", action, { InstanceId: emulator.eiamInstanceId, ...params }) as Promise<
    Record<string, unknown>
  >;
const doc = JSON.stringify({
  Version: "1",
  Statement: [{ Effect: "Allow", Action: ["ram:GetRole"], Resource: "*" }],
});
const ARN = "acs:ram::1234567890123456:oidc-provider/github";
const ROLE = {
  roleName: "deployer",
  providerArn: ARN,
  audiences: ["sts.aliyuncs.com"],
  subjects: ["repo:acme/app:ref:refs/heads/main"],
};
const OIDC = {
  issuer: "https://oidc.example.com/c1",
  jwksUri: "https://oidc.example.com/c1/jwks",
  audiences: ["idaas"],
};
const ISSUER = "https://token.actions.githubusercontent.com";
const FP = "6938fd4d98bab03faadb97b34396831e3780aea1";

interface Case {
  provider: ProviderImpl & { configure(c: unknown): Promise<void> };
  /** The create that is done with its answer lost, and the look-up that then fails. */
  lost: Call;
  lookup: Call;
  v1(ctx: Record<string, string>): Record<string, unknown>;
  v2(ctx: Record<string, string>): Record<string, unknown>;
  /** The changed field's value in v2, as the service shows it. */
  want: string;
  /** Names of the objects of this kind in the account, and the changed field's live value. */
  live(): Promise<{ names: string[]; changed: unknown }>;
  setup?(): Promise<Record<string, string>>;
}

const cases: Record<string, Case> = {
  "OidcRole (description)": {
    want: "deploys",
    provider: OidcRoleProvider,
    lost: ["ram", "CreateRole"],
    lookup: ["ram", "GetRole"],
    v1: () => ROLE,
    v2: () => ({ ...ROLE, description: "deploys" }),
    live: async () => {
      const roles = (await emulator.console("ram", "ListRoles", {})) as {
        Roles: { Role: { RoleName: string; Description: string }[] };
      };
      return { names: roles.Roles.Role.map((r) => r.RoleName), changed: roles.Roles.Role[0]?.Description };
    },
  },
  "RamPolicy (description)": {
    want: "v2",
    provider: RamPolicyProvider,
    lost: ["ram", "CreatePolicy"],
    lookup: ["ram", "GetPolicy"],
    v1: () => ({ policyName: "deploy", policyDocument: doc }),
    v2: () => ({ policyName: "deploy", policyDocument: doc, description: "v2" }),
    live: async () => {
      const list = (await emulator.console("ram", "ListPolicies", { PolicyType: "Custom" })) as {
        Policies: { Policy: { PolicyName: string; Description: string }[] };
      };
      return {
        names: list.Policies.Policy.map((p) => p.PolicyName),
        changed: list.Policies.Policy[0]?.Description,
      };
    },
  },
  "OidcProvider (description)": {
    want: "GitHub Actions",
    provider: OidcProviderProvider,
    lost: ["ims", "CreateOIDCProvider"],
    lookup: ["ims", "GetOIDCProvider"],
    v1: () => ({
      oidcProviderName: "github",
      issuerUrl: ISSUER,
      clientIds: ["sts.aliyuncs.com"],
      fingerprints: [FP],
    }),
    v2: () => ({
      oidcProviderName: "github",
      issuerUrl: ISSUER,
      clientIds: ["sts.aliyuncs.com"],
      fingerprints: [FP],
      description: "GitHub Actions",
    }),
    live: async () => {
      const list = (await emulator.console("ims", "ListOIDCProviders", {})) as {
        OIDCProviders: { OIDCProvider: { OIDCProviderName: string; Description: string }[] };
      };
      const all = list.OIDCProviders.OIDCProvider;
      return { names: all.map((p) => p.OIDCProviderName), changed: all[0]?.Description };
    },
  },
  "ScimApplication (displayName)": {
    want: "Directory sync",
    provider: ScimApplicationProvider,
    lost: ["ims", "CreateApplication"],
    lookup: ["ims", "ListApplications"],
    v1: () => ({ appName: "sync" }),
    v2: () => ({ appName: "sync", displayName: "Directory sync" }),
    live: async () => {
      const list = (await emulator.console("ims", "ListApplications", {})) as {
        Applications: { Application: { AppName: string; DisplayName: string }[] };
      };
      const all = list.Applications.Application.filter((a) => a.AppName === "sync");
      return { names: all.map((a) => a.AppName), changed: all[0]?.DisplayName };
    },
  },
  "ScimUser (displayName)": {
    want: "Alice Chen",
    provider: ScimUserProvider,
    lost: ["scim", "CreateUser"],
    lookup: ["scim", "ListUsers"],
    setup: async () => {
      const app = await up(ScimApplicationProvider, undefined, { appName: "directory-sync" });
      const outs = app.held?.outs as { clientId: string; clientSecret: string };
      return { clientId: outs.clientId, clientSecret: outs.clientSecret };
    },
    v1: (c) => ({ userName: "alice", displayName: "Alice", externalId: "emp-1", ...c }),
    v2: (c) => ({ userName: "alice", displayName: "Alice Chen", externalId: "emp-1", ...c }),
    live: async () => {
      const state = (await emulator.state()) as {
        services: { ram: { users: { userName: string; displayName: string }[] } };
      };
      const all = state.services.ram.users.filter((u) => u.userName.startsWith("alice"));
      return { names: all.map((u) => u.userName), changed: all[0]?.displayName };
    },
  },
  "IdaasM2mApplication (applicationName)": {
    want: "orders",
    provider: IdaasM2mApplicationProvider,
    lost: ["eiam", "CreateApplication"],
    lookup: ["eiam", "ListApplications"],
    v1: () => ({ instanceId: emulator.eiamInstanceId, applicationName: "orders-worker" }),
    v2: () => ({ instanceId: emulator.eiamInstanceId, applicationName: "orders" }),
    live: async () => {
      const list = (await eiam("ListApplications")) as { Applications: { ApplicationName: string }[] };
      return {
        names: list.Applications.map((a) => a.ApplicationName),
        changed: list.Applications[0]?.ApplicationName,
      };
    },
  },
  "IdaasResourceServer (applicationName)": {
    want: "orders",
    provider: IdaasResourceServerProvider,
    lost: ["eiam", "CreateApplication"],
    lookup: ["eiam", "ListApplications"],
    v1: () => ({
      instanceId: emulator.eiamInstanceId,
      applicationName: "orders-api",
      identifier: "api://orders",
      scopes: [{ value: "read" }],
    }),
    v2: () => ({
      instanceId: emulator.eiamInstanceId,
      applicationName: "orders",
      identifier: "api://orders",
      scopes: [{ value: "read" }],
    }),
    live: async () => {
      const list = (await eiam("ListApplications")) as { Applications: { ApplicationName: string }[] };
      return {
        names: list.Applications.map((a) => a.ApplicationName),
        changed: list.Applications[0]?.ApplicationName,
      };
    },
  },
  "IdaasFederatedCredentialProvider (name)": {
    want: "cluster-one",
    provider: IdaasFederatedCredentialProviderProvider,
    lost: ["eiam", "CreateFederatedCredentialProvider"],
    lookup: ["eiam", "ListFederatedCredentialProviders"],
    v1: () => ({ instanceId: emulator.eiamInstanceId, name: "cluster-1", oidc: OIDC }),
    v2: () => ({ instanceId: emulator.eiamInstanceId, name: "cluster-one", oidc: OIDC }),
    live: async () => {
      const list = (await eiam("ListFederatedCredentialProviders")) as {
        FederatedCredentialProviders: { FederatedCredentialProviderName: string }[];
      };
      const names = list.FederatedCredentialProviders.map((p) => p.FederatedCredentialProviderName);
      return { names, changed: names[0] };
    },
  },
};

describe("a pending create resumed after the program changed in place", () => {
  it.each(Object.entries(cases))(
    "%s: one object, found as declared then, updated to now",
    async (_name, c) => {
      await c.provider.configure(configOf(config));
      const ctx = (await c.setup?.()) ?? {};
      await answerLost(c.lost, c.lookup);
      const first = await up(c.provider, undefined, c.v1(ctx));
      await emulator.clearFaults();
      expect(first.error).toBeDefined();
      expect(first.held?.outs[PENDING_CREATE]).toBeTypeOf("number");
      const made = await c.live();
      expect(made.names).toHaveLength(1);

      const second = await up(c.provider, first.held, c.v2(ctx));
      expect(second.error).toBeUndefined();
      expect(second.held?.outs[PENDING_CREATE]).toBeUndefined();
      const now = await c.live();
      expect(now.names).toHaveLength(1);
      expect(now.changed).toBe(c.want);
      // And nothing more to do.
      const third = await up(c.provider, second.held, c.v2(ctx));
      expect(third.error).toBeUndefined();
    },
  );
});

describe("the resumed create, with a fault at every call of the resuming run", () => {
  /** The account and the state a create left pending, from a fresh emulator. */
  async function pending(c: Case) {
    await emulator.reset();
    resetScimTokens();
    await c.provider.configure(configOf(config));
    const ctx = (await c.setup?.()) ?? {};
    await answerLost(c.lost, c.lookup);
    const first = await up(c.provider, undefined, c.v1(ctx));
    await emulator.clearFaults();
    expect(first.held?.outs[PENDING_CREATE]).toBeTypeOf("number");
    return { ctx, held: first.held };
  }

  it.each(Object.entries(cases))(
    "%s: whichever call fails and however, the next run converges on one object as declared now",
    async (_name, c) => {
      // The clean resumed run: its calls give the cells.
      const clean = await pending(c);
      await emulator.clearRequests();
      expect((await up(c.provider, clean.held, c.v2(clean.ctx))).error).toBeUndefined();
      const calls = (await emulator.requests()).length;
      expect(calls).toBeGreaterThan(0);
      const problems: string[] = [];
      for (let k = 1; k <= calls; k++)
        for (const [kind, faults] of Object.entries(FAULT_KINDS)) {
          const cell = `k=${k} ${kind}`;
          const { ctx, held } = await pending(c);
          for (const f of faults(k)) await emulator.injectFault(f);
          const resumed = await up(c.provider, held, c.v2(ctx));
          await emulator.clearFaults();
          const next = await up(c.provider, resumed.held, c.v2(ctx));
          if (next.error) {
            problems.push(`${cell}: the next run failed: ${(next.error as Error).message}`);
            continue;
          }
          const live = await c.live();
          if (live.names.length !== 1) problems.push(`${cell}: ${live.names.length} objects: ${live.names}`);
          if (live.changed !== c.want)
            problems.push(`${cell}: the change is not live (${String(live.changed)})`);
          if (next.held?.outs[PENDING_CREATE] !== undefined) problems.push(`${cell}: still pending`);
          const drift = next.held
            ? await refreshDiff(c.provider, next.held, c.v2(ctx))
            : ["nothing in state"];
          if (drift.length > 0) problems.push(`${cell}: preview --refresh shows ${drift.join(", ")}`);
        }
      expect(problems).toEqual([]);
    },
  );
});

describe("an in-place update whose answer was lost, then the program reverted", () => {
  it("OidcRole: the narrower trust declared again is written, not taken for 'no changes' while the wider one is live", async () => {
    await OidcRoleProvider.configure(configOf(config));
    const narrow = { ...ROLE };
    const wide = { ...ROLE, subjects: [...ROLE.subjects, "repo:acme/other:ref:refs/heads/main"] };
    const first = await up(OidcRoleProvider, undefined, narrow);
    await answerLost(["ram", "UpdateRole"], ["ram", "UpdateRole"]);
    const widened = await up(OidcRoleProvider, first.held, wide);
    await emulator.clearFaults();
    expect(widened.error).toBeDefined();
    expect(String(widened.held?.outs.trustPolicy)).toMatch(
      /^\(unknown: the answer to an UpdateRole was lost/,
    );
    const reverted = await up(OidcRoleProvider, widened.held, narrow);
    expect(reverted.error).toBeUndefined();
    const live = (await emulator.console("ram", "GetRole", { RoleName: "deployer" })) as {
      Role: { AssumeRolePolicyDocument: string };
    };
    expect(live.Role.AssumeRolePolicyDocument).not.toContain("repo:acme/other");
    expect(reverted.held?.outs.trustPolicy).toBe(first.held?.outs.trustPolicy);
  });

  it("RamPolicy: the document declared again is written when the lost version may be the default", async () => {
    await RamPolicyProvider.configure(configOf(config));
    const A = { policyName: "deploy", policyDocument: doc };
    const wider = JSON.stringify({
      Version: "1",
      Statement: [{ Effect: "Allow", Action: ["ram:GetRole", "ram:*"], Resource: "*" }],
    });
    const first = await up(RamPolicyProvider, undefined, A);
    await answerLost(["ram", "CreatePolicyVersion"], ["ram", "GetPolicy"]);
    const b = await up(RamPolicyProvider, first.held, { ...A, policyDocument: wider });
    await emulator.clearFaults();
    expect(b.error).toBeDefined();
    const back = await up(RamPolicyProvider, b.held, A);
    expect(back.error).toBeUndefined();
    const live = (await emulator.console("ram", "GetPolicy", {
      PolicyName: "deploy",
      PolicyType: "Custom",
    })) as {
      DefaultPolicyVersion: { PolicyDocument: string };
    };
    expect(JSON.parse(live.DefaultPolicyVersion.PolicyDocument).Statement[0].Action).toEqual(["ram:GetRole"]);
  });
});

describe("a ScimDirectory person whose create was lost, then a refresh", () => {
  it("still plans an update (the refresh cleared the engine's reminder), which deletes the person the roster dropped", async () => {
    await ScimApplicationProvider.configure(configOf(config));
    await ScimDirectoryProvider.configure(configOf(config));
    const app = (await up(ScimApplicationProvider, undefined, { appName: "directory-sync" })).held?.outs as {
      clientId: string;
      clientSecret: string;
    };
    const decl = (people: { userName: string; externalId: string }[]) => ({
      ...directoryMaps(people),
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      concurrency: 1,
      allowEmpty: true,
    });
    const alice = { userName: "alice", externalId: "emp-1" };
    const bob = { userName: "bob", externalId: "emp-2" };
    await answerLost(["scim", "CreateUser"], ["scim", "CreateUser"], 2);
    const first = await up(ScimDirectoryProvider, undefined, decl([alice, bob]));
    await emulator.clearFaults();
    expect(first.held?.outs.pending).toEqual({ "e:emp-2": "bob" });
    // The drift gate after a refresh, with the roster now without bob: an update is planned.
    expect(await refreshDiff(ScimDirectoryProvider, first.held as Held, decl([alice]))).toEqual(["update"]);
    const refreshed = await ScimDirectoryProvider.read(first.held?.id as string, first.held?.outs);
    const held: Held = {
      id: refreshed.id,
      outs: { ...refreshed.props, __provider: PROVIDER_TEXT },
      initErrors: false,
    };
    const second = await up(ScimDirectoryProvider, held, decl([alice]));
    expect(second.error).toBeUndefined();
    expect(second.held?.outs.pending).toBeUndefined();
    const state = (await emulator.state()) as { services: { ram: { users: { userName: string }[] } } };
    expect(state.services.ram.users.map((u) => u.userName)).toEqual(["alice"]);
  });
});

describe("a ScimApplication rotation whose delete of the old secret failed", () => {
  it("a second rotation deletes the retired secret first: two secrets per application leave no room beside it", async () => {
    await ScimApplicationProvider.configure(configOf(config));
    const first = await up(ScimApplicationProvider, undefined, { appName: "directory-sync" });
    const appId = first.held?.id as string;
    const ids = async () =>
      (
        (await emulator.console("ims", "ListAppSecretIds", { AppId: appId })) as {
          AppSecrets: { AppSecret: { AppSecretId: string }[] };
        }
      ).AppSecrets.AppSecret.map((x) => x.AppSecretId);
    await down(["ims", "DeleteAppSecret"]);
    const second = await up(ScimApplicationProvider, first.held, {
      appName: "directory-sync",
      secretVersion: 2,
    });
    await emulator.clearFaults();
    expect(second.error).toBeDefined();
    expect(second.held?.outs.retiredSecretIds).toHaveLength(1);
    expect(await ids()).toHaveLength(2);
    const third = await up(ScimApplicationProvider, second.held, {
      appName: "directory-sync",
      secretVersion: 3,
    });
    expect(third.error).toBeUndefined();
    expect(third.held?.outs.retiredSecretIds).toEqual([]);
    expect(await ids()).toEqual([third.held?.outs.appSecretId]);
  });
});

describe("a FederationInventory enforce update that fails half-way", () => {
  it("keeps tolerating the declarations it dropped, whose own resources are deleted only after it succeeds", async () => {
    await OidcRoleProvider.configure(configOf(config));
    await FederationInventoryProvider.configure(configOf(config));
    const appId = OFFICIAL_CLI_APP_IDS.cn;
    await emulator.console("ims", "ProvisionExternalApplication", { AppId: appId, Scopes: "openid" });
    const assign = (u: string) =>
      emulator.console("ims", "CreateApplicationAssignment", {
        AppId: appId,
        PrincipalType: "user",
        PrincipalName: `${u}@${emulator.accountId}.onaliyun.com`,
      });
    for (const u of ["alice", "mallory"]) await emulator.console("ram", "CreateUser", { UserName: u });
    await assign("alice");
    const role = await up(OidcRoleProvider, undefined, {
      ...ROLE,
      providerArn: `acs:ram::${emulator.accountId}:oidc-provider/github`,
    });
    const inv = (roles: string[]) => ({
      mode: "enforce",
      roles,
      cliAssignments: [{ principalType: "user", principalName: "alice" }],
    });
    const v1 = await up(FederationInventoryProvider, undefined, inv(["deployer"]));
    expect(v1.error).toBeUndefined();
    await assign("mallory");
    // The program drops the role: the inventory's update runs first, and fails removing mallory.
    await down(["ims", "DeleteApplicationAssignment"]);
    const failed = await up(FederationInventoryProvider, v1.held, inv([]));
    await emulator.clearFaults();
    expect(failed.error).toBeDefined();
    expect(failed.held?.outs.roles).toEqual(["deployer"]);
    // The next run: mallory goes, the role is still tolerated (its own delete comes after).
    const next = await up(FederationInventoryProvider, failed.held, inv([]));
    expect(next.error).toBeUndefined();
    expect(next.held?.outs.roles).toEqual([]);
    await destroy(OidcRoleProvider, role.held);
    const roles = (await emulator.console("ram", "ListRoles", {})) as { Roles: { Role: unknown[] } };
    expect(roles.Roles.Role).toEqual([]);
  });
});

describe("a change of case in a role's name", () => {
  it("OidcRole: no replacement, and check still carries the role's ARN and account to dependents", async () => {
    await OidcRoleProvider.configure(configOf(config));
    const made = await up(OidcRoleProvider, undefined, ROLE);
    const outs = made.held?.outs as Record<string, unknown>;
    // What the engine gives the check: the inputs a refresh stored (the read returns the stable
    // outputs among them; the create's own inputs could not hold them yet).
    const read = await OidcRoleProvider.read(made.held!.id, outs);
    const olds = { ...(read.inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
    expect(olds).toMatchObject({ arn: outs.arn, roleId: outs.roleId, accountId: outs.accountId });
    const checked = await OidcRoleProvider.check(olds, {
      ...ROLE,
      roleName: "Deployer",
      __provider: PROVIDER_TEXT,
    });
    expect(checked.failures ?? []).toEqual([]);
    expect(checked.inputs).toMatchObject({ arn: outs.arn, roleId: outs.roleId, accountId: outs.accountId });
    expect(
      await OidcRoleProvider.diff("deployer", outs, checked.inputs as Record<string, unknown>),
    ).toMatchObject({
      changes: false,
      replaces: [],
    });
  });
});

describe("a change of case in an application's name", () => {
  it("ScimApplication: no replacement (names ignore case), which could only fail with 'already exists'", async () => {
    await ScimApplicationProvider.configure(configOf(config));
    const made = await up(ScimApplicationProvider, undefined, { appName: "sync" });
    const renamed = await up(ScimApplicationProvider, made.held, { appName: "Sync" });
    expect(renamed.error).toBeUndefined();
    expect(renamed.held?.id).toBe(made.held?.id);
  });
});

describe("a pending create found, then the update to the new declaration fails half-way", () => {
  it("RamPolicy: state records the policy as existing, so the next run finishes (it looked for it again by the old document)", async () => {
    await RamPolicyProvider.configure(configOf(config));
    const v1 = { policyName: "deploy", policyDocument: doc };
    const v2 = {
      policyName: "deploy",
      policyDocument: JSON.stringify({
        Version: "1",
        Statement: [{ Effect: "Allow", Action: ["ram:GetRole", "ram:ListRoles"], Resource: "*" }],
      }),
      description: "v2",
    };
    await answerLost(["ram", "CreatePolicy"], ["ram", "GetPolicy"]);
    const first = await up(RamPolicyProvider, undefined, v1);
    await emulator.clearFaults();
    expect(first.held?.outs[PENDING_CREATE]).toBeTypeOf("number");
    // Found; the new version is made, then the description fails.
    await down(["ram", "UpdatePolicyDescription"]);
    const second = await up(RamPolicyProvider, first.held, v2);
    await emulator.clearFaults();
    expect(second.error).toBeDefined();
    expect(second.held?.outs[PENDING_CREATE]).toBeUndefined();
    const third = await up(RamPolicyProvider, second.held, v2);
    expect(third.error).toBeUndefined();
    const live = (await emulator.console("ram", "GetPolicy", {
      PolicyName: "deploy",
      PolicyType: "Custom",
    })) as {
      Policy: { Description: string };
    };
    expect(live.Policy.Description).toBe("v2");
  });
});

describe("a pending create found, then its update fails before any step is recorded", () => {
  it("RamPolicy: state is the found policy, in its own shape, and the next run converges", async () => {
    await RamPolicyProvider.configure(configOf(config));
    const v1 = { policyName: "deploy", policyDocument: doc, description: "old" };
    await answerLost(["ram", "CreatePolicy"], ["ram", "GetPolicy"]);
    const first = await up(RamPolicyProvider, undefined, v1);
    await emulator.clearFaults();
    expect(first.held?.outs[PENDING_CREATE]).toBeTypeOf("number");
    // Only the description changes, to none; its one call fails.
    await down(["ram", "UpdatePolicyDescription"]);
    const second = await up(RamPolicyProvider, first.held, { ...v1, description: "" });
    await emulator.clearFaults();
    expect(second.error).toBeDefined();
    expect(second.held?.outs).toMatchObject({ policyName: "deploy", description: "old" });
    expect(second.held?.outs).not.toHaveProperty("made");
    expect(second.held?.outs[PENDING_CREATE]).toBeUndefined();
    const third = await up(RamPolicyProvider, second.held, { ...v1, description: "" });
    expect(third.error).toBeUndefined();
    const live = (await emulator.console("ram", "GetPolicy", {
      PolicyName: "deploy",
      PolicyType: "Custom",
    })) as {
      Policy: { Description: string; DefaultVersion: string };
    };
    expect(live.Policy).toMatchObject({ Description: "", DefaultVersion: "v1" });
  });
});
