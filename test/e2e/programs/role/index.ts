import * as pulumi from "@pulumi/pulumi";
import { OidcProvider, OidcRole, type TrustPreset, trustPresets } from "alicloud-federation";

const c = new pulumi.Config();
const presets: Record<string, () => TrustPreset | undefined> = {
  "github-main": () => trustPresets.githubActions({ repository: "acme/app", branches: ["main"] }),
  "github-any-ref": () => trustPresets.githubActions({ repository: "acme/app", anyRef: true }),
  "authing-any-user": () =>
    trustPresets.authing({
      appHost: "acme.authing.cn",
      appId: "64a1b2c3d4e5f6a7b8c9d0e1",
      allowAnySubject: true,
    }),
  none: () => undefined,
};
const preset = presets[c.require("preset")]!();
const provider = new OidcProvider("idp", {
  oidcProviderName: "e2e-idp",
  issuerUrl: preset?.issuerUrl ?? "https://token.actions.githubusercontent.com",
  clientIds: preset?.audiences ?? ["sts.aliyuncs.com"],
  fingerprints: ["a".repeat(40)],
});
const role = new OidcRole("role", {
  roleName: "e2e-role",
  provider,
  trust: preset,
  audiences: preset ? undefined : ["sts.aliyuncs.com"],
});
export const subjects = role.subjects;
