/**
 * GitHub Actions → Alibaba Cloud without long-lived keys: the RAM OIDC
 * identity provider for GitHub's token issuer, and a role that only workflows
 * on one repository's main branch may assume.
 *
 * Config (all optional):
 *   providerName   the provider's name in RAM (default "github-actions")
 *   repository     owner/name whose main branch may deploy (default "acme/app")
 *   roleName       the role's name (default "github-actions-deployer")
 *   fingerprints   SHA-1 fingerprints of the last certificate in the chain of
 *                  token.actions.githubusercontent.com. Omitted: discovered
 *                  from GitHub at every preview (needs network); the emulator
 *                  accepts any 40-hex value.
 *   site           "cn" or "intl": which official-cli application (default "cn")
 *   cliUsers       RAM users (they must exist) who may log in to the Alibaba
 *                  Cloud CLI with OAuth (default ["alice", "bob"])
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ApplicationAssignment,
  OfficialCliApplication,
  OidcProvider,
  OidcRole,
  type Site,
  trustPresets,
} from "alicloud-federation";

const config = new pulumi.Config();
const repository = config.get("repository") ?? "acme/app";

const github = new OidcProvider("github-actions", {
  oidcProviderName: config.get("providerName") ?? "github-actions",
  issuerUrl: "https://token.actions.githubusercontent.com",
  // The audience GitHub puts in tokens requested for Alibaba Cloud STS.
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: config.getObject<string[]>("fingerprints"),
  // GitHub job tokens live minutes; refuse anything issued over an hour ago.
  issuanceLimitTime: 1,
  description: "GitHub Actions OIDC federation, managed by Pulumi (alicloud-federation)",
});

const deployer = new OidcRole("github-deployer", {
  roleName: config.get("roleName") ?? "github-actions-deployer",
  provider: github,
  // Only `repo:<repository>:ref:refs/heads/main`: no other branch, no pull
  // request, no fork, no other repository.
  trust: trustPresets.githubActions({ repository, branches: ["main"] }),
  maxSessionDuration: 3600,
  description: `Assumed by GitHub Actions workflows on ${repository}@main`,
  policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
});

// Who may log in to the Alibaba Cloud CLI with OAuth (`aliyun configure --mode
// OAuth`) instead of long-lived AccessKeys. This replaces two console steps an
// administrator would otherwise do by hand: install the official-cli
// application, then assign each user on its Assignments tab. Only assigned
// identities can log in; removing a line here revokes that person's CLI login.
const cli = new OfficialCliApplication("official-cli", { site: config.get<Site>("site") ?? "cn" });
const cliUsers = config.getObject<string[]>("cliUsers") ?? ["alice", "bob"];
for (const user of cliUsers) {
  new ApplicationAssignment(`cli-${user}`, { application: cli, principalType: "user", principalName: user });
}

/** What a role's trust policy names as its Federated principal. */
export const oidcProviderArn = github.arn;
export const issuerUrl = github.issuerUrl;
export const clientIds = github.clientIds;
export const fingerprints = github.fingerprints;
export const issuanceLimitTime = github.issuanceLimitTime;
/** Set this as `role-to-assume` / ALIBABA_CLOUD_ROLE_ARN in the workflow. */
export const roleArn = deployer.arn;
export const trustedSubjects = deployer.subjects;
export const attachedPolicies = deployer.policies;
/** The official-cli AppId (the CLI's OAuth client id for the site). */
export const cliAppId = cli.appId;
export const cliLoginUsers = cliUsers;
