/**
 * The README's least-privilege table (section "Team use") against the emulator's request log:
 * each resource's create, read, update and delete run against a fresh emulator, and the RAM
 * actions it called (IMS and RAM are `ram:` actions, EIAM `eiam:`, STS `sts:`) must be exactly
 * the ones the README lists for it. Every exported resource must be in the table; the ones
 * without a scenario here are named in UNVERIFIED, so a new resource fails this test until its
 * actions are documented and checked.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import * as pkg from "../../provider";
import { configOf, startWired } from "./harness";

const ROOT = join(__dirname, "..", "..");

interface Row {
  /** What create, read, update and delete call. */
  lifecycle: string[];
  /** What recovery (look-up before a retry) and drift repair may call besides. */
  recovery: string[];
  checked: boolean;
}

/** The README's table: resource -> documented actions. */
function documented(): Map<string, Row> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("<!-- ram-actions:start -->");
  const end = readme.indexOf("<!-- ram-actions:end -->");
  expect(start, "the README's action table markers").toBeGreaterThan(0);
  const actions = (cell: string) => [...cell.matchAll(/`((?:ram|eiam|sts):\w+)`/g)].map((a) => a[1]!).sort();
  const table = new Map<string, Row>();
  for (const line of readme.slice(start, end).split("\n")) {
    const m = /^\| `(\w+)` \|(.*)\|(.*)\|(.*)\|$/.exec(line);
    if (m) {
      table.set(m[1]!, {
        lifecycle: actions(m[2]!),
        recovery: actions(m[3]!),
        checked: m[4]!.trim() === "yes",
      });
    }
  }
  return table;
}

/** The exported resource classes. */
const resources = Object.entries(pkg)
  .filter(([, v]) => typeof v === "function" && Object.getPrototypeOf(v)?.name === "Resource")
  .map(([name]) => name)
  .sort();

/** Resources documented from their code but not yet exercised here. */
const UNVERIFIED = [
  "DirectoryGuard",
  "IdaasApplicationFederatedCredential",
  "IdaasClientConfig",
  "IdaasClientPublicKey",
  "IdaasResourceServer",
  "ScimDirectory",
  "ScimUser",
];

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
  /** Inputs for an in-place update, when the resource has one. */
  changed?(emulator: Emulator): Record<string, unknown>;
}

const checked = (name: string, args: Record<string, unknown>) => {
  const check = (pkg as unknown as Record<string, (a: unknown) => { inputs: object; failures: unknown[] }>)[
    `check${name}Inputs`
  ]!;
  const { inputs, failures } = check(args);
  expect(failures, name).toEqual([]);
  return inputs as Record<string, unknown>;
};

/** An EIAM application made in the console for scenarios that need one. */
let consoleAppId = "";

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

  it("lists every exported resource, and each is exercised here or named as not yet", () => {
    const table = documented();
    expect([...table.keys()].sort()).toEqual(resources);
    expect([...Object.keys(SCENARIOS), ...UNVERIFIED].sort()).toEqual(resources);
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

      const created = await provider.create(scenario.inputs(emulator) as never);
      const read = await provider.read(created.id, created.outs as never);
      let props = (read.props ?? created.outs) as object;
      if (scenario.changed && provider.update) {
        const updated = await provider.update(
          created.id,
          props as never,
          scenario.changed(emulator) as never,
        );
        props = updated.outs ?? props;
      }
      await provider.delete(created.id, props as never);

      const called = [...(await ramActions(emulator))].sort();
      expect(called).toEqual(documented().get(name)?.lifecycle);
    });
  }
});
