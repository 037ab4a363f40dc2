/**
 * A pipeline that deploys through the federation it declares: `pulumi up` in GitHub Actions with
 * no long-lived key. The stack holds its own deploy identity (the OIDC provider for GitHub's
 * token issuer, a role only `<repository>`'s main branch may assume, and a custom policy generated
 * from the least-privilege table for exactly the resource kinds this stack manages) and the
 * workload it deploys (here, the role the application's production jobs assume).
 *
 * Bootstrap: the first `pulumi up` runs once with an administrator's identity. Every later run
 * (.github/workflows/deploy.yml) assumes `ci-deployer` with the job's OIDC token. The deploy
 * identity is `protect`ed: `pulumi destroy --exclude-protected` removes the workload and leaves
 * the pipeline able to run; a change to the deploy role's own trust or policy that would lock the
 * next run out fails at preview unless `allowSelfLockout` is set. See the README's "CI without
 * keys" section for the hand-over, rotation and break-glass.
 *
 * Config (all optional against the emulator):
 *   repository        owner/name whose main branch deploys (default "acme/app"; required on a
 *                     real account, like the main example)
 *   fingerprints      SHA-1 fingerprints for token.actions.githubusercontent.com (default:
 *                     discovered at every preview)
 *   deployBranches    branches that may deploy (default ["main"])
 *   allowSelfLockout  let a change lock the pipeline out of its own role (default false)
 *   appDescription    the workload role's description (the "change" a pipeline run deploys)
 */
import * as pulumi from "@pulumi/pulumi";
import {
  leastPrivilegePolicy,
  OidcProvider,
  OidcRole,
  RamPolicy,
  type ResourceKind,
  trustPresets,
} from "alicloud-federation";

const config = new pulumi.Config();
const endpoint =
  new pulumi.Config("alicloud-federation").get("endpoint") ?? process.env.ALICLOUD_FEDERATION_ENDPOINT;
if (!endpoint && config.get("repository") === undefined)
  throw new pulumi.RunError(
    "This stack targets a real Alibaba Cloud account (no emulator endpoint is set) and `repository` is not set: " +
      "its default, acme/app, is someone else's repository, whose main branch would get this account's deploy role. " +
      "Nothing was created. Set `pulumi config set repository <owner>/<repo>`, or point the stack at the emulator.",
  );
const repository = config.get("repository") ?? "acme/app";

/** The kinds of resource this stack manages: the deploy policy allows exactly their actions. */
const MANAGED: ResourceKind[] = ["OidcProvider", "OidcRole", "RamPolicy"];

// ---- the deploy identity: made by the bootstrap, used by every later run, never destroyed by it

const github = new OidcProvider(
  "github-actions",
  {
    oidcProviderName: "github-actions",
    issuerUrl: "https://token.actions.githubusercontent.com",
    clientIds: ["sts.aliyuncs.com"],
    fingerprints: config.getObject<string[]>("fingerprints"),
    issuanceLimitTime: 1,
    description: "GitHub Actions OIDC federation (ci-deployer)",
  },
  { protect: true },
);

const deployPolicy = new RamPolicy(
  "ci-deploy",
  {
    policyName: "ci-deploy",
    // Generated from the least-privilege table (provider/permissions.ts): the same table the
    // README shows and the permissions test checks against the emulator's request log.
    policyDocument: leastPrivilegePolicy(MANAGED),
    description: `What ${repository}@main needs to deploy this stack`,
  },
  { protect: true },
);

const deployer = new OidcRole(
  "ci-deployer",
  {
    roleName: "ci-deployer",
    provider: github,
    trust: trustPresets.githubActions({
      repository,
      branches: config.getObject<string[]>("deployBranches") ?? ["main"],
    }),
    policies: [deployPolicy],
    allowSelfLockout: config.getBoolean("allowSelfLockout") ?? false,
    description: `Assumed by GitHub Actions on ${repository}@main to deploy this stack`,
  },
  { protect: true },
);

// ---- the workload: what the pipeline deploys

const app = new OidcRole("app-runtime", {
  roleName: "app-runtime",
  provider: github,
  trust: trustPresets.githubActions({ repository, environments: ["production"] }),
  policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
  description: config.get("appDescription") ?? `Assumed by ${repository}'s production jobs`,
});

/** What the workflow sets as ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_PROVIDER_ARN. */
export const roleArn = deployer.arn;
export const oidcProviderArn = github.arn;
export const deployPolicyActions = deployPolicy.policyDocument.apply(
  (doc) => JSON.parse(doc).Statement[0].Action as string[],
);
export const appRoleArn = app.arn;
