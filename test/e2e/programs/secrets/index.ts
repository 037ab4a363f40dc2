import * as pulumi from "@pulumi/pulumi";
import {
  IdaasClientConfig,
  IdaasClientSecret,
  IdaasM2mApplication,
  OidcProvider,
  OidcRole,
  RamPolicy,
  ScimApplication,
  ScimDirectory,
  ScimUser,
} from "alicloud-federation";

// The SCIM app's client secret reaches ScimDirectory and ScimUser as a secret input; with
// `useApp: false` the directory takes clientId / clientSecret (a secret config value) instead.
const c = new pulumi.Config();
// Live mode names the objects with its run's prefix.
const prefix = c.get("prefix") ?? "";
const app = new ScimApplication("app", { appName: `${prefix}secrets-scan` });
const useApp = c.getBoolean("useApp") ?? true;
const scim = c.getBoolean("scim") ?? true;
if (scim)
  new ScimDirectory(
    "people",
    {
      people: [
        { userName: "alice", externalId: "e1" },
        { userName: "bob", externalId: "e2" },
        ...(c.getBoolean("addCarol") ? [{ userName: "carol", externalId: "e3" }] : []),
      ],
      ...(useApp
        ? { application: app }
        : { clientId: c.require("clientId"), clientSecret: c.requireSecret("clientSecret") }),
      concurrency: c.getNumber("concurrency"),
      maxDeletions: c.getNumber("maxDeletions"),
      allowDestroy: c.getBoolean("allowDestroy"),
    },
    c.getBoolean("retain") ? { retainOnDelete: true } : undefined,
  );
if (scim && useApp) new ScimUser("dave", { userName: "dave", application: app });
export const clientSecret = app.clientSecret;

// IDaaS: the client secret (an output that feeds IdaasClientConfig) and the config's inputs that
// can hold a secret: a Pulumi secret anywhere, a secret pasted where a name belongs, a private key
// where a certificate belongs.
const instanceId = c.get("instanceId");
let idaasClientSecret: pulumi.Output<string> | undefined;
if (instanceId) {
  const m2m = new IdaasM2mApplication("m2m", { instanceId, applicationName: `${prefix}secrets-scan` });
  const cs = new IdaasClientSecret("m2m", {
    instanceId,
    applicationId: m2m.applicationId,
    version: c.getNumber("secretVersion"),
  });
  const base = { instanceId, scope: "api://orders|orders:read" } as const;
  // A valid config whose clientId arrives as a secret (create fails only through a fault).
  new IdaasClientConfig("valid", {
    ...base,
    clientId: pulumi.secret(m2m.clientId),
    authnMethod: "CLIENT_SECRET_POST",
    clientSecretEnvVarName: "IDAAS_CLIENT_SECRET",
  });
  const bad = c.getObject<Record<string, string>>("badConfig");
  // One at a time: preview stops at the first failing check.
  if (bad?.kind === "secret-as-name")
    // The IdaasClientSecret's own secret where its variable's name belongs.
    new IdaasClientConfig("secret-as-name", {
      ...base,
      clientId: m2m.clientId,
      authnMethod: "CLIENT_SECRET_POST",
      clientSecretEnvVarName: cs.clientSecret,
    });
  if (bad?.kind === "plain-secret-as-name")
    new IdaasClientConfig("plain-secret-as-name", {
      ...base,
      clientId: "app_x",
      authnMethod: "CLIENT_SECRET_POST",
      clientSecretEnvVarName: bad.plainSecret,
    });
  if (bad?.kind === "key-as-certificate")
    new IdaasClientConfig("key-as-certificate", {
      ...base,
      clientId: "app_x",
      authnMethod: "PCA",
      applicationFederatedCredentialName: "pca",
      clientX509Certificate: bad.privateKey,
      x509CertChains: bad.privateKey,
      privateKeyEnvVarName: "PCA_KEY",
    });
  idaasClientSecret = cs.clientSecret;
}
export const idaasSecret = idaasClientSecret;

// A program's own secrets: a policy whose name and description are Pulumi secrets. A destroy runs
// no check, so only what the state recorded tells the provider these values are secret.
const policyName = c.getSecret("policyName");
if (policyName)
  new RamPolicy("named", {
    policyName,
    description: c.requireSecret("policyNote"),
    policyDocument: JSON.stringify({
      Version: "1",
      Statement: [{ Effect: "Allow", Action: "oss:GetObject", Resource: "*" }],
    }),
  });

// A role named by a secret: its ARN (built from the name) and its id must not quote it either.
const roleName = c.getSecret("roleName");
if (roleName) {
  const idp = new OidcProvider("idp", {
    oidcProviderName: `${prefix}secrets-idp`,
    issuerUrl: "https://token.actions.githubusercontent.com",
    clientIds: ["sts.aliyuncs.com"],
    fingerprints: ["a".repeat(40)],
  });
  new OidcRole("named", {
    roleName,
    provider: idp,
    audiences: ["sts.aliyuncs.com"],
    subjects: ["repo:acme/app:ref:refs/heads/main"],
  });
}
