import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTestCertificates } from "../../emulator";
import {
  buildIdaasClientConfig,
  IDAAS_AUTHN_METHODS,
  type IdaasClientConfigSpec,
  idaasEndpoints,
  validateIdaasClientConfig,
} from "../../provider/idaasClientConfig";
import { IDAAS_CLIENT_CONFIG } from "../../provider/limits";
import { UNKNOWN } from "../../provider/normalize";
import { checkIdaasClientConfigInputs } from "../../provider/resources/idaasClientConfig";

const base = {
  idaasInstanceId: "idaas_abcdefghijklmnopqrstuvwxyz",
  clientId: "app_client",
  ...idaasEndpoints("idaas.example.com"),
  scope: "api://orders|read",
};

/** The smallest valid spec for each method. */
const minimal: Record<(typeof IDAAS_AUTHN_METHODS)[number], Partial<IdaasClientConfigSpec>> = {
  CLIENT_SECRET_BASIC: { clientSecretEnvVarName: "APP_SECRET" },
  CLIENT_SECRET_POST: { clientSecretEnvVarName: "APP_SECRET" },
  CLIENT_SECRET_JWT: { clientSecretEnvVarName: "APP_SECRET" },
  PRIVATE_KEY_JWT: { privateKeyEnvVarName: "APP_KEY" },
  OIDC: { applicationFederatedCredentialName: "k8s", clientDeployEnvironment: "KUBERNETES" },
  PKCS7: { applicationFederatedCredentialName: "ecs", clientDeployEnvironment: "ALIBABA_CLOUD_ECS" },
  PCA: {
    applicationFederatedCredentialName: "pca",
    clientX509Certificate: "",
    x509CertChains: "",
    privateKeyEnvVarName: "APP_KEY",
  },
  PLUGIN: { pluginName: IDAAS_CLIENT_CONFIG.pluginName, openApiEndpoint: "eiam.cn-hangzhou.aliyuncs.com" },
};

const certs = createTestCertificates();
minimal.PCA.clientX509Certificate = certs.leafPem;
minimal.PCA.x509CertChains = `${certs.intermediateCaPem}${certs.rootCaPem}`;

const spec = (method: (typeof IDAAS_AUTHN_METHODS)[number], extra: Partial<IdaasClientConfigSpec> = {}) =>
  ({ ...base, authnMethod: method, ...minimal[method], ...extra }) as IdaasClientConfigSpec;

describe("validateIdaasClientConfig: the SDK's required fields, per method", () => {
  it.each(IDAAS_AUTHN_METHODS)("%s: the minimal spec passes and builds the file the SDK reads", (method) => {
    expect(validateIdaasClientConfig(spec(method))).toEqual([]);
    const file = buildIdaasClientConfig(spec(method));
    expect(file.authnConfiguration.authnMethod).toBe(method);
    expect(file.authnConfiguration.identityType).toBe("CLIENT");
    expect(file.tokenEndpoint).toBe("https://idaas.example.com/api/v2/iauths_system/oauth2/token");
  });

  it.each([
    ["CLIENT_SECRET_POST", "clientSecretEnvVarName", "ClientSecretEnvVarNameNotFound"],
    ["CLIENT_SECRET_BASIC", "clientSecretEnvVarName", "ClientSecretEnvVarNameNotFound"],
    ["CLIENT_SECRET_JWT", "clientSecretEnvVarName", "ClientSecretEnvVarNameNotFound"],
    ["PRIVATE_KEY_JWT", "privateKeyEnvVarName", "PrivateKeyEnvVarNameNotFound"],
    ["OIDC", "applicationFederatedCredentialName", "ApplicationFederatedCredentialNameNotFound"],
    ["OIDC", "clientDeployEnvironment", "ClientDeployEnvironmentNotFound"],
    ["PKCS7", "clientDeployEnvironment", "ClientDeployEnvironmentNotFound"],
    ["PCA", "clientX509Certificate", "ClientX509CertificateNotFound"],
    ["PCA", "x509CertChains", "X509CertChainsNotFound"],
    ["PCA", "privateKeyEnvVarName", "PrivateKeyEnvVarNameNotFound"],
    ["PLUGIN", "openApiEndpoint", "OpenApiEndpointNotFound"],
  ] as const)("%s without %s fails, naming the field and the SDK's code", (method, field, code) => {
    const failures = validateIdaasClientConfig(spec(method, { [field]: undefined }));
    expect(failures).toEqual([
      { property: field, reason: `is required for ${method} (the SDK fails with ${code})` },
    ]);
  });

  it("reports every missing top-level field at once", () => {
    const failures = validateIdaasClientConfig({
      authnMethod: "CLIENT_SECRET_POST",
      clientSecretEnvVarName: "S",
    });
    expect(failures.map((f) => f.property)).toEqual([
      "idaasInstanceId",
      "clientId",
      "issuer",
      "tokenEndpoint",
      "scope",
    ]);
    expect(failures[0]!.reason).toContain("IDaaSInstanceIdNotFound");
  });

  it("refuses a method it does not know and a missing method", () => {
    expect(validateIdaasClientConfig({ ...base, authnMethod: "NONE" as never })[0]!.reason).toContain(
      "not 'NONE'",
    );
    expect(validateIdaasClientConfig({ ...base })[0]).toMatchObject({ property: "authnMethod" });
  });

  it("refuses fields that the method would ignore", () => {
    const failures = validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { privateKeyEnvVarName: "K" }));
    expect(failures).toEqual([
      {
        property: "privateKeyEnvVarName",
        reason: "does not apply to CLIENT_SECRET_POST: the SDK would ignore it",
      },
    ]);
  });

  it("OIDC works only in KUBERNETES: anything else fails at preview, not at the first token", () => {
    const failures = validateIdaasClientConfig(
      spec("OIDC", { clientDeployEnvironment: "ALIBABA_CLOUD_ECS" }),
    );
    expect(failures[0]!.reason).toContain("UnsupportedClientDeployEnvironment");
    expect(validateIdaasClientConfig(spec("OIDC", { clientDeployEnvironment: "MARS" }))[0]!.reason).toContain(
      "not 'MARS'",
    );
  });

  it("scope: one resource server, items '<identifier>|<scope>'", () => {
    expect(
      validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { scope: "api://a|read api://a|write" })),
    ).toEqual([]);
    expect(validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { scope: "read" }))[0]!.reason).toContain(
      "InvalidScope",
    );
    expect(
      validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { scope: "api://a|read api://b|read" }))[0]!
        .reason,
    ).toBe(
      "must name one resource server (one config asks one; the SDK fails with MultipleAudienceNotSupported), but names 2: 'api://a', 'api://b'",
    );
    // 500 resource servers: the rule first, three of them, then the count.
    const many = Array.from({ length: 500 }, (_, i) => `api://server-${i}|read`).join(" ");
    const reason = validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { scope: many }))[0]!.reason;
    expect(reason).toMatch(
      /^must name one resource server .* but names 500: 'api:\/\/server-0', 'api:\/\/server-1', 'api:\/\/server-2' and 497 more$/,
    );
    expect(validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { scope: "a|b|c" }))[0]!.reason).toContain(
      "InvalidScope",
    );
  });

  it("timeouts: 2000 and 60000 pass, 1999 and 60001 fail (the SDK's bounds)", () => {
    for (const ok of [2000, 60000])
      expect(
        validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { connectTimeoutMs: ok, readTimeoutMs: ok })),
      ).toEqual([]);
    for (const bad of [1999, 60001]) {
      const failures = validateIdaasClientConfig(
        spec("CLIENT_SECRET_POST", { connectTimeoutMs: bad, readTimeoutMs: bad }),
      );
      expect(failures.map((f) => f.property)).toEqual(["connectTimeoutMs", "readTimeoutMs"]);
      expect(failures[0]!.reason).toContain("ConnectTimeoutNotValid");
    }
  });

  it("an http endpoint cannot work (the SDK rewrites it to https): refused", () => {
    const failures = validateIdaasClientConfig(
      spec("CLIENT_SECRET_POST", { tokenEndpoint: "http://127.0.0.1:1/token" }),
    );
    expect(failures[0]).toMatchObject({ property: "tokenEndpoint" });
  });

  it("never holds a secret: a secret or key where a name belongs is refused", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const failures = validateIdaasClientConfig(spec("PRIVATE_KEY_JWT", { privateKeyEnvVarName: pem }));
    expect(failures[0]!.reason).toContain("NAME of an environment variable");
    expect(failures[0]!.reason).not.toContain("PRIVATE KEY");
    const pca = validateIdaasClientConfig(spec("PCA", { x509CertChains: pem }));
    expect(pca[0]!.reason).toContain("holds a private key");
    expect(
      validateIdaasClientConfig(
        spec("CLIENT_SECRET_POST", { clientSecretEnvVarName: "s3cr3t/with+chars==" }),
      ),
    ).toHaveLength(1);
  });

  it("property: environment-variable names are accepted exactly when POSIX-shaped and at most 128", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 140 }), (name) => {
        const ok =
          validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { clientSecretEnvVarName: name })).length ===
          0;
        expect(ok).toBe(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name.length <= 128);
      }),
    );
    const at128 = `A${"B".repeat(127)}`;
    expect(validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { clientSecretEnvVarName: at128 }))).toEqual(
      [],
    );
    expect(
      validateIdaasClientConfig(spec("CLIENT_SECRET_POST", { clientSecretEnvVarName: `${at128}C` })),
    ).toHaveLength(1);
  });

  it("property: a valid spec builds a file whose every string is one of the spec's values", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...IDAAS_AUTHN_METHODS),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        (method, id) => {
          const s = spec(method, { scope: `api://${id}|read` });
          expect(validateIdaasClientConfig(s)).toEqual([]);
          const leaves: unknown[] = [];
          const walk = (v: unknown): void => {
            if (v && typeof v === "object") Object.values(v).forEach(walk);
            else leaves.push(v);
          };
          walk(buildIdaasClientConfig(s));
          const allowed = new Set<unknown>([...Object.values(s), "CLIENT"]);
          for (const leaf of leaves) expect(allowed.has(leaf)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("checkIdaasClientConfigInputs (preview)", () => {
  const news = {
    instanceId: base.idaasInstanceId,
    clientId: "app_x",
    scope: "api://a|read",
    authnMethod: "OIDC",
    clientDeployEnvironment: "KUBERNETES",
  };

  it("a config missing what the SDK needs fails at preview with a message naming it", () => {
    const { failures } = checkIdaasClientConfigInputs(news);
    expect(failures).toEqual([
      {
        property: "applicationFederatedCredentialName",
        reason: "is required for OIDC (the SDK fails with ApplicationFederatedCredentialNameNotFound)",
      },
    ]);
  });

  it("values unknown at preview (other resources' outputs) pass; issuer is derived later", () => {
    const { failures } = checkIdaasClientConfigInputs({
      ...news,
      clientId: UNKNOWN,
      applicationFederatedCredentialName: UNKNOWN,
    });
    expect(failures).toEqual([]);
  });

  it("a Pulumi secret that the file at path would hold in plain text is refused, by name, without its value", () => {
    const ok = { ...news, applicationFederatedCredentialName: "k" };
    expect(checkIdaasClientConfigInputs({ ...ok, path: "/tmp/client-config.json" }).failures).toEqual([]);
    expect(checkIdaasClientConfigInputs({ ...ok, secretInputs: ["clientId"] }).failures).toEqual([]);
    expect(
      checkIdaasClientConfigInputs({
        ...ok,
        path: "/tmp/client-config.json",
        secretInputs: ["clientId", "scope"],
      }).failures,
    ).toEqual(
      ["clientId", "scope"].map((f) => ({
        property: "",
        reason: `${f}: pass it as a plain value, or leave path out and write the json output (a secret) yourself: it is a Pulumi secret, and the file at path is plain text`,
      })),
    );
  });

  it("a missing instance is named by the resource's own argument name", () => {
    const { failures } = checkIdaasClientConfigInputs({
      ...news,
      instanceId: undefined,
      applicationFederatedCredentialName: "k",
    });
    expect(failures.map((f) => f.property)).toEqual(["instanceId"]);
  });
});
