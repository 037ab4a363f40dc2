/**
 * The README's least-privilege table (section "Team use") against the emulator's request log:
 * each resource's create, read, update and delete run against a fresh emulator, and the RAM
 * actions it called (IMS and RAM are `ram:` actions, EIAM `eiam:`, STS `sts:`) must be exactly
 * the ones the README lists for it. Every exported resource must be in the table and have a
 * scenario here, so a new resource fails this test until its actions are documented and checked.
 * SCIM calls carry the SCIM application's OAuth token, not a RAM action: for ScimUser and
 * ScimDirectory the RAM actions (none) are checked and the SCIM calls are seen to happen;
 * DirectoryGuard is seen to make no request at all. Where a scenario can provoke them, drift
 * repair and the recovery of a create whose answer was lost are checked against the README's
 * recovery column too.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import * as pkg from "../../provider";
import { resetCallerAccount } from "../../provider/account";
import { PartialStateError } from "../../provider/lifecycle";
import { type ActionRow, RAM_ACTIONS, renderActionsTable } from "../../provider/permissions";
import { configOf, startWired } from "./harness";

const ROOT = join(__dirname, "..", "..");

interface Row {
  /** What create, read, update and delete call. */
  lifecycle: string[];
  /** What recovery (look-up before a retry) and drift repair may call besides. */
  recovery: string[];
  checked: boolean;
}

/** The table in code (provider/permissions.ts), which the README's is rendered from: resource -> actions. */
function documented(): Map<string, Row> {
  return new Map(
    Object.entries(RAM_ACTIONS).map(([name, row]: [string, ActionRow]) => [
      name,
      {
        lifecycle: [...row.lifecycle].sort(),
        recovery: row.recovery.map((r) => r.action).sort(),
        checked: true,
      },
    ]),
  );
}

/** The README's table, as written between its markers. */
function readmeTable(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("<!-- ram-actions:start -->");
  const end = readme.indexOf("<!-- ram-actions:end -->");
  expect(start, "the README's action table markers").toBeGreaterThan(0);
  return readme.slice(start + "<!-- ram-actions:start -->".length, end).trim();
}

/** The exported resource classes. */
const resources = Object.entries(pkg)
  .filter(([, v]) => typeof v === "function" && Object.getPrototypeOf(v)?.name === "Resource")
  .map(([name]) => name)
  .sort();

type Provider = {
  configure(req: unknown): Promise<void>;
  create(inputs: never): Promise<{ id: string; outs: object }>;
  read(id: string, props: never): Promise<{ id?: string; props?: object }>;
  update?(id: string, olds: never, news: never): Promise<{ outs?: object }>;
  delete(id: string, props: never): Promise<void>;
};

interface Scenario {
  /** Console set-up the resource expects to exist (not counted). */
  setUp?(emulator: Emulator): Promise<void>;
  inputs(emulator: Emulator): Record<string, unknown>;
  /** Inputs for an in-place update, when the resource has one (given the inputs it replaces). */
  changed?(emulator: Emulator, olds: Record<string, unknown>): Record<string, unknown>;
  /**
   * The services its calls go to besides RAM-authorized ones, and how many at least (so a
   * resource whose RAM action list is empty is seen to act at all); none: no request at all.
   */
  otherCalls?: { service: string; atLeast: number } | "none";
  /** An out-of-band edit that the next read and update repair (with the recovery column's actions). */
  drift?(emulator: Emulator, outs: Record<string, unknown>): Promise<void>;
  /** The create action whose answer, when lost, the resource recovers by a look-up. */
  lostCreate?: string;
}

const checked = (name: string, args: Record<string, unknown>, olds: Record<string, unknown> = {}) => {
  type Check = (...a: unknown[]) => { inputs: object; failures: unknown[] };
  const check = (pkg as unknown as Record<string, Check>)[`check${name}Inputs`]!;
  // The deletion guards judge the change: their checks take the old inputs first.
  const guarded = name === "ScimDirectory" || name === "DirectoryGuard";
  const { inputs, failures } = guarded ? check(olds, args) : check(args);
  expect(failures, name).toEqual([]);
  return inputs as Record<string, unknown>;
};

/** An EIAM application made in the console for scenarios that need one. */
let consoleAppId = "";
/** A federated credential provider made before a scenario that needs one. */
let providerId = "";
/** The SCIM application whose OAuth client the SCIM scenarios use. */
let scimApp = { clientId: "", clientSecret: "" };

const consoleApp = async (e: Emulator, name = "reporting") => {
  const app = (await e.console("eiam", "CreateApplication", {
    InstanceId: e.eiamInstanceId,
    ApplicationName: name,
    ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
    SsoType: "oidc",
  })) as { ApplicationId: string };
  return app.ApplicationId;
};

/** Makes the ScimApplication the SCIM scenarios sync with (its own RAM actions are checked above). */
const scimSetUp = async () => {
  const app = pkg.ScimApplicationProvider as unknown as Provider;
  await app.configure(configOf(config));
  const { outs } = await app.create(checked("ScimApplication", { appName: "directory-sync" }) as never);
  scimApp = outs as typeof scimApp;
};

const rsaKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
  type: "spki",
  format: "pem",
}) as string;

const people = (names: string[]) =>
  names.map((n, i) => ({ userName: n, displayName: n.toUpperCase(), externalId: `emp-${i}` }));

const SCENARIOS: Record<string, Scenario> = {
  OidcProvider: {
    inputs: () =>
      checked("OidcProvider", {
        oidcProviderName: "github-actions",
        issuerUrl: "https://token.actions.githubusercontent.com",
        clientIds: ["sts.aliyuncs.com"],
        fingerprints: ["1".repeat(40)],
        issuanceLimitTime: 1,
      }),
    changed: () =>
      checked("OidcProvider", {
        oidcProviderName: "github-actions",
        issuerUrl: "https://token.actions.githubusercontent.com",
        clientIds: ["sts.aliyuncs.com", "other"],
        fingerprints: ["2".repeat(40)],
        issuanceLimitTime: 2,
        description: "changed",
      }),
  },
  OidcRole: {
    inputs: (e) =>
      checked("OidcRole", {
        roleName: "github-actions-deployer",
        providerArn: `acs:ram::${e.accountId}:oidc-provider/github-actions`,
        issuerUrl: "https://token.actions.githubusercontent.com",
        audiences: ["sts.aliyuncs.com"],
        subjects: ["repo:acme/app:ref:refs/heads/main"],
        policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
      }),
    changed: (e) =>
      checked("OidcRole", {
        roleName: "github-actions-deployer",
        providerArn: `acs:ram::${e.accountId}:oidc-provider/github-actions`,
        issuerUrl: "https://token.actions.githubusercontent.com",
        audiences: ["sts.aliyuncs.com"],
        subjects: ["repo:acme/app:ref:refs/heads/release"],
        maxSessionDuration: 7200,
        policies: [{ type: "System", name: "AliyunOSSFullAccess" }],
      }),
  },
  OfficialCliApplication: {
    inputs: () => checked("OfficialCliApplication", { site: "cn" }),
  },
  RamPolicy: {
    inputs: () =>
      checked("RamPolicy", {
        policyName: "deploy",
        policyDocument: pkg.leastPrivilegePolicy(["OidcRole"]),
      }),
    // a new default version and a new description
    changed: () =>
      checked("RamPolicy", {
        policyName: "deploy",
        policyDocument: pkg.leastPrivilegePolicy(["OidcRole", "OidcProvider"]),
        description: "CI deploy",
      }),
  },
  ScimApplication: {
    inputs: () => checked("ScimApplication", { appName: "directory-sync" }),
    // a secret rotation: the update this resource makes
    changed: () => checked("ScimApplication", { appName: "directory-sync", secretVersion: 2 }),
  },
  IdaasM2mApplication: {
    inputs: (e) =>
      checked("IdaasM2mApplication", { instanceId: e.eiamInstanceId, applicationName: "reporting" }),
    changed: (e) =>
      checked("IdaasM2mApplication", {
        instanceId: e.eiamInstanceId,
        applicationName: "reporting-v2",
        description: "renamed",
      }),
  },
  IdaasClientSecret: {
    setUp: async (e) => {
      const app = (await e.console("eiam", "CreateApplication", {
        InstanceId: e.eiamInstanceId,
        ApplicationName: "reporting",
        ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
        SsoType: "oidc",
      })) as { ApplicationId: string };
      consoleAppId = app.ApplicationId;
    },
    inputs: (e) =>
      checked("IdaasClientSecret", { instanceId: e.eiamInstanceId, applicationId: consoleAppId, version: 1 }),
  },
  IdaasApplicationFederatedCredential: {
    lostCreate: "CreateApplicationFederatedCredential",
    setUp: async (e) => {
      consoleAppId = await consoleApp(e);
      const fcp = pkg.IdaasFederatedCredentialProviderProvider as unknown as Provider;
      await fcp.configure(configOf(config));
      providerId = (await fcp.create(SCENARIOS.IdaasFederatedCredentialProvider!.inputs(e) as never)).id;
    },
    inputs: (e) =>
      checked("IdaasApplicationFederatedCredential", {
        instanceId: e.eiamInstanceId,
        applicationId: consoleAppId,
        providerId,
        name: "orders-worker-sa",
        kubernetes: { namespace: "orders", serviceAccountName: "worker" },
      }),
    // the verification and the description change: one update call each
    changed: (e) =>
      checked("IdaasApplicationFederatedCredential", {
        instanceId: e.eiamInstanceId,
        applicationId: consoleAppId,
        providerId,
        name: "orders-worker-sa",
        description: "the orders worker",
        kubernetes: { namespace: "orders", serviceAccountName: "worker-v2" },
      }),
    drift: async (e, outs) => {
      await e.console("eiam", "DisableApplicationFederatedCredential", {
        InstanceId: e.eiamInstanceId,
        ApplicationId: consoleAppId,
        ApplicationFederatedCredentialId: String(outs.credentialId),
      });
    },
  },
  IdaasClientPublicKey: {
    lostCreate: "CreateClientPublicKey",
    setUp: async (e) => {
      consoleAppId = await consoleApp(e);
    },
    inputs: (e) =>
      checked("IdaasClientPublicKey", {
        instanceId: e.eiamInstanceId,
        applicationId: consoleAppId,
        publicKey: rsaKey,
      }),
    // every argument replaces: the update the engine can ask for is the same inputs (repairing drift)
    changed: (_e, olds) => olds,
    drift: async (e, outs) => {
      await e.console("eiam", "DisableClientPublicKey", {
        InstanceId: e.eiamInstanceId,
        ApplicationId: consoleAppId,
        ClientPublicKeyId: String(outs.clientPublicKeyId),
      });
    },
  },
  IdaasResourceServer: {
    lostCreate: "CreateApplication",
    setUp: async (e) => {
      consoleAppId = await consoleApp(e, "client");
      // a client is granted scopes only with its M2M client on
      await e.console("eiam", "EnableApplicationM2MClient", {
        InstanceId: e.eiamInstanceId,
        ApplicationId: consoleAppId,
      });
    },
    inputs: (e) =>
      checked("IdaasResourceServer", {
        instanceId: e.eiamInstanceId,
        applicationName: "orders-api",
        identifier: "api://orders",
        scopes: [{ value: "orders:read", name: "Read" }, { value: "orders:write" }],
        grants: [{ clientApplicationId: consoleAppId, scopes: ["orders:read"] }],
      }),
    // renamed and described; a scope renamed, one removed, one added; a grant given and one taken
    changed: (e) =>
      checked("IdaasResourceServer", {
        instanceId: e.eiamInstanceId,
        applicationName: "orders-api-v2",
        description: "the orders API",
        identifier: "api://orders",
        scopes: [{ value: "orders:read", name: "Read orders" }, { value: "orders:admin" }],
        grants: [{ clientApplicationId: consoleAppId, scopes: ["orders:admin"] }],
      }),
  },
  IdaasClientConfig: {
    inputs: (e) =>
      checked("IdaasClientConfig", {
        instanceId: e.eiamInstanceId,
        clientId: "app_client",
        scope: "api://orders|orders:read",
        authnMethod: "CLIENT_SECRET_POST",
        clientSecretEnvVarName: "REPORTING_CLIENT_SECRET",
      }),
    changed: (e) =>
      checked("IdaasClientConfig", {
        instanceId: e.eiamInstanceId,
        clientId: "app_client",
        scope: "api://orders|orders:write",
        authnMethod: "CLIENT_SECRET_POST",
        clientSecretEnvVarName: "REPORTING_CLIENT_SECRET",
      }),
  },
  ScimUser: {
    setUp: scimSetUp,
    inputs: () =>
      checked("ScimUser", {
        userName: "alice",
        displayName: "Alice",
        externalId: "emp-1",
        clientId: scimApp.clientId,
        clientSecret: scimApp.clientSecret,
      }),
    changed: () =>
      checked("ScimUser", {
        userName: "alice",
        displayName: "Alice Chen",
        externalId: "emp-1",
        clientId: scimApp.clientId,
        clientSecret: scimApp.clientSecret,
      }),
    otherCalls: { service: "scim", atLeast: 4 },
  },
  ScimDirectory: {
    setUp: scimSetUp,
    inputs: () =>
      checked("ScimDirectory", {
        ...pkg.directoryMaps(people(["alice", "bob"])),
        clientId: scimApp.clientId,
        clientSecret: scimApp.clientSecret,
      }),
    // one changed, one removed, one added
    changed: (_e, olds) =>
      checked(
        "ScimDirectory",
        {
          ...pkg.directoryMaps([
            { userName: "alice", displayName: "Alice Chen", externalId: "emp-0" },
            { userName: "carol", displayName: "CAROL", externalId: "emp-2" },
          ]),
          clientId: scimApp.clientId,
          clientSecret: scimApp.clientSecret,
        },
        olds,
      ),
    otherCalls: { service: "scim", atLeast: 6 },
  },
  DirectoryGuard: {
    inputs: () => checked("DirectoryGuard", { keys: ["emp-0", "emp-1"] }),
    changed: (_e, olds) => checked("DirectoryGuard", { keys: ["emp-0", "emp-2"] }, olds),
    otherCalls: "none",
  },
  IdaasFederatedCredentialProvider: {
    inputs: (e) =>
      checked("IdaasFederatedCredentialProvider", {
        instanceId: e.eiamInstanceId,
        name: "cluster-1",
        oidc: {
          issuer: "https://oidc.example.com/cluster-1",
          jwksUri: "https://oidc.example.com/cluster-1/jwks",
          audiences: ["idaas"],
        },
      }),
    changed: (e) =>
      checked("IdaasFederatedCredentialProvider", {
        instanceId: e.eiamInstanceId,
        name: "cluster-1",
        description: "the build cluster",
        oidc: {
          issuer: "https://oidc.example.com/cluster-1",
          jwksUri: "https://oidc.example.com/cluster-1/jwks",
          audiences: ["idaas", "other"],
        },
      }),
  },
  ApplicationAssignment: {
    setUp: async (e) => {
      await e.console("ram", "CreateUser", { UserName: "alice" });
      await e.console("ims", "ProvisionExternalApplication", {
        AppId: pkg.OFFICIAL_CLI_APP_IDS.cn,
        Scopes: "openid;/internal/ram/usersts",
      });
    },
    inputs: () =>
      checked("ApplicationAssignment", {
        appId: pkg.OFFICIAL_CLI_APP_IDS.cn,
        principalType: "user",
        principalName: "alice",
      }),
  },
  FederationInventory: {
    setUp: async (e) => {
      await e.console("ram", "CreateRole", {
        RoleName: "ops",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "1",
          Statement: [
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Principal: { RAM: [`acs:ram::${e.accountId}:root`] },
            },
          ],
        }),
      });
      await e.console("ims", "ProvisionExternalApplication", {
        AppId: pkg.OFFICIAL_CLI_APP_IDS.cn,
        Scopes: "openid",
      });
    },
    inputs: () => checked("FederationInventory", { cliAppIds: [pkg.OFFICIAL_CLI_APP_IDS.cn] }),
    changed: () =>
      checked("FederationInventory", { cliAppIds: [pkg.OFFICIAL_CLI_APP_IDS.cn], mode: "enforce" }),
  },
  ApplicationAssignmentsExclusive: {
    setUp: async (e) => {
      await e.console("ims", "ProvisionExternalApplication", {
        AppId: pkg.OFFICIAL_CLI_APP_IDS.cn,
        Scopes: "openid",
      });
    },
    inputs: () =>
      checked("ApplicationAssignmentsExclusive", {
        cliAppIds: [pkg.OFFICIAL_CLI_APP_IDS.cn],
        cliAssignments: [],
      }),
  },
};

/**
 * Calls RAM does not authorize, so no policy grants them: STS GetCallerIdentity ("No
 * authorization for this operation", https://www.alibabacloud.com/help/doc-detail/43767.htm).
 */
const NO_AUTHORIZATION = new Set(["sts:GetCallerIdentity"]);

/** RAM action names of what the emulator answered since the last clear (console edits left out). */
async function ramActions(emulator: Emulator): Promise<Set<string>> {
  const prefix: Record<string, string> = { ims: "ram", ram: "ram", eiam: "eiam", sts: "sts" };
  const out = new Set<string>();
  for (const r of await emulator.requests()) {
    const p = prefix[r.service];
    if (p && !NO_AUTHORIZATION.has(`${p}:${r.action}`)) out.add(`${p}:${r.action}`);
  }
  return out;
}

let emulator: Emulator;
let config: Record<string, string>;
beforeAll(async () => {
  ({ emulator, config } = await startWired());
});
afterAll(async () => emulator?.close());

/** The main example's resources, whose policy the README spells out. */
const MAIN_EXAMPLE = [
  "ApplicationAssignment",
  "FederationInventory",
  "OfficialCliApplication",
  "OidcProvider",
  "OidcRole",
];

/** The resources the README says make no account check (STS GetCallerIdentity). */
function noAccountCheck(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const sentence = /Every resource but ([^.]*?) also calls STS\s+`GetCallerIdentity`/.exec(readme);
  expect(sentence, "the README's sentence on GetCallerIdentity").not.toBeNull();
  return [...sentence![1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
}

describe("the README's least-privilege action table", () => {
  it("and its policy for the main example's deploying identity grants exactly those resources' actions", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Least privilege for the deploying identity"));
    const policy = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!);
    const granted = [...policy.Statement[0].Action].sort();
    const table = documented();
    const expected = [
      ...new Set(
        MAIN_EXAMPLE.flatMap((r) => [...(table.get(r)?.lifecycle ?? []), ...(table.get(r)?.recovery ?? [])]),
      ),
    ].sort();
    expect(granted).toEqual(expected);
  });

  it("in the README is the one in code (`npm run docs` renders it)", () => {
    expect(readmeTable()).toBe(renderActionsTable());
  });

  it("lists every exported resource, and each is exercised here", () => {
    const table = documented();
    expect([...table.keys()].sort()).toEqual(resources);
    expect(Object.keys(SCENARIOS).sort()).toEqual(resources);
    // the README says which rows are checked, truthfully
    const checkedRows = [...table].filter(([, row]) => row.checked).map(([name]) => name);
    expect(checkedRows.sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  for (const name of Object.keys(SCENARIOS)) {
    it(`${name}: the actions its create, read, update and delete call are exactly the documented ones`, async () => {
      const scenario = SCENARIOS[name]!;
      const provider = (pkg as unknown as Record<string, Provider>)[`${name}Provider`]!;
      await emulator.reset();
      await provider.configure(configOf(config));
      await scenario.setUp?.(emulator);
      await emulator.clearRequests();
      resetCallerAccount(); // so the account check, if the resource makes one, is in the log

      const inputs = scenario.inputs(emulator);
      const created = await provider.create(inputs as never);
      const read = await provider.read(created.id, created.outs as never);
      let props = (read.props ?? created.outs) as object;
      if (scenario.changed) {
        expect(provider.update, `${name} has an update`).toBeDefined();
        const updated = await provider.update!(
          created.id,
          props as never,
          scenario.changed(emulator, inputs) as never,
        );
        props = updated.outs ?? props;
      }
      await provider.delete(created.id, props as never);

      const called = [...(await ramActions(emulator))].sort();
      expect(called).toEqual(documented().get(name)?.lifecycle);
      const log = await emulator.requests();
      if (scenario.otherCalls === "none") expect(log).toEqual([]);
      else if (scenario.otherCalls) {
        const { service, atLeast } = scenario.otherCalls;
        expect(log.filter((r) => r.service === service).length).toBeGreaterThanOrEqual(atLeast);
      }
      const accountChecks = log.filter((r) => r.service === "sts" && r.action === "GetCallerIdentity");
      expect(accountChecks.length, "STS GetCallerIdentity calls").toBe(
        noAccountCheck().includes(name) ? 0 : 1,
      );
    });
  }

  for (const name of Object.keys(SCENARIOS).filter((n) => SCENARIOS[n]!.drift)) {
    it(`${name}: repairing an out-of-band edit calls its documented recovery actions`, async () => {
      const scenario = SCENARIOS[name]!;
      const provider = (pkg as unknown as Record<string, Provider>)[`${name}Provider`]!;
      await emulator.reset();
      await provider.configure(configOf(config));
      await scenario.setUp?.(emulator);
      const inputs = scenario.inputs(emulator);
      const created = await provider.create(inputs as never);
      await scenario.drift!(emulator, created.outs as Record<string, unknown>);
      await emulator.clearRequests();

      const read = await provider.read(created.id, created.outs as never);
      await provider.update!(created.id, read.props as never, inputs as never);

      const row = documented().get(name)!;
      const called = [...(await ramActions(emulator))];
      const repairs = called.filter((a) => !row.lifecycle.includes(a));
      expect(repairs.length, "the repair calls an action beyond the lifecycle's").toBeGreaterThan(0);
      expect(repairs.filter((a) => !row.recovery.includes(a))).toEqual([]);
    });
  }

  for (const name of Object.keys(SCENARIOS).filter((n) => SCENARIOS[n]!.lostCreate)) {
    it(`${name}: recovering a create whose answer was lost calls its documented recovery actions`, async () => {
      const scenario = SCENARIOS[name]!;
      const provider = (pkg as unknown as Record<string, Provider>)[`${name}Provider`]!;
      await emulator.reset();
      await provider.configure(configOf(config));
      await scenario.setUp?.(emulator);
      await emulator.clearRequests();
      // The create happens, its answer never arrives and retries of it fail: the provider looks
      // for what it made, in the create itself or, when the run died with the create recorded
      // pending, in the delete after.
      const action = scenario.lostCreate!;
      await emulator.injectFault({ kind: "lost", action, count: 1 });
      await emulator.injectFault({ kind: "server-error", action, nth: 1 });
      const res = await provider.create(scenario.inputs(emulator) as never).catch((e: unknown) => e);
      await emulator.clearFaults();
      if (res instanceof Error && !(res instanceof PartialStateError)) throw res;
      const [id, props] =
        res instanceof PartialStateError
          ? [res.id, res.properties]
          : [(res as { id: string }).id, (res as { outs: object }).outs];
      await provider.delete(id, props as never);
      const made = (await emulator.requests()).filter((r) => r.action === action && r.status === 200);
      expect(made, "one object made").toHaveLength(1);
      // what the lost create made is gone: found and deleted, not stranded
      const read = await provider.read(id, props as never);
      expect(read.id ?? "").toBe("");

      const row = documented().get(name)!;
      const called = [...(await ramActions(emulator))];
      const recovery = called.filter((a) => !row.lifecycle.includes(a));
      expect(recovery.length, "the recovery calls an action beyond the lifecycle's").toBeGreaterThan(0);
      expect(recovery.filter((a) => !row.recovery.includes(a))).toEqual([]);
    });
  }
});
