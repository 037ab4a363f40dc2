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
// Live mode names the objects with its run's prefix, and gives the issuer the prefix as a last
// path segment (as test/target.ts namedIssuer does): an issuer URL is unique in an account, and a
// real account may already trust the public one.
const prefix = c.get("prefix") ?? "";
const publicIssuer = preset?.issuerUrl ?? "https://token.actions.githubusercontent.com";
const issuerUrl = prefix ? `${publicIssuer}/${prefix.replace(/-$/, "")}` : publicIssuer;
const provider = new OidcProvider("idp", {
  oidcProviderName: `${prefix}e2e-idp`,
  issuerUrl,
  clientIds: preset?.audiences ?? ["sts.aliyuncs.com"],
  fingerprints: ["a".repeat(40)],
});
const role = new OidcRole("role", {
  roleName: `${prefix}e2e-role`,
  provider,
  trust: preset,
  issuerUrl: preset ? issuerUrl : undefined,
  audiences: preset ? undefined : ["sts.aliyuncs.com"],
});
export const subjects = role.subjects;
