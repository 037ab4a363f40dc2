import * as pulumi from "@pulumi/pulumi";
import { OidcProvider } from "alicloud-federation";

const c = new pulumi.Config();
const p = new OidcProvider("idp", {
  oidcProviderName: c.get("name") ?? "e2e-idp",
  issuerUrl: c.get("issuerUrl") ?? "https://idp.example.com",
  fingerprints: c.requireObject<string[]>("fingerprints"),
  clientIds: c.getObject<string[]>("clientIds") ?? ["sts.aliyuncs.com"],
  description: c.get("description"),
  issuanceLimitTime: c.getNumber("issuanceLimitTime"),
  adopt: c.getBoolean("adopt"),
});
export const arn = p.arn;
export const fingerprints = p.fingerprints;
export const clientIds = p.clientIds;
