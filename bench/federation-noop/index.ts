import * as pulumi from "@pulumi/pulumi";

// bench/federation with no-op dynamic providers: the same seven resources, the same inputs (the
// values the real classes pass, computed outputs declared as undefined), dependencies through
// outputs as there, and one provider per kind built like alicloud-federation's shim (seven
// forwarding methods, one export name each), so the engine stores and runs the same shape. No
// API call, no library loaded: what the engine itself costs for this program.
class Noop extends pulumi.dynamic.Resource {
  declare readonly arn: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly unmanaged: pulumi.Output<string[]>;
}

function provider(exportName: string, computed: Record<string, unknown>): pulumi.dynamic.ResourceProvider {
  const impl = () => ({
    check: async (_o: unknown, n: Record<string, unknown>) => ({ inputs: n }),
    create: async (i: Record<string, unknown>) => ({
      id: String(i.name),
      outs: { ...i, ...computed, accountId: "1234567890123456" },
    }),
    exportName,
  });
  return {
    configure: async (_req) => void impl(),
    check: (olds, news) => impl().check(olds, news),
    diff: async (_id, olds, news) => ({
      changes: impl() !== undefined && JSON.stringify(olds.description) !== JSON.stringify(news.description),
    }),
    create: (inputs) => impl().create(inputs),
    read: async (id, props) => ({ id: impl() ? id : id, props }),
    update: async (_id, _olds, news) => ({ outs: { ...news, ...computed, accountId: "1234567890123456" } }),
    delete: async (_id, _props) => void impl(),
  };
}

const now = new Date().toISOString();
const c = new pulumi.Config();
const github = new Noop(
  provider("OidcProviderProvider", {
    arn: "acs:ram::1234567890123456:oidc-provider/github-actions",
    createDate: now,
    updateDate: now,
  }),
  "github-actions",
  {
    name: "github-actions",
    oidcProviderName: "github-actions",
    issuerUrl: "https://token.actions.githubusercontent.com",
    clientIds: ["sts.aliyuncs.com"],
    fingerprints: [c.require("fingerprint")],
    issuanceLimitTime: 1,
    description: "GitHub Actions OIDC federation (bench)",
    arn: undefined,
    createDate: undefined,
    updateDate: undefined,
  },
);
const document = JSON.stringify({
  Statement: [{ Action: ["oss:GetObject"], Effect: "Allow", Resource: ["acs:oss:*:*:bench/*"] }],
  Version: "1",
});
const policy = new Noop(
  provider("RamPolicyProvider", { defaultVersion: "v1", createDate: now, updateDate: now }),
  "deploy",
  {
    name: "bench-deploy",
    policyName: "bench-deploy",
    policyDocument: document,
    description: "What the deployer may do (bench)",
    adopt: undefined,
    defaultVersion: undefined,
    createDate: undefined,
    updateDate: undefined,
  },
);
const subject = "repo:acme/app:ref:refs/heads/main";
const deployer = new Noop(
  provider("OidcRoleProvider", {
    arn: "acs:ram::1234567890123456:role/github-actions-deployer",
    roleId: "3".repeat(19),
    trustPolicy: JSON.stringify({
      Statement: [
        {
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: {
              "oidc:aud": ["sts.aliyuncs.com"],
              "oidc:iss": ["https://token.actions.githubusercontent.com"],
              "oidc:sub": [subject],
            },
          },
          Effect: "Allow",
          Principal: { Federated: ["acs:ram::1234567890123456:oidc-provider/github-actions"] },
        },
      ],
      Version: "1",
    }),
    createDate: now,
    updateDate: now,
  }),
  "github-deployer",
  {
    name: "github-actions-deployer",
    roleName: "github-actions-deployer",
    providerArn: github.arn,
    providerClientIds: ["sts.aliyuncs.com"],
    providerIssuerUrl: "https://token.actions.githubusercontent.com",
    issuerUrl: "https://token.actions.githubusercontent.com",
    audiences: ["sts.aliyuncs.com"],
    subjects: [subject],
    subjectPatterns: undefined,
    allowAnySubject: undefined,
    conditions: undefined,
    allowUndeterminedTrust: undefined,
    maxSessionDuration: 3600,
    description: `Assumed by GitHub Actions workflows on acme/app@main${c.get("note") ?? ""}`,
    policies: [
      { type: "System", name: "AliyunOSSReadOnlyAccess" },
      { type: "Custom", name: policy.id },
    ],
    policyDocuments: {},
    allowSelfLockout: undefined,
    adopt: undefined,
    allowAdministratorDetach: undefined,
    arn: undefined,
    roleId: undefined,
    trustPolicy: undefined,
    createDate: undefined,
    updateDate: undefined,
  },
);
const cli = new Noop(
  provider("OfficialCliApplicationProvider", {
    appId: "4038181954557748008",
    displayName: "Alibaba Cloud CLI",
    appPrincipalName: "official-cli@1234567890123456.onaliyun.com",
    scopes: ["openid", "/acs/cli"],
    installedByStack: true,
    createDate: now,
  }),
  "official-cli",
  {
    name: "official-cli",
    site: "cn",
    appId: undefined,
    displayName: undefined,
    appPrincipalName: undefined,
    scopes: undefined,
    installedByStack: undefined,
    createDate: undefined,
  },
);
const logins = ["alice", "bob"].map(
  (user) =>
    new Noop(
      provider("ApplicationAssignmentProvider", {
        assignedPrincipalName: `${user}@1234567890123456.onaliyun.com`,
      }),
      `cli-${user}`,
      {
        name: user,
        appId: cli.appId,
        principalType: "user",
        principalName: user,
        adopt: undefined,
        assignedPrincipalName: undefined,
      },
    ),
);
const inventory = new Noop(
  provider("FederationInventoryProvider", { unmanaged: [], roleVerdicts: {}, accepted: [] }),
  "federation",
  {
    name: "federation",
    covers: undefined,
    oidcProviders: ["github-actions"],
    roles: ["github-actions-deployer"],
    cliAppIds: [cli.appId],
    cliAssignments: logins.map((l) => l.id),
    mode: "report",
    enforce: undefined,
    acceptDeclaredBy: undefined,
    maxRemovals: undefined,
    confirmRemovals: undefined,
    unmanaged: undefined,
    roleVerdicts: undefined,
    accepted: undefined,
  },
);
export const roleArn = deployer.arn;
export const unmanaged = inventory.unmanaged;
