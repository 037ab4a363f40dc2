import { generateKeyPairSync, X509Certificate } from "node:crypto";
import type OpenApiClient from "@alicloud/openapi-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createTestCertificates, type Emulator, startEmulator } from "../../emulator";
import { eiamClient, eiamRpc, type RpcValue } from "./eiam-helpers";
import { caught } from "./helpers";

let emulator: Emulator;
let client: OpenApiClient;
let instanceId: string;

const rpc = (action: string, query: Record<string, RpcValue> = {}) =>
  eiamRpc(client, action, { InstanceId: instanceId, ...query });
const code = async (action: string, query: Record<string, RpcValue>) =>
  (await caught(() => rpc(action, query))).code;

const publicJwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" });
const STATIC_JWKS = JSON.stringify({ keys: [{ ...publicJwk, kid: "k1", use: "sig", alg: "RS256" }] });
const certs = createTestCertificates({ label: "eiam federation test" });

const oidcConfig = (over: Record<string, RpcValue> = {}): Record<string, RpcValue> => ({
  Issuer: "https://oidc.example.com/cluster-1",
  JwksSource: "dynamic",
  JwksUri: "https://oidc.example.com/cluster-1/jwks",
  Audiences: ["idaas"],
  ...over,
});

async function createProvider(
  name = "k8s",
  extra: Record<string, RpcValue> = { OidcProviderConfig: oidcConfig() },
  type = "oidc",
): Promise<string> {
  const body = await rpc("CreateFederatedCredentialProvider", {
    FederatedCredentialProviderName: name,
    FederatedCredentialProviderType: type,
    ...extra,
  });
  return String(body.FederatedCredentialProviderId);
}

const getProvider = async (id: string) =>
  (await rpc("GetFederatedCredentialProvider", { FederatedCredentialProviderId: id }))
    .FederatedCredentialProvider as Record<string, unknown>;

async function createApp(name = "worker"): Promise<string> {
  return String(
    (
      await rpc("CreateApplication", {
        ApplicationName: name,
        ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
        SsoType: "oidc",
      })
    ).ApplicationId,
  );
}

const kubernetes = {
  Profile: "kubernetes",
  KubernetesConfig: { Namespace: "prod", ServiceAccountName: "batch" },
};

async function createCredential(
  applicationId: string,
  providerId: string,
  extra: Record<string, RpcValue> = { VerificationMode: "structured", OidcVerificationConfig: kubernetes },
  name = "pod",
  type = "oidc",
): Promise<string> {
  const body = await rpc("CreateApplicationFederatedCredential", {
    ApplicationId: applicationId,
    FederatedCredentialProviderId: providerId,
    ApplicationFederatedCredentialType: type,
    ApplicationFederatedCredentialName: name,
    ...extra,
  });
  return String(body.ApplicationFederatedCredentialId);
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  client = eiamClient(emulator);
  instanceId = emulator.eiamInstanceId;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("federated credential providers", () => {
  test("OIDC (dynamic): Create, Get (shape), List", async () => {
    const id = await createProvider("k8s", {
      Description: "the cluster",
      NetworkAccessEndpointId: "nae_1",
      OidcProviderConfig: oidcConfig({
        Audiences: ["idaas", "idaas", "sts"],
        TrustCondition: 'jwt.iss != ""',
      }),
    });
    expect(id).toMatch(/^fcp_[a-z0-9]{26}$/);
    const got = await getProvider(id);
    expect(got).toEqual({
      FederatedCredentialProviderId: id,
      FederatedCredentialProviderName: "k8s",
      FederatedCredentialProviderType: "oidc",
      Description: "the cluster",
      NetworkAccessEndpointId: "nae_1",
      Status: "enabled",
      InstanceId: instanceId,
      CreateTime: expect.any(Number),
      UpdateTime: expect.any(Number),
      OidcProviderConfig: {
        Issuer: "https://oidc.example.com/cluster-1",
        JwksSource: "dynamic",
        JwksUri: "https://oidc.example.com/cluster-1/jwks",
        Audiences: ["idaas", "sts"],
        TrustCondition: 'jwt.iss != ""',
      },
    });
    const list = await rpc("ListFederatedCredentialProviders");
    expect(list).toMatchObject({ TotalCount: 1, FederatedCredentialProviders: [got] });
  });

  test("OIDC (static JWKS)", async () => {
    const id = await createProvider("static", {
      OidcProviderConfig: oidcConfig({ JwksSource: "static", JwksUri: undefined, StaticJwks: STATIC_JWKS }),
    });
    expect((await getProvider(id)).OidcProviderConfig).toEqual({
      Issuer: "https://oidc.example.com/cluster-1",
      JwksSource: "static",
      StaticJwks: STATIC_JWKS,
      Audiences: ["idaas"],
    });
  });

  test("name: 64 accepted, 65 refused, unique in the instance; type and config objects", async () => {
    await createProvider("n".repeat(64));
    const tooLong = await caught(() => createProvider("m".repeat(65)));
    expect(tooLong.code).toBe("InvalidParameter.FederatedCredentialProviderName");
    const dup = await caught(() => createProvider("n".repeat(64)));
    expect(dup.code).toBe("EntityAlreadyExists.FederatedCredentialProvider");
    expect(dup.statusCode).toBe(409);
    expect((await caught(() => createProvider("t", { OidcProviderConfig: oidcConfig() }, "saml"))).code).toBe(
      "InvalidParameter.FederatedCredentialProviderType",
    );
    expect((await caught(() => createProvider("t", {}))).code).toBe("MissingParameter.OidcProviderConfig");
    expect((await caught(() => createProvider("t", {}, "pkcs7"))).code).toBe(
      "MissingParameter.Pkcs7ProviderConfig",
    );
    expect(
      (
        await caught(() =>
          createProvider("t", {
            OidcProviderConfig: oidcConfig(),
            Pkcs7ProviderConfig: { Certificates: [{ Content: certs.rootCaPem }] },
          }),
        )
      ).code,
    ).toBe("InvalidParameter.Pkcs7ProviderConfig");
    expect(
      (
        await caught(() =>
          createProvider("t", {
            OidcProviderConfig: oidcConfig(),
            CloudIdPProviderConfig: { IdentityProviderId: "idp_1" },
          }),
        )
      ).code,
    ).toBe("InvalidParameter.CloudIdPProviderConfig");
    expect(
      (
        await caught(() =>
          createProvider("t", { Description: "d".repeat(129), OidcProviderConfig: oidcConfig() }),
        )
      ).code,
    ).toBe("InvalidParameter.Description");
  });

  test("OIDC config rules", async () => {
    const bad = async (over: Record<string, RpcValue>) =>
      (await caught(() => createProvider("x", { OidcProviderConfig: oidcConfig(over) }))).code;
    expect(await bad({ Issuer: "http://oidc.example.com" })).toBe(
      "InvalidParameter.OidcProviderConfig.Issuer",
    );
    expect(await bad({ Issuer: undefined })).toBe("MissingParameter.OidcProviderConfig.Issuer");
    expect(await bad({ JwksSource: undefined })).toBe("MissingParameter.OidcProviderConfig.JwksSource");
    expect(await bad({ JwksSource: "discovery" })).toBe("InvalidParameter.OidcProviderConfig.JwksSource");
    expect(await bad({ JwksUri: undefined })).toBe("MissingParameter.OidcProviderConfig.JwksUri");
    expect(await bad({ JwksUri: "http://oidc.example.com/jwks" })).toBe(
      "InvalidParameter.OidcProviderConfig.JwksUri",
    );
    expect(await bad({ StaticJwks: STATIC_JWKS })).toBe("InvalidParameter.OidcProviderConfig.StaticJwks");
    expect(await bad({ JwksSource: "static", JwksUri: undefined })).toBe(
      "MissingParameter.OidcProviderConfig.StaticJwks",
    );
    expect(await bad({ JwksSource: "static" })).toBe("InvalidParameter.OidcProviderConfig.JwksUri");
    const staticJwks = (jwks: string) => bad({ JwksSource: "static", JwksUri: undefined, StaticJwks: jwks });
    expect(await staticJwks("{")).toBe("InvalidParameter.OidcProviderConfig.StaticJwks");
    expect(await staticJwks('{"keys":[]}')).toBe("InvalidParameter.OidcProviderConfig.StaticJwks");
    const priv = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
    expect(await staticJwks(JSON.stringify({ keys: [priv] }))).toBe(
      "InvalidParameter.OidcProviderConfig.StaticJwks",
    );
    expect(await staticJwks(JSON.stringify({ keys: [{ kty: "oct", k: "AAAA" }] }))).toBe(
      "InvalidParameter.OidcProviderConfig.StaticJwks",
    );
    expect(await bad({ Audiences: undefined })).toBe("MissingParameter.OidcProviderConfig.Audiences");
    await createProvider("five", {
      OidcProviderConfig: oidcConfig({ Audiences: ["a", "b", "c", "d", "e"] }),
    });
    expect(await bad({ Audiences: ["a", "b", "c", "d", "e", "f"] })).toBe(
      "InvalidParameter.OidcProviderConfig.Audiences",
    );
  });

  test("TrustCondition must be in the emulator's subset; cert.… paths are for certificate providers", async () => {
    const bad = async (condition: string) =>
      (
        await caught(() =>
          createProvider("x", { OidcProviderConfig: oidcConfig({ TrustCondition: condition }) }),
        )
      ).code;
    expect(await bad("jwt.sub ~= 'x'")).toBe("InvalidParameter.TrustCondition");
    expect(await bad('Matches(jwt.sub, "x")')).toBe("InvalidParameter.TrustCondition");
    expect(await bad('cert.subject == "x"')).toBe("InvalidParameter.TrustCondition");
    await createProvider("ok", {
      OidcProviderConfig: oidcConfig({ TrustCondition: 'IsNullOrEmpty("jwt.issuer")' }),
    });
    await createProvider(
      "pkcs7",
      {
        Pkcs7ProviderConfig: {
          Certificates: [{ Content: certs.rootCaPem }],
          TrustCondition: 'StartsWith(cert.subject.CN, "ecs")',
        },
      },
      "pkcs7",
    );
  });

  test("PKCS#7 and private CA: certificates answered with fingerprint and validity", async () => {
    const id = await createProvider(
      "ecs",
      {
        Pkcs7ProviderConfig: {
          Certificates: [{ Content: certs.rootCaPem }, { Content: certs.intermediateCaPem }],
          CmsVerificationMode: "strict",
          SignatureEffectiveTime: 300,
        },
      },
      "pkcs7",
    );
    const x509 = new X509Certificate(certs.rootCaPem);
    const config = (await getProvider(id)).Pkcs7ProviderConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      TrustAnchorSource: "custom",
      CmsVerificationMode: "strict",
      SignatureEffectiveTime: 300,
    });
    const [root] = config.Certificates as Array<Record<string, unknown>>;
    expect(root).toEqual({
      Content: certs.rootCaPem,
      Fingerprint: x509.fingerprint256.replace(/:/g, "").toLowerCase(),
      CertificateMetadata: { NotBefore: Date.parse(x509.validFrom), NotAfter: Date.parse(x509.validTo) },
    });
    const ca = await createProvider(
      "ca",
      { PrivateCaProviderConfig: { Certificates: [{ Content: certs.rootCaPem }] } },
      "private_ca",
    );
    expect((await getProvider(ca)).PrivateCaProviderConfig).toMatchObject({ TrustAnchorSource: "custom" });
    const bad = async (config: Record<string, RpcValue>) =>
      (await caught(() => createProvider("y", { Pkcs7ProviderConfig: config }, "pkcs7"))).code;
    expect(
      await bad({
        Certificates: [{ Content: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }],
      }),
    ).toBe("InvalidParameter.Pkcs7ProviderConfig.Certificates.1.Content");
    expect(await bad({ Certificates: [{ Content: certs.rootCaPem + certs.intermediateCaPem }] })).toBe(
      "InvalidParameter.Pkcs7ProviderConfig.Certificates.1.Content",
    );
    for (const source of ["dynamic", "static", "CUSTOM"])
      expect(await bad({ TrustAnchorSource: source, Certificates: [{ Content: certs.rootCaPem }] })).toBe(
        "InvalidParameter.Pkcs7ProviderConfig.TrustAnchorSource",
      );
    expect(await bad({ TrustAnchorSource: "custom" })).toBe(
      "MissingParameter.Pkcs7ProviderConfig.Certificates",
    );
  });

  test("Update: name, audiences, JWKS source; the issuer and type are fixed", async () => {
    const id = await createProvider();
    await rpc("UpdateFederatedCredentialProvider", {
      FederatedCredentialProviderId: id,
      FederatedCredentialProviderName: "renamed",
      OidcProviderConfig: { JwksSource: "static", StaticJwks: STATIC_JWKS, Audiences: ["other"] },
    });
    const got = await getProvider(id);
    expect(got.FederatedCredentialProviderName).toBe("renamed");
    expect(got.OidcProviderConfig).toEqual({
      Issuer: "https://oidc.example.com/cluster-1",
      JwksSource: "static",
      StaticJwks: STATIC_JWKS,
      Audiences: ["other"],
    });
    // A config without Audiences keeps them; TrustCondition "" clears it.
    await rpc("UpdateFederatedCredentialProvider", {
      FederatedCredentialProviderId: id,
      FederatedCredentialProviderName: "renamed",
      OidcProviderConfig: {
        JwksSource: "dynamic",
        JwksUri: "https://oidc.example.com/keys",
        TrustCondition: 'jwt.a == "b"',
      },
    });
    expect((await getProvider(id)).OidcProviderConfig).toMatchObject({
      JwksSource: "dynamic",
      JwksUri: "https://oidc.example.com/keys",
      Audiences: ["other"],
      TrustCondition: 'jwt.a == "b"',
    });
    await rpc("UpdateFederatedCredentialProvider", {
      FederatedCredentialProviderId: id,
      FederatedCredentialProviderName: "renamed",
      OidcProviderConfig: { JwksSource: "dynamic", TrustCondition: "" },
    });
    expect((await getProvider(id)).OidcProviderConfig).not.toHaveProperty("TrustCondition");
    const update = (extra: Record<string, RpcValue>) =>
      code("UpdateFederatedCredentialProvider", {
        FederatedCredentialProviderId: id,
        FederatedCredentialProviderName: "renamed",
        ...extra,
      });
    expect(
      await update({
        OidcProviderConfig: { JwksSource: "dynamic", Issuer: "https://elsewhere.example.com" },
      }),
    ).toBe("InvalidParameter.OidcProviderConfig.Issuer");
    expect(await update({ OidcProviderConfig: { Audiences: ["x"] } })).toBe(
      "MissingParameter.OidcProviderConfig.JwksSource",
    );
    expect(await update({ Pkcs7ProviderConfig: { TrustAnchorSource: "custom" } })).toBe(
      "InvalidParameter.Pkcs7ProviderConfig",
    );
    await createProvider("taken");
    expect(await update({ FederatedCredentialProviderName: "taken" })).toBe(
      "EntityAlreadyExists.FederatedCredentialProvider",
    );
    expect(await code("UpdateFederatedCredentialProvider", { FederatedCredentialProviderId: id })).toBe(
      "MissingParameter.FederatedCredentialProviderName",
    );
  });

  test("UpdateDescription, Enable/Disable, Delete; unknown ids are 404", async () => {
    const id = await createProvider();
    await rpc("UpdateFederatedCredentialProviderDescription", {
      FederatedCredentialProviderId: id,
      Description: "new",
    });
    expect((await getProvider(id)).Description).toBe("new");
    expect(
      await code("UpdateFederatedCredentialProviderDescription", {
        FederatedCredentialProviderId: id,
        Description: "d".repeat(129),
      }),
    ).toBe("InvalidParameter.Description");
    await rpc("DisableFederatedCredentialProvider", { FederatedCredentialProviderId: id });
    expect((await getProvider(id)).Status).toBe("disabled");
    await rpc("EnableFederatedCredentialProvider", { FederatedCredentialProviderId: id });
    expect((await getProvider(id)).Status).toBe("enabled");
    await rpc("DeleteFederatedCredentialProvider", { FederatedCredentialProviderId: id });
    const gone = await caught(() => getProvider(id));
    expect(gone.code).toBe("EntityNotExists.FederatedCredentialProvider");
    expect(gone.statusCode).toBe(404);
  });

  test("List: type and name filters, paging", async () => {
    for (let i = 0; i < 3; i++) await createProvider(`oidc-${i}`);
    await createProvider(
      "ecs",
      { Pkcs7ProviderConfig: { Certificates: [{ Content: certs.rootCaPem }] } },
      "pkcs7",
    );
    const names = (b: Record<string, unknown>) =>
      (b.FederatedCredentialProviders as Array<{ FederatedCredentialProviderName: string }>).map(
        (x) => x.FederatedCredentialProviderName,
      );
    expect(
      names(await rpc("ListFederatedCredentialProviders", { FederatedCredentialProviderType: "pkcs7" })),
    ).toEqual(["ecs"]);
    expect(
      names(await rpc("ListFederatedCredentialProviders", { FederatedCredentialProviderName: "oidc-1" })),
    ).toEqual(["oidc-1"]);
    const page = await rpc("ListFederatedCredentialProviders", { MaxResults: 3 });
    expect(names(page)).toEqual(["oidc-0", "oidc-1", "oidc-2"]);
    expect(page.TotalCount).toBe(4);
    expect(
      names(
        await rpc("ListFederatedCredentialProviders", { MaxResults: 3, NextToken: page.NextToken as string }),
      ),
    ).toEqual(["ecs"]);
  });
});

describe("application federated credentials", () => {
  test("Create (structured kubernetes), Get (shape with AttributeMappings), List, ListForProvider", async () => {
    const app = await createApp();
    const provider = await createProvider();
    const id = await createCredential(app, provider, {
      VerificationMode: "structured",
      Description: "batch pods",
      OidcVerificationConfig: {
        Profile: "kubernetes",
        KubernetesConfig: { Namespace: "prod", ServiceAccountName: "batch", PodNamePrefix: "batch-" },
      },
      AttributeMappings: [{ SourceValueExpression: "jwt.sub", TargetField: "subject" }],
    });
    expect(id).toMatch(/^afc_[a-z0-9]{26}$/);
    const got = (
      await rpc("GetApplicationFederatedCredential", {
        ApplicationId: app,
        ApplicationFederatedCredentialId: id,
      })
    ).ApplicationFederatedCredential as Record<string, unknown>;
    expect(got).toEqual({
      ApplicationFederatedCredentialId: id,
      ApplicationFederatedCredentialName: "pod",
      ApplicationFederatedCredentialType: "oidc",
      ApplicationId: app,
      FederatedCredentialProviderId: provider,
      Description: "batch pods",
      Status: "enabled",
      VerificationMode: "structured",
      OidcVerificationConfig: {
        Profile: "kubernetes",
        KubernetesConfig: { Namespace: "prod", ServiceAccountName: "batch", PodNamePrefix: "batch-" },
      },
      AttributeMappings: [{ SourceValueExpression: "jwt.sub", TargetField: "subject" }],
      InstanceId: instanceId,
      CreateTime: expect.any(Number),
      UpdateTime: expect.any(Number),
    });
    const { AttributeMappings: _, ...listed } = got;
    const list = await rpc("ListApplicationFederatedCredentials", { ApplicationId: app });
    expect(list).toMatchObject({ TotalCount: 1, ApplicationFederatedCredentials: [listed] });
    const forProvider = await rpc("ListApplicationFederatedCredentialsForProvider", {
      FederatedCredentialProviderId: provider,
    });
    expect(forProvider).toMatchObject({ TotalCount: 1, ApplicationFederatedCredentials: [listed] });
    expect(
      await code("ListApplicationFederatedCredentialsForProvider", {
        FederatedCredentialProviderId: "fcp_none",
      }),
    ).toBe("EntityNotExists.FederatedCredentialProvider");
  });

  test("name: 64 accepted, 65 refused, unique per application", async () => {
    const app = await createApp();
    const other = await createApp("other");
    const provider = await createProvider();
    await createCredential(app, provider, undefined, "n".repeat(64));
    await createCredential(other, provider, undefined, "n".repeat(64));
    expect((await caught(() => createCredential(app, provider, undefined, "m".repeat(65)))).code).toBe(
      "InvalidParameter.ApplicationFederatedCredentialName",
    );
    const dup = await caught(() => createCredential(app, provider, undefined, "n".repeat(64)));
    expect(dup.code).toBe("EntityAlreadyExists.ApplicationFederatedCredential");
    expect(dup.statusCode).toBe(409);
  });

  test("type, provider and verification rules", async () => {
    const app = await createApp();
    const provider = await createProvider();
    const ecs = await createProvider(
      "ecs",
      { Pkcs7ProviderConfig: { Certificates: [{ Content: certs.rootCaPem }] } },
      "pkcs7",
    );
    const bad = async (extra: Record<string, RpcValue>, providerId = provider, type = "oidc") =>
      (await caught(() => createCredential(app, providerId, extra, "c", type))).code;
    expect(await bad({ VerificationCondition: 'jwt.sub == "a"' }, provider, "pkcs7")).toBe(
      "InvalidParameter.ApplicationFederatedCredentialType",
    );
    expect(await bad({ VerificationCondition: "x" }, "fcp_none")).toBe(
      "EntityNotExists.FederatedCredentialProvider",
    );
    expect(await bad({})).toBe("MissingParameter.VerificationMode");
    expect(await bad({ VerificationMode: "structured" })).toBe("MissingParameter.OidcVerificationConfig");
    expect(await bad({ VerificationMode: "freedom" })).toBe("MissingParameter.VerificationCondition");
    expect(await bad({ VerificationMode: "loose", VerificationCondition: 'jwt.sub == "a"' })).toBe(
      "InvalidParameter.VerificationMode",
    );
    expect(await bad({ VerificationCondition: 'jwt.sub == "a"', OidcVerificationConfig: kubernetes })).toBe(
      "InvalidParameter.VerificationCondition",
    );
    expect(await bad({ VerificationCondition: "jwt.sub === 'a'" })).toBe(
      "InvalidParameter.VerificationCondition",
    );
    expect(await bad({ OidcVerificationConfig: { Profile: "kubernetes" } })).toBe(
      "MissingParameter.OidcVerificationConfig.KubernetesConfig",
    );
    expect(
      await bad({
        OidcVerificationConfig: { Profile: "kubernetes", KubernetesConfig: { Namespace: "prod" } },
      }),
    ).toBe("MissingParameter.OidcVerificationConfig.KubernetesConfig.ServiceAccountName");
    expect(
      await bad({
        OidcVerificationConfig: {
          Profile: "generic",
          GenericConfig: { Subject: "s" },
          KubernetesConfig: { Namespace: "x" },
        },
      }),
    ).toBe("InvalidParameter.OidcVerificationConfig.KubernetesConfig");
    expect(await bad({ OidcVerificationConfig: { Profile: "aws" } })).toBe(
      "InvalidParameter.OidcVerificationConfig.Profile",
    );
    expect(await bad({ Description: "d".repeat(129), VerificationCondition: 'jwt.sub == "a"' })).toBe(
      "InvalidParameter.Description",
    );
    expect(
      await bad({
        VerificationCondition: 'jwt.sub == "a"',
        AttributeMappings: [{ SourceValueExpression: "jwt.sub" }],
      }),
    ).toBe("MissingParameter.AttributeMappings.1.TargetField");
    // Stored, though the token endpoint will not emulate them.
    await createCredential(
      app,
      provider,
      {
        OidcVerificationConfig: {
          Profile: "gcp_vm",
          GcpVmConfig: { ProjectId: "p", InstanceIds: ["1", "2"] },
        },
      },
      "gcp",
    );
    // PKCS#7: structured with instance ids, or freedom with cert.… paths.
    await createCredential(app, ecs, { Pkcs7VerificationConfig: { InstanceIds: ["i-1"] } }, "ecs-1", "pkcs7");
    await createCredential(app, ecs, { VerificationCondition: 'cert.subject == "x"' }, "ecs-2", "pkcs7");
    expect(await bad({ VerificationCondition: 'cert.subject == "x"' })).toBe(
      "InvalidParameter.VerificationCondition",
    );
    const list = await rpc("ListApplicationFederatedCredentials", {
      ApplicationId: app,
      ApplicationFederatedCredentialType: "pkcs7",
    });
    expect((list.ApplicationFederatedCredentials as unknown[]).length).toBe(2);
    expect((list.ApplicationFederatedCredentials as Array<Record<string, unknown>>)[0]).toMatchObject({
      VerificationMode: "structured",
      Pkcs7VerificationConfig: { InstanceIds: ["i-1"] },
    });
  });

  test("Update switches the mode by what it sends; UpdateDescription, Enable/Disable, Delete", async () => {
    const app = await createApp();
    const provider = await createProvider();
    const id = await createCredential(app, provider);
    const get = async () =>
      (
        await rpc("GetApplicationFederatedCredential", {
          ApplicationId: app,
          ApplicationFederatedCredentialId: id,
        })
      ).ApplicationFederatedCredential as Record<string, unknown>;
    await rpc("UpdateApplicationFederatedCredential", {
      ApplicationId: app,
      ApplicationFederatedCredentialId: id,
      VerificationCondition: 'StartsWith(jwt.sub, "system:serviceaccount:prod:")',
    });
    let got = await get();
    expect(got).toMatchObject({
      VerificationMode: "freedom",
      VerificationCondition: 'StartsWith(jwt.sub, "system:serviceaccount:prod:")',
    });
    expect(got).not.toHaveProperty("OidcVerificationConfig");
    await rpc("UpdateApplicationFederatedCredential", {
      ApplicationId: app,
      ApplicationFederatedCredentialId: id,
      OidcVerificationConfig: { Profile: "generic", GenericConfig: { Subject: "repo:acme/app" } },
      AttributeMappings: [{ SourceValueExpression: "jwt.repository", TargetField: "repo" }],
    });
    got = await get();
    expect(got).toMatchObject({
      VerificationMode: "structured",
      OidcVerificationConfig: { Profile: "generic", GenericConfig: { Subject: "repo:acme/app" } },
      AttributeMappings: [{ SourceValueExpression: "jwt.repository", TargetField: "repo" }],
    });
    expect(got).not.toHaveProperty("VerificationCondition");
    expect(
      await code("UpdateApplicationFederatedCredential", {
        ApplicationId: app,
        ApplicationFederatedCredentialId: id,
        VerificationCondition: "jwt.sub ==",
      }),
    ).toBe("InvalidParameter.VerificationCondition");
    await rpc("UpdateApplicationFederatedCredentialDescription", {
      ApplicationId: app,
      ApplicationFederatedCredentialId: id,
      Description: "described",
    });
    expect((await get()).Description).toBe("described");
    await rpc("DisableApplicationFederatedCredential", {
      ApplicationId: app,
      ApplicationFederatedCredentialId: id,
    });
    expect((await get()).Status).toBe("disabled");
    await rpc("EnableApplicationFederatedCredential", {
      ApplicationId: app,
      ApplicationFederatedCredentialId: id,
    });
    expect((await get()).Status).toBe("enabled");
    // Another application's id does not find it.
    const other = await createApp("other");
    expect(
      await code("GetApplicationFederatedCredential", {
        ApplicationId: other,
        ApplicationFederatedCredentialId: id,
      }),
    ).toBe("EntityNotExists.ApplicationFederatedCredential");
    await rpc("DeleteApplicationFederatedCredential", {
      ApplicationId: app,
      ApplicationFederatedCredentialId: id,
    });
    const gone = await caught(get);
    expect(gone.code).toBe("EntityNotExists.ApplicationFederatedCredential");
    expect(gone.statusCode).toBe(404);
    await rpc("DeleteFederatedCredentialProvider", { FederatedCredentialProviderId: provider });
  });
});
