import * as pulumi from "@pulumi/pulumi";
import {
  ApplicationAssignment,
  FederationInventory,
  type InventoryMode,
  OfficialCliApplication,
  OidcProvider,
  OidcRole,
  trustPresets,
} from "alicloud-federation";

const c = new pulumi.Config();
const github = new OidcProvider("idp", {
  oidcProviderName: "e2e-idp",
  issuerUrl: "https://token.actions.githubusercontent.com",
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: ["a".repeat(40)],
});
const deployer = new OidcRole("role", {
  roleName: "e2e-deployer",
  provider: github,
  trust: trustPresets.githubActions({ repository: "acme/app", branches: ["main"] }),
});
const cli = new OfficialCliApplication("cli", { site: "cn" });
const alice = new ApplicationAssignment("cli-alice", {
  application: cli,
  principalType: "user",
  principalName: "alice",
});
const inventory = new FederationInventory("federation", {
  oidcProviders: [github],
  roles: [deployer],
  cliApplication: cli,
  cliAssignments: [alice],
  mode: c.get<InventoryMode>("mode") ?? "report",
  enforce: c.getObject("enforce"),
});
export const unmanaged = inventory.unmanaged;
