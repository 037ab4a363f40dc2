/**
 * The RAM OIDC identity provider that lets GitHub Actions jobs exchange their
 * OIDC token for Alibaba Cloud STS credentials.
 *
 * Config (all optional):
 *   providerName   the provider's name in RAM (default "github-actions")
 *   fingerprints   SHA-1 fingerprints of the last certificate in the chain of
 *                  token.actions.githubusercontent.com (see the README for how
 *                  to obtain them; the emulator accepts any 40-hex value)
 */
import * as pulumi from "@pulumi/pulumi";
import { OidcProvider } from "alicloud-federation";

const config = new pulumi.Config();

const github = new OidcProvider("github-actions", {
  oidcProviderName: config.get("providerName") ?? "github-actions",
  issuerUrl: "https://token.actions.githubusercontent.com",
  // The audience GitHub puts in tokens requested for Alibaba Cloud STS.
  clientIds: ["sts.aliyuncs.com"],
  fingerprints: config.requireObject<string[]>("fingerprints"),
  // GitHub job tokens live minutes; refuse anything issued over an hour ago.
  issuanceLimitTime: 1,
  description: "GitHub Actions OIDC federation, managed by Pulumi (alicloud-federation)",
});

/** What a role's trust policy names as its Federated principal. */
export const oidcProviderArn = github.arn;
export const issuerUrl = github.issuerUrl;
export const clientIds = github.clientIds;
export const fingerprints = github.fingerprints;
export const issuanceLimitTime = github.issuanceLimitTime;
export const createDate = github.createDate;
