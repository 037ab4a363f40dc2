import * as pulumi from "@pulumi/pulumi";
import {
  ApplicationAssignment,
  FederationInventory,
  OfficialCliApplication,
  OidcProvider,
  OidcRole,
  RamPolicy,
  trustPresets,
} from "alicloud-federation";

// The main example's shape (examples/github-actions-oidc) plus a custom policy: one resource of
// each commonly used kind, six providers. `note` is what the bench changes for "one change".
const c = new pulumi.Config();
const github = new OidcProvider("github-actions", {
  oidcProviderName: "github-actions",
  issuerUrl: "https://token.actions.githubusercontent.com",
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: [c.require("fingerprint")],
  issuanceLimitTime: 1,
  description: "GitHub Actions OIDC federation (bench)",
});
const policy = new RamPolicy("deploy", {
  policyName: "bench-deploy",
  policyDocument: {
    Version: "1",
    Statement: [{ Effect: "Allow", Action: ["oss:GetObject"], Resource: ["acs:oss:*:*:bench/*"] }],
  },
  description: "What the deployer may do (bench)",
});
const deployer = new OidcRole("github-deployer", {
  roleName: "github-actions-deployer",
  provider: github,
  trust: trustPresets.githubActions({ repository: "acme/app", branches: ["main"] }),
  maxSessionDuration: 3600,
  description: `Assumed by GitHub Actions workflows on acme/app@main${c.get("note") ?? ""}`,
  policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }, policy],
});
const cli = new OfficialCliApplication("official-cli", { site: "cn" });
const logins = ["alice", "bob"].map(
  (user) =>
    new ApplicationAssignment(`cli-${user}`, {
      application: cli,
      principalType: "user",
      principalName: user,
    }),
);
const inventory = new FederationInventory("federation", {
  oidcProviders: [github],
  roles: [deployer],
  cliApplication: cli,
  cliAssignments: logins,
  mode: "report",
});
export const roleArn = deployer.arn;
export const unmanaged = inventory.unmanaged;
