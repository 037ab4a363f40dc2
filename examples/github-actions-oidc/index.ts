/**
 * GitHub Actions → Alibaba Cloud without long-lived keys: the RAM OIDC
 * identity provider for GitHub's token issuer, and a role that only workflows
 * on one repository's main branch may assume.
 *
 * Config (optional against the emulator; see "A real account" below):
 *   providerName   the provider's name in RAM (default "github-actions")
 *   repository     owner/name whose main branch may deploy (default "acme/app")
 *   roleName       the role's name (default "github-actions-deployer")
 *   fingerprints   SHA-1 fingerprints of CA certificates in the chain of
 *                  token.actions.githubusercontent.com: its root (the trust
 *                  anchor) and current intermediate. Omitted: discovered from
 *                  GitHub at every preview (needs network); given, each preview
 *                  checks them against GitHub's live chain when it can reach it.
 *   site           "cn" or "intl": which official-cli application (default "cn")
 *   cliUsers       RAM users (they must exist) who may log in to the Alibaba
 *                  Cloud CLI with OAuth (default ["alice", "bob"])
 *   inventoryMode  "report" (default: `up` fails on federation trust this
 *                  program does not declare, changing nothing) or "enforce"
 *                  (`up` also removes undeclared CLI logins; the demo sets it)
 *
 * A real account: with no emulator endpoint (`alicloud-federation:endpoint` or
 * ALICLOUD_FEDERATION_ENDPOINT), every setting that grants access (repository,
 * cliUsers) must be set explicitly: the defaults are demo values, and
 * `acme/app` is someone else's repository. Without them the program stops at
 * preview, before any call, explaining the two choices.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ApplicationAssignment,
  FederationInventory,
  type InventoryMode,
  OfficialCliApplication,
  OidcProvider,
  OidcRole,
  type Site,
  trustPresets,
} from "alicloud-federation";

const config = new pulumi.Config();

// No endpoint: the calls go to real Alibaba Cloud, to whatever account the credential chain finds.
const endpoint =
  new pulumi.Config("alicloud-federation").get("endpoint") ?? process.env.ALICLOUD_FEDERATION_ENDPOINT;
const grantsAccess = ["repository", "cliUsers"] as const;
const unset = grantsAccess.filter((key) => config.get(key) === undefined);
if (!endpoint && unset.length > 0) {
  throw new pulumi.RunError(
    [
      `This stack targets a real Alibaba Cloud account (no emulator endpoint is set), and ${unset.join(" and ")} ${unset.length > 1 ? "are" : "is"} not set.`,
      "Their defaults are demo values that would grant access: the role trusts the GitHub repository acme/app (not yours),",
      'and RAM users "alice" and "bob" may log in to the CLI. Nothing was created or changed. Choose one:',
      "  1. Try it against the local emulator: `npm run demo`, or run `npx alicloud-federation-emulator --port 8080` and",
      "     `pulumi config set alicloud-federation:endpoint http://127.0.0.1:8080` with its accessKeyId and accessKeySecret.",
      "  2. Use it on your account, deliberately: `pulumi config set repository <owner>/<repo>` and",
      "     `pulumi config set cliUsers '[\"<ram-user>\"]'` (or '[]'), and bind the stack to that account with",
      "     `pulumi config set alicloud-federation:allowedAccountIds <account-id>`.",
    ].join("\n"),
  );
}
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
const cliLogins = cliUsers.map(
  (user) =>
    new ApplicationAssignment(`cli-${user}`, {
      application: cli,
      principalType: "user",
      principalName: user,
    }),
);

// The account's complete federation trust: this provider, this role, these CLI
// logins. A provider, a role trusting a federated principal or a CLI login made
// in the console is drift: `preview --refresh` names it with what it trusts and
// the drift gate fails. In "report" mode `up` fails with the list and changes
// nothing (the safe default on an account with history); in "enforce" mode it
// removes undeclared CLI logins and fails, naming them, on undeclared providers
// and roles (deleting those is opt-in per kind: `enforce: { oidcProviders: true, roles: true }`).
const inventory = new FederationInventory("federation", {
  oidcProviders: [github],
  roles: [deployer],
  cliApplication: cli,
  cliAssignments: cliLogins,
  mode: config.get<InventoryMode>("inventoryMode") ?? "report",
});

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
/** Federation trust found in the account but not declared here (after a refresh). */
export const unmanagedTrust = inventory.unmanaged;
