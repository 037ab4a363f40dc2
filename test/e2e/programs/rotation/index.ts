import * as pulumi from "@pulumi/pulumi";
import { OidcProvider, OidcRole } from "alicloud-federation";

const c = new pulumi.Config();
const provider = new OidcProvider("idp", {
  oidcProviderName: "ci",
  issuerUrl: c.require("issuerUrl"),
  clientIds: ["sts.aliyuncs.com"],
  // Omitted unless set: the recommended set (trust anchor + current intermediate), discovered.
  fingerprints: c.getObject<string[]>("fingerprints"),
});
const role = new OidcRole("deployer", {
  roleName: "ci-deployer",
  provider,
  audiences: ["sts.aliyuncs.com"],
  subjects: ["repo:acme/app:ref:refs/heads/main"],
  policies: [{ type: "System", name: "AliyunRAMReadOnlyAccess" }],
});
export const roleArn = role.arn;
export const oidcProviderArn = provider.arn;
export const fingerprints = provider.fingerprints;
