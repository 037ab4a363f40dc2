import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { OidcProvider, OidcRole, readDirectory, trustPresets } from "alicloud-federation";

const c = new pulumi.Config();
// Mistakes a newcomer makes while the program runs: a preset argument, a directory file.
const mistake = c.get("mistake");
if (mistake === "preset") trustPresets.githubActions({ repository: "acme", branches: [] });
if (mistake === "directory") readDirectory(path.join(__dirname, "bad-people.csv"));
// How many roles besides the first: the stack has 2 providers and 1 + roles roles.
const roles = c.getNumber("roles") ?? 3;
// Live mode names the objects with its run's prefix, and gives each issuer the prefix as a last
// path segment (as test/target.ts namedIssuer does): an issuer URL is unique in an account.
const prefix = c.get("prefix") ?? "";
const issuer = (url: string) => (prefix ? `${url}/${prefix.replace(/-$/, "")}` : url);
const githubIssuer = issuer("https://token.actions.githubusercontent.com");
const gitlabIssuer = issuer("https://gitlab.com");
const github = new OidcProvider("github", {
  oidcProviderName: `${prefix}newcomer-github`,
  issuerUrl: githubIssuer,
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: ["a".repeat(40)],
});
const gitlab = new OidcProvider("gitlab", {
  oidcProviderName: `${prefix}newcomer-gitlab`,
  issuerUrl: gitlabIssuer,
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: ["b".repeat(40)],
});
new OidcRole("deployer", {
  roleName: `${prefix}newcomer-deployer`,
  provider: github,
  trust: trustPresets.githubActions({ repository: "acme/app", branches: ["main"] }),
  issuerUrl: githubIssuer,
  policies: (c.getObject<string[]>("policies") ?? ["AliyunOSSReadOnlyAccess"]).map((name) => ({
    type: "System" as const,
    name,
  })),
});
for (let i = 0; i < roles; i++)
  new OidcRole(`ci-${i}`, {
    roleName: `${prefix}newcomer-ci-${i}`,
    provider: gitlab,
    trust: trustPresets.gitlabCi({ project: `acme/app-${i}`, branches: ["main"] }),
    issuerUrl: gitlabIssuer,
  });
// Taking over a role someone made by hand: its plan shows at preview.
if (c.getBoolean("adopt"))
  new OidcRole("legacy", {
    roleName: `${prefix}newcomer-legacy`,
    provider: github,
    trust: trustPresets.githubActions({ repository: "acme/legacy", branches: ["main"] }),
    issuerUrl: githubIssuer,
    policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
    adopt: true,
    allowAdministratorDetach: c.getBoolean("allowAdministratorDetach"),
  });
