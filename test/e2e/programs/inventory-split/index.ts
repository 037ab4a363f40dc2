import * as pulumi from "@pulumi/pulumi";
import { FederationInventory, OidcProvider, OidcRole, trustPresets } from "alicloud-federation";

// One team's part of the account: its own provider and role. What the other team's stack declares
// is accepted from its exported inventory (config `other`: that stack's name) or, before it
// exists, from a list of names (config `acceptList`).
const c = new pulumi.Config();
const team = c.require("team");
// An issuer URL is unique per account: each team has its own GitLab.
const gitlabUrl = `https://gitlab.${team}.example.com`;
const idp = new OidcProvider("idp", {
  oidcProviderName: `${team}-idp`,
  issuerUrl: gitlabUrl,
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: ["a".repeat(40)],
});
const role = new OidcRole("role", {
  roleName: `${team}-deployer`,
  provider: idp,
  trust: trustPresets.gitlabCi({ project: `acme/${team}`, branches: ["main"], gitlabUrl }),
});
const other = c.get("other");
const list = c.getObject<{ oidcProviders?: string[]; roles?: string[] }>("acceptList");
const inventory = new FederationInventory("federation", {
  oidcProviders: [idp],
  roles: [role],
  acceptDeclaredBy: [
    ...(other ? [new pulumi.StackReference(other).getOutput("federation")] : []),
    ...(list ? [list] : []),
  ],
});
export const federation = inventory.declared;
export const unmanaged = inventory.unmanaged;
