import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type OpenApiClient from "@alicloud/openapi-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_EIAM_INSTANCE_ID, type Emulator, startEmulator } from "../../emulator";
import { eiamClient, eiamRpc, type RpcValue } from "./eiam-helpers";
import { caught } from "./helpers";

let emulator: Emulator;
let client: OpenApiClient;
let instanceId: string;

const rpc = (action: string, query: Record<string, RpcValue> = {}) =>
  eiamRpc(client, action, { InstanceId: instanceId, ...query });

const ID = (prefix: string) => new RegExp(`^${prefix}_[a-z0-9]{26}$`);

async function createApp(name = "orders", extra: Record<string, RpcValue> = {}): Promise<string> {
  const body = await rpc("CreateApplication", {
    ApplicationName: name,
    ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
    SsoType: "oidc",
    ...extra,
  });
  return String(body.ApplicationId);
}

const getApp = async (applicationId: string) =>
  (await rpc("GetApplication", { ApplicationId: applicationId })).Application as Record<string, unknown>;

/** A resource server `api://orders` with scopes read and write, and a client with M2M enabled. */
async function m2mPair(): Promise<{ rs: string; client: string; read: string; write: string }> {
  const rs = await createApp("orders-api");
  await rpc("EnableApplicationResourceServer", { ApplicationId: rs });
  await rpc("SetApplicationResourceServerIdentifier", {
    ApplicationId: rs,
    ResourceServerIdentifier: "api://orders",
  });
  const scope = async (value: string) =>
    String(
      (
        await rpc("CreateResourceServerScope", {
          ApplicationId: rs,
          ResourceServerScopeName: `${value} orders`,
          ResourceServerScopeValue: value,
          ResourceServerScopeType: "api",
          AuthorizationType: "authorize_required",
        })
      ).ResourceServerScopeId,
    );
  const read = await scope("read");
  const write = await scope("write");
  const c = await createApp("batch-job");
  await rpc("EnableApplicationM2MClient", { ApplicationId: c });
  return { rs, client: c, read, write };
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  client = eiamClient(emulator);
  instanceId = emulator.eiamInstanceId;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("instance", () => {
  test("the default instance id, and GetInstance's shape with the DefaultDomain", async () => {
    expect(instanceId).toBe(DEFAULT_EIAM_INSTANCE_ID);
    expect(instanceId).toMatch(/^idaas_[a-z0-9]{26}$/);
    const body = await rpc("GetInstance");
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    const inst = body.Instance as Record<string, unknown>;
    expect(inst).toMatchObject({
      InstanceId: instanceId,
      Status: "running",
      DomainConfig: { DefaultDomain: emulator.endpoint, InitDomain: emulator.endpoint },
    });
    expect(typeof inst.CreateTime).toBe("number");
    expect(typeof inst.Description).toBe("string");
  });

  test("another InstanceId is 404 EntityNotExists.Instance; none is MissingParameter", async () => {
    const err = await caught(() =>
      eiamRpc(client, "GetInstance", { InstanceId: "idaas_aaaaaaaaaaaaaaaaaaaaaaaaaa" }),
    );
    expect(err.code).toBe("EntityNotExists.Instance");
    expect(err.statusCode).toBe(404);
    expect((err.data as Record<string, unknown>).HostId).toBe("eiam.cn-hangzhou.aliyuncs.com");
    const missing = await caught(() => eiamRpc(client, "ListApplications", {}));
    expect(missing.code).toBe("MissingParameter.InstanceId");
    expect(missing.statusCode).toBe(400);
  });

  test("option eiam.instanceId, and its format", async () => {
    const id = "idaas_abcdefghijklmnopqrstuvwxyz";
    const other = await startEmulator({ eiam: { instanceId: id }, https: true });
    try {
      expect(other.eiamInstanceId).toBe(id);
      const body = await eiamRpc(eiamClient(other), "GetInstance", { InstanceId: id });
      // With the HTTPS listener, the DefaultDomain is its host:port (the Python SDK forces https).
      expect((body.Instance as { DomainConfig: { DefaultDomain: string } }).DomainConfig.DefaultDomain).toBe(
        other.httpsEndpoint,
      );
    } finally {
      await other.close();
    }
    await expect(startEmulator({ eiam: { instanceId: "idaas_SHOUT" } })).rejects.toThrow(/eiam.instanceId/);
  });
});

describe("applications", () => {
  test("Create, Get (shape), List", async () => {
    const id = await createApp("orders", { Description: "Orders", LogoUrl: "https://example.com/l.png" });
    expect(id).toMatch(ID("app"));
    const app = await getApp(id);
    expect(app).toEqual({
      ApplicationId: id,
      ApplicationName: "orders",
      // The doc examples send client_id=app_…: the ClientId is the ApplicationId.
      ClientId: id,
      Status: "enabled",
      SsoType: "oidc",
      M2MClientStatus: "disabled",
      ResourceServerStatus: "disabled",
      ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
      ApplicationIdentityType: "application",
      ApplicationCreationType: "user_custom",
      Description: "Orders",
      LogoUrl: "https://example.com/l.png",
      Features: "[]",
      InstanceId: instanceId,
      CreateTime: expect.any(Number),
      UpdateTime: expect.any(Number),
    });
    const list = await rpc("ListApplications");
    expect(list.TotalCount).toBe(1);
    // The list's model has no M2MClientStatus; everything else is the same.
    const { M2MClientStatus: _, ...listed } = app as Record<string, unknown>;
    expect(list.Applications).toEqual([listed]);
  });

  test("ApplicationName 64 is accepted, 65 refused; names are not unique", async () => {
    await createApp("n".repeat(64));
    await createApp("n".repeat(64));
    const err = await caught(() => createApp("n".repeat(65)));
    expect(err.code).toBe("InvalidParameter.ApplicationName");
    expect(err.statusCode).toBe(400);
    expect((await caught(() => createApp(""))).code).toBe("MissingParameter.ApplicationName");
  });

  test("Description 128 is accepted, 129 refused", async () => {
    await createApp("a", { Description: "d".repeat(128) });
    expect((await caught(() => createApp("b", { Description: "d".repeat(129) }))).code).toBe(
      "InvalidParameter.Description",
    );
  });

  test("source type, SSO type and template id", async () => {
    const bad = (extra: Record<string, RpcValue>) => caught(() => createApp("x", extra));
    expect((await bad({ ApplicationSourceType: "urn:other" })).code).toBe(
      "InvalidParameter.ApplicationSourceType",
    );
    expect((await bad({ SsoType: "cas" })).code).toBe("InvalidParameter.SsoType");
    expect((await bad({ ApplicationSourceType: "urn:alibaba:idaas:app:source:template" })).code).toBe(
      "MissingParameter.ApplicationTemplateId",
    );
    expect((await bad({ ApplicationTemplateId: "tpl_1" })).code).toBe(
      "InvalidParameter.ApplicationTemplateId",
    );
    const t = await createApp("from-template", {
      ApplicationSourceType: "urn:alibaba:idaas:app:source:template",
      ApplicationTemplateId: "tpl_1",
      SsoType: "saml2",
    });
    expect(await getApp(t)).toMatchObject({ ApplicationTemplateId: "tpl_1", SsoType: "saml2" });
    const missing = await caught(() => rpc("CreateApplication", { ApplicationName: "x", SsoType: "oidc" }));
    expect(missing.code).toBe("MissingParameter.ApplicationSourceType");
  });

  test("unknown application: 404 EntityNotExists.Application", async () => {
    const err = await caught(() => getApp("app_nosuchapplication00000000000"));
    expect(err.code).toBe("EntityNotExists.Application");
    expect(err.statusCode).toBe(404);
    expect((await caught(() => rpc("DeleteApplication", { ApplicationId: "app_x" }))).code).toBe(
      "EntityNotExists.Application",
    );
  });

  test("UpdateApplicationInfo renames, UpdateApplicationDescription re-describes", async () => {
    const id = await createApp("old", { Description: "before" });
    await rpc("UpdateApplicationInfo", { ApplicationId: id, ApplicationName: "new" });
    await rpc("UpdateApplicationDescription", { ApplicationId: id, Description: "after" });
    expect(await getApp(id)).toMatchObject({ ApplicationName: "new", Description: "after" });
    expect(
      (
        await caught(() =>
          rpc("UpdateApplicationInfo", { ApplicationId: id, ApplicationName: "n".repeat(65) }),
        )
      ).code,
    ).toBe("InvalidParameter.ApplicationName");
    expect(
      (
        await caught(() =>
          rpc("UpdateApplicationDescription", { ApplicationId: id, Description: "d".repeat(129) }),
        )
      ).code,
    ).toBe("InvalidParameter.Description");
  });

  test("M2M client and resource server switches: status, SsoType, Features, idempotent", async () => {
    const id = await createApp();
    // Actions without a result answer the request id only.
    expect(await rpc("EnableApplicationM2MClient", { ApplicationId: id })).toEqual({
      RequestId: expect.any(String),
    });
    await rpc("EnableApplicationM2MClient", { ApplicationId: id });
    await rpc("EnableApplicationResourceServer", { ApplicationId: id });
    expect(await getApp(id)).toMatchObject({
      M2MClientStatus: "enabled",
      ResourceServerStatus: "enabled",
      SsoType: "oidc+oauth2/m2m",
      Features: '["m2m_client","resource_server"]',
    });
    await rpc("DisableApplicationM2MClient", { ApplicationId: id });
    await rpc("DisableApplicationResourceServer", { ApplicationId: id });
    expect(await getApp(id)).toMatchObject({
      M2MClientStatus: "disabled",
      ResourceServerStatus: "disabled",
      SsoType: "oidc",
      Features: "[]",
    });
  });

  test("ListApplications: filters and paging", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createApp(`app-${i}`));
    await rpc("EnableApplicationM2MClient", { ApplicationId: ids[1] });
    await rpc("EnableApplicationResourceServer", { ApplicationId: ids[2] });
    const names = (b: Record<string, unknown>) =>
      (b.Applications as Array<{ ApplicationName: string }>).map((a) => a.ApplicationName);
    expect(names(await rpc("ListApplications", { M2MClientStatus: "enabled" }))).toEqual(["app-1"]);
    expect(names(await rpc("ListApplications", { ResourceServerStatus: "enabled" }))).toEqual(["app-2"]);
    expect(names(await rpc("ListApplications", { ResourceServerStatus: "disabled" }))).toHaveLength(4);
    expect(names(await rpc("ListApplications", { SsoType: "oidc+oauth2/m2m" }))).toEqual(["app-1"]);
    expect(names(await rpc("ListApplications", { ApplicationIds: [ids[3], ids[4]] }))).toEqual([
      "app-3",
      "app-4",
    ]);
    expect(names(await rpc("ListApplications", { ApplicationName: "app-" }))).toHaveLength(5);
    const page2 = await rpc("ListApplications", { PageNumber: 2, PageSize: 2 });
    expect(names(page2)).toEqual(["app-2", "app-3"]);
    expect(page2.TotalCount).toBe(5);
    expect(names(await rpc("ListApplications", { PageNumber: 4, PageSize: 2 }))).toEqual([]);
    expect((await caught(() => rpc("ListApplications", { PageSize: 101 }))).code).toBe(
      "InvalidParameter.PageSize",
    );
    expect((await caught(() => rpc("ListApplications", { M2MClientStatus: "on" }))).code).toBe(
      "InvalidParameter.M2MClientStatus",
    );
  });

  test("DeleteApplication cascades: secrets, keys, scopes, grants to and from it, federated credentials", async () => {
    const { rs, client: c, read } = await m2mPair();
    const secret = (await rpc("CreateApplicationClientSecret", { ApplicationId: c }))
      .ApplicationClientSecret as {
      SecretId: string;
    };
    await rpc("AuthorizeResourceServerScopesToClient", {
      ClientApplicationId: c,
      ResourceServerApplicationId: rs,
      ResourceServerScopeIds: [read],
    });
    const fcp = await rpc("CreateFederatedCredentialProvider", {
      FederatedCredentialProviderName: "k8s",
      FederatedCredentialProviderType: "oidc",
      OidcProviderConfig: {
        Issuer: "https://issuer.example.com",
        JwksSource: "dynamic",
        JwksUri: "https://issuer.example.com/jwks",
        Audiences: ["idaas"],
      },
    });
    const providerId = String(fcp.FederatedCredentialProviderId);
    await rpc("CreateApplicationFederatedCredential", {
      ApplicationId: c,
      FederatedCredentialProviderId: providerId,
      ApplicationFederatedCredentialType: "oidc",
      ApplicationFederatedCredentialName: "pod",
      VerificationCondition: 'jwt.sub == "x"',
    });
    // The provider is in use while the credential exists.
    expect(
      (
        await caught(() =>
          rpc("DeleteFederatedCredentialProvider", { FederatedCredentialProviderId: providerId }),
        )
      ).code,
    ).toBe("OperationConflict.FederatedCredentialProvider");

    // Deleting the resource server application drops its scopes and the grants of them.
    await rpc("DeleteApplication", { ApplicationId: rs });
    const state = (await emulator.state()) as { services: { eiam: Record<string, unknown[]> } };
    expect(state.services.eiam.scopes).toEqual([]);
    expect(state.services.eiam.grants).toEqual([]);

    await rpc("DeleteApplication", { ApplicationId: c });
    const after = (await emulator.state()) as { services: { eiam: Record<string, unknown[]> } };
    expect(after.services.eiam.applications).toEqual([]);
    expect(after.services.eiam.clientSecrets).toEqual([]);
    expect(after.services.eiam.applicationFederatedCredentials).toEqual([]);
    expect(
      (
        await caught(() =>
          rpc("ObtainApplicationClientSecret", { ApplicationId: c, SecretId: secret.SecretId }),
        )
      ).code,
    ).toBe("EntityNotExists.Application");
    // …so the provider can go now.
    await rpc("DeleteFederatedCredentialProvider", { FederatedCredentialProviderId: providerId });
  });

  test("deleting a client application drops the grants it held", async () => {
    const { rs, client: c, read } = await m2mPair();
    await rpc("AuthorizeResourceServerScopesToClient", {
      ClientApplicationId: c,
      ResourceServerApplicationId: rs,
      ResourceServerScopeIds: [read],
    });
    await rpc("DeleteApplication", { ApplicationId: c });
    const state = (await emulator.state()) as { services: { eiam: Record<string, unknown[]> } };
    expect(state.services.eiam.grants).toEqual([]);
    expect(state.services.eiam.scopes).toHaveLength(2);
  });
});

describe("resource server identifier and scopes", () => {
  test("SetApplicationResourceServerIdentifier: 256 accepted, 257 refused, no spaces or '|', unique", async () => {
    const a = await createApp("a");
    const b = await createApp("b");
    const set = (applicationId: string, id: string) =>
      rpc("SetApplicationResourceServerIdentifier", {
        ApplicationId: applicationId,
        ResourceServerIdentifier: id,
      });
    await set(a, `api://${"x".repeat(250)}`);
    expect((await getApp(a)).ResourceServerIdentifier).toBe(`api://${"x".repeat(250)}`);
    expect((await caught(() => set(a, `api://${"x".repeat(251)}`))).code).toBe(
      "InvalidParameter.ResourceServerIdentifier",
    );
    expect((await caught(() => set(a, "api://a b"))).code).toBe("InvalidParameter.ResourceServerIdentifier");
    expect((await caught(() => set(a, "api://a|b"))).code).toBe("InvalidParameter.ResourceServerIdentifier");
    await set(a, "api://one");
    await set(a, "api://one");
    const dup = await caught(() => set(b, "api://one"));
    expect(dup.code).toBe("EntityAlreadyExists.ResourceServerIdentifier");
    expect(dup.statusCode).toBe(409);
    // A freed identifier can be taken.
    await set(a, "api://two");
    await set(b, "api://one");
  });

  test("scope CRUD, shapes and limits", async () => {
    const app = await createApp();
    const create = (over: Record<string, RpcValue>) =>
      rpc("CreateResourceServerScope", {
        ApplicationId: app,
        ResourceServerScopeName: "Read",
        ResourceServerScopeValue: "read",
        ResourceServerScopeType: "api",
        ...over,
      });
    const id = String((await create({ AuthorizationType: "authorize_required" })).ResourceServerScopeId);
    expect(id).toMatch(ID("ress"));
    const get = async () =>
      (await rpc("GetResourceServerScope", { ApplicationId: app, ResourceServerScopeId: id }))
        .ResourceServerScope;
    expect(await get()).toEqual({
      ResourceServerScopeId: id,
      ApplicationId: app,
      ResourceServerScopeName: "Read",
      ResourceServerScopeValue: "read",
      ResourceServerScopeType: "api",
      AuthorizationType: "authorize_required",
      InstanceId: instanceId,
    });
    await rpc("UpdateResourceServerScope", {
      ApplicationId: app,
      ResourceServerScopeId: id,
      ResourceServerScopeName: "Reading",
    });
    expect(await get()).toMatchObject({ ResourceServerScopeName: "Reading" });

    expect((await caught(() => create({}))).code).toBe("EntityAlreadyExists.ResourceServerScope");
    await create({ ResourceServerScopeValue: "v".repeat(64), ResourceServerScopeName: "n".repeat(64) });
    expect((await caught(() => create({ ResourceServerScopeValue: "v".repeat(65) }))).code).toBe(
      "InvalidParameter.ResourceServerScopeValue",
    );
    expect(
      (await caught(() => create({ ResourceServerScopeValue: "w", ResourceServerScopeName: "n".repeat(65) })))
        .code,
    ).toBe("InvalidParameter.ResourceServerScopeName");
    expect((await caught(() => create({ ResourceServerScopeValue: "read write" }))).code).toBe(
      "InvalidParameter.ResourceServerScopeValue",
    );
    expect((await caught(() => create({ ResourceServerScopeValue: ".all" }))).code).toBe(
      "InvalidParameter.ResourceServerScopeValue",
    );
    await create({ ResourceServerScopeValue: "orders:read/v1.x_y-z" });
    expect(
      (await caught(() => create({ ResourceServerScopeValue: "t", ResourceServerScopeType: "" }))).code,
    ).toBe("MissingParameter.ResourceServerScopeType");

    await rpc("DeleteResourceServerScope", { ApplicationId: app, ResourceServerScopeId: id });
    const gone = await caught(get);
    expect(gone.code).toBe("EntityNotExists.ResourceServerScope");
    expect(gone.statusCode).toBe(404);
  });

  test("at most 100 scopes per resource server: the 101st is 409 QuotaExceeded.ResourceServerScope", async () => {
    const app = await createApp();
    const create = (i: number) =>
      rpc("CreateResourceServerScope", {
        ApplicationId: app,
        ResourceServerScopeName: `s${i}`,
        ResourceServerScopeValue: `v${i}`,
        ResourceServerScopeType: "custom",
      });
    for (let i = 0; i < 100; i++) await create(i);
    const err = await caught(() => create(100));
    expect(err.code).toBe("QuotaExceeded.ResourceServerScope");
    expect(err.statusCode).toBe(409);
  });

  test("ListResourceServerScopes: MaxResults, NextToken, PreviousToken, TotalCount, filters", async () => {
    const app = await createApp();
    for (let i = 0; i < 5; i++) {
      await rpc("CreateResourceServerScope", {
        ApplicationId: app,
        ResourceServerScopeName: `s${i}`,
        ResourceServerScopeValue: `v${i}`,
        ResourceServerScopeType: i % 2 === 0 ? "api" : "data",
      });
    }
    const values = (b: Record<string, unknown>) =>
      (b.ResourceServerScopes as Array<{ ResourceServerScopeValue: string }>).map(
        (s) => s.ResourceServerScopeValue,
      );
    const first = await rpc("ListResourceServerScopes", { ApplicationId: app, MaxResults: 2 });
    expect(values(first)).toEqual(["v0", "v1"]);
    expect(first).toMatchObject({ TotalCount: 5, MaxResults: 2 });
    expect(first.PreviousToken).toBeUndefined();
    const second = await rpc("ListResourceServerScopes", {
      ApplicationId: app,
      MaxResults: 2,
      NextToken: first.NextToken as string,
    });
    expect(values(second)).toEqual(["v2", "v3"]);
    const third = await rpc("ListResourceServerScopes", {
      ApplicationId: app,
      MaxResults: 2,
      NextToken: second.NextToken as string,
    });
    expect(values(third)).toEqual(["v4"]);
    expect(third.NextToken).toBeUndefined();
    const back = await rpc("ListResourceServerScopes", {
      ApplicationId: app,
      MaxResults: 2,
      PreviousToken: third.PreviousToken as string,
    });
    expect(values(back)).toEqual(["v2", "v3"]);
    expect(
      values(await rpc("ListResourceServerScopes", { ApplicationId: app, ResourceServerScopeType: "data" })),
    ).toEqual(["v1", "v3"]);
    expect(
      values(await rpc("ListResourceServerScopes", { ApplicationId: app, ResourceServerScopeValue: "v4" })),
    ).toEqual(["v4"]);
    const all = await rpc("ListResourceServerScopes", { ApplicationId: app });
    const ids = (all.ResourceServerScopes as Array<{ ResourceServerScopeId: string }>).map(
      (s) => s.ResourceServerScopeId,
    );
    expect(
      values(
        await rpc("ListResourceServerScopes", {
          ApplicationId: app,
          ResourceServerScopeIds: [ids[0], ids[2]],
        }),
      ),
    ).toEqual(["v0", "v2"]);
    expect(
      (await caught(() => rpc("ListResourceServerScopes", { ApplicationId: app, NextToken: "bogus" }))).code,
    ).toBe("InvalidParameter.NextToken");
    expect(
      (await caught(() => rpc("ListResourceServerScopes", { ApplicationId: app, MaxResults: 101 }))).code,
    ).toBe("InvalidParameter.MaxResults");
    await rpc("ListResourceServerScopes", { ApplicationId: app, MaxResults: 100 });
  });
});

describe("grants", () => {
  test("the client must have M2M enabled; the resource server enabled with an identifier", async () => {
    const { rs, client: c, read } = await m2mPair();
    const grant = () =>
      rpc("AuthorizeResourceServerScopesToClient", {
        ClientApplicationId: c,
        ResourceServerApplicationId: rs,
        ResourceServerScopeIds: [read],
      });
    await rpc("DisableApplicationM2MClient", { ApplicationId: c });
    const m2m = await caught(grant);
    expect(m2m.code).toBe("OperationConflict.ApplicationM2MClient");
    expect(m2m.statusCode).toBe(409);
    await rpc("EnableApplicationM2MClient", { ApplicationId: c });
    await rpc("DisableApplicationResourceServer", { ApplicationId: rs });
    expect((await caught(grant)).code).toBe("OperationConflict.ApplicationResourceServer");
    await rpc("EnableApplicationResourceServer", { ApplicationId: rs });
    const noId = await createApp("no-identifier");
    await rpc("EnableApplicationResourceServer", { ApplicationId: noId });
    const s = String(
      (
        await rpc("CreateResourceServerScope", {
          ApplicationId: noId,
          ResourceServerScopeName: "x",
          ResourceServerScopeValue: "x",
          ResourceServerScopeType: "api",
        })
      ).ResourceServerScopeId,
    );
    expect(
      (
        await caught(() =>
          rpc("AuthorizeResourceServerScopesToClient", {
            ClientApplicationId: c,
            ResourceServerApplicationId: noId,
            ResourceServerScopeIds: [s],
          }),
        )
      ).code,
    ).toBe("OperationConflict.ApplicationResourceServer");
    await grant();
    await grant(); // idempotent
  });

  test("scopes must belong to the resource server; the list is required", async () => {
    const { rs, client: c } = await m2mPair();
    const other = await createApp("other");
    const foreign = String(
      (
        await rpc("CreateResourceServerScope", {
          ApplicationId: other,
          ResourceServerScopeName: "x",
          ResourceServerScopeValue: "x",
          ResourceServerScopeType: "api",
        })
      ).ResourceServerScopeId,
    );
    const err = await caught(() =>
      rpc("AuthorizeResourceServerScopesToClient", {
        ClientApplicationId: c,
        ResourceServerApplicationId: rs,
        ResourceServerScopeIds: [foreign],
      }),
    );
    expect(err.code).toBe("EntityNotExists.ResourceServerScope");
    expect(
      (
        await caught(() =>
          rpc("AuthorizeResourceServerScopesToClient", {
            ClientApplicationId: c,
            ResourceServerApplicationId: rs,
          }),
        )
      ).code,
    ).toBe("MissingParameter.ResourceServerScopeIds");
    expect(
      (
        await caught(() =>
          rpc("AuthorizeResourceServerToClient", {
            ClientApplicationId: "app_none",
            ResourceServerApplicationId: rs,
          }),
        )
      ).code,
    ).toBe("EntityNotExists.Application");
  });

  test("whole-server grants and revocations; deleting a scope drops its grants", async () => {
    const { rs, client: c, read, write } = await m2mPair();
    const grants = async () =>
      (
        (await emulator.state()) as { services: { eiam: { grants: Array<{ scopeId: string }> } } }
      ).services.eiam.grants
        .map((g) => g.scopeId)
        .sort();
    await rpc("AuthorizeResourceServerToClient", { ClientApplicationId: c, ResourceServerApplicationId: rs });
    expect(await grants()).toEqual([read, write].sort());
    await rpc("RevokeResourceServerScopesFromClient", {
      ClientApplicationId: c,
      ResourceServerApplicationId: rs,
      ResourceServerScopeIds: [write],
    });
    expect(await grants()).toEqual([read]);
    // Revoking what is not granted is a no-op.
    await rpc("RevokeResourceServerScopesFromClient", {
      ClientApplicationId: c,
      ResourceServerApplicationId: rs,
      ResourceServerScopeIds: [write],
    });
    await rpc("RevokeResourceServerFromClient", { ClientApplicationId: c, ResourceServerApplicationId: rs });
    expect(await grants()).toEqual([]);
    await rpc("AuthorizeResourceServerToClient", { ClientApplicationId: c, ResourceServerApplicationId: rs });
    await rpc("DeleteResourceServerScope", { ApplicationId: rs, ResourceServerScopeId: read });
    expect(await grants()).toEqual([write]);
  });
});

describe("client secrets", () => {
  test("Create (shape), List (masked), Obtain (plaintext), Enable/Disable, Delete", async () => {
    const app = await createApp();
    const clientId = (await getApp(app)).ClientId;
    const created = (await rpc("CreateApplicationClientSecret", { ApplicationId: app }))
      .ApplicationClientSecret as Record<string, string>;
    expect(created).toEqual({
      ClientId: clientId,
      ClientSecret: expect.any(String),
      SecretId: expect.stringMatching(ID("scrt")),
    });
    expect(created.ClientSecret).toMatch(/^CS[A-Za-z0-9]{36}$/);
    const list = await rpc("ListApplicationClientSecrets", { ApplicationId: app });
    expect(list.TotalCount).toBe(1);
    expect(list.ApplicationClientSecrets).toEqual([
      {
        ApplicationId: app,
        ClientId: clientId,
        ClientSecret: `${created.ClientSecret?.slice(0, 4)}******`,
        SecretId: created.SecretId,
        Status: "enabled",
        InstanceId: instanceId,
      },
    ]);
    const obtain = async () =>
      (await rpc("ObtainApplicationClientSecret", { ApplicationId: app, SecretId: created.SecretId }))
        .ApplicationClientSecret;
    expect(await obtain()).toMatchObject({ ClientSecret: created.ClientSecret, Status: "enabled" });
    await rpc("DisableApplicationClientSecret", { ApplicationId: app, SecretId: created.SecretId });
    expect(await obtain()).toMatchObject({ Status: "disabled" });
    await rpc("EnableApplicationClientSecret", { ApplicationId: app, SecretId: created.SecretId });
    expect(await obtain()).toMatchObject({ Status: "enabled" });
    await rpc("DeleteApplicationClientSecret", { ApplicationId: app, SecretId: created.SecretId });
    const gone = await caught(obtain);
    expect(gone.code).toBe("EntityNotExists.ClientSecret");
    expect(gone.statusCode).toBe(404);
  });

  test("at most 2 per application: the 3rd is 409 QuotaExceeded.ApplicationClientSecret", async () => {
    const app = await createApp();
    const create = () => rpc("CreateApplicationClientSecret", { ApplicationId: app });
    const first = (await create()).ApplicationClientSecret as { SecretId: string };
    await create();
    const err = await caught(create);
    expect(err.code).toBe("QuotaExceeded.ApplicationClientSecret");
    expect(err.statusCode).toBe(409);
    await rpc("DeleteApplicationClientSecret", { ApplicationId: app, SecretId: first.SecretId });
    await create();
  });

  test("ExpirationTime: at least 1 day and at most 3 years ahead", async () => {
    const app = await createApp();
    const day = 86_400_000;
    const years3 = 3 * 365 * day;
    const create = (ms: number) =>
      rpc("CreateApplicationClientSecret", { ApplicationId: app, ExpirationTime: ms });
    const edge = Date.now() + day + 60_000;
    const made = (await create(edge)).ApplicationClientSecret as { SecretId: string };
    const listed = await rpc("ObtainApplicationClientSecret", {
      ApplicationId: app,
      SecretId: made.SecretId,
    });
    expect((listed.ApplicationClientSecret as { ExpirationTime: number }).ExpirationTime).toBe(edge);
    await create(Date.now() + years3 - 60_000);
    await rpc("DeleteApplicationClientSecret", { ApplicationId: app, SecretId: made.SecretId });
    for (const ms of [Date.now() + day - 60_000, Date.now() + years3 + 60_000, Date.now() - 1000]) {
      const err = await caught(() => create(ms));
      expect(err.code).toBe("InvalidParameter.ExpirationTime");
      expect(err.statusCode).toBe(400);
    }
    expect(
      (
        await caught(() =>
          rpc("CreateApplicationClientSecret", { ApplicationId: app, ExpirationTime: "soon" }),
        )
      ).code,
    ).toBe("InvalidParameter.ExpirationTime");
  });
});

describe("client public keys", () => {
  const rsa = () =>
    generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
  const ec = (namedCurve = "P-256") =>
    generateKeyPairSync("ec", { namedCurve }).publicKey.export({ type: "spki", format: "pem" }).toString();

  test("Create, Get (shape), List, Enable/Disable, SetPrimary, Delete", async () => {
    const app = await createApp();
    const pem = rsa();
    const create = (algorithmType: string, publicKey: string, extra: Record<string, RpcValue> = {}) =>
      rpc("CreateClientPublicKey", {
        ApplicationId: app,
        AlgorithmType: algorithmType,
        PublicKey: publicKey,
        ...extra,
      });
    const first = String((await create("RSA-2048", pem)).ClientPublicKeyId);
    expect(first).toMatch(ID("cpk"));
    const get = async (id: string) =>
      (await rpc("GetClientPublicKey", { ApplicationId: app, ClientPublicKeyId: id }))
        .ClientPublicKey as Record<string, unknown>;
    expect(await get(first)).toEqual({
      ClientPublicKeyId: first,
      ApplicationId: app,
      AlgorithmType: "RSA-2048",
      PublicKey: pem,
      Primary: true,
      Status: "enabled",
      CreateTime: expect.any(Number),
      InstanceId: instanceId,
    });
    const second = String((await create("EC", ec(), { ClientToken: "tok-1" })).ClientPublicKeyId);
    // The same ClientToken answers the key it created.
    expect((await create("EC", ec(), { ClientToken: "tok-1" })).ClientPublicKeyId).toBe(second);
    expect(await get(second)).toMatchObject({ Primary: false, AlgorithmType: "EC" });
    await rpc("SetPrimaryClientPublicKey", { ApplicationId: app, ClientPublicKeyId: second });
    expect((await get(first)).Primary).toBe(false);
    expect((await get(second)).Primary).toBe(true);
    await rpc("DisableClientPublicKey", { ApplicationId: app, ClientPublicKeyId: first });
    expect((await get(first)).Status).toBe("disabled");
    await rpc("EnableClientPublicKey", { ApplicationId: app, ClientPublicKeyId: first });
    const list = await rpc("ListClientPublicKeys", { ApplicationId: app, MaxResults: 1 });
    expect(list).toMatchObject({ TotalCount: 2, MaxResults: 1 });
    expect(
      (list.ClientPublicKeys as Array<{ ClientPublicKeyId: string }>).map((k) => k.ClientPublicKeyId),
    ).toEqual([first]);
    const next = await rpc("ListClientPublicKeys", {
      ApplicationId: app,
      NextToken: list.NextToken as string,
    });
    expect(
      (next.ClientPublicKeys as Array<{ ClientPublicKeyId: string }>).map((k) => k.ClientPublicKeyId),
    ).toEqual([second]);
    await rpc("DeleteClientPublicKey", { ApplicationId: app, ClientPublicKeyId: first });
    const gone = await caught(() => get(first));
    expect(gone.code).toBe("EntityNotExists.ClientPublicKey");
    expect(gone.statusCode).toBe(404);
  });

  test("PEM, algorithm and key checks; a duplicate; at most 5 per application", async () => {
    const app = await createApp();
    const create = (algorithmType: string, publicKey: string) =>
      rpc("CreateClientPublicKey", {
        ApplicationId: app,
        AlgorithmType: algorithmType,
        PublicKey: publicKey,
      });
    const bad = async (alg: string, pem: string, code: string) =>
      expect((await caught(() => create(alg, pem))).code).toBe(code);
    await bad("DSA", rsa(), "InvalidParameter.AlgorithmType");
    await bad("RSA", rsa(), "InvalidParameter.AlgorithmType");
    await bad("RSA-2048", "not a pem", "InvalidParameter.PublicKey");
    await bad("RSA-2048", ec(), "InvalidParameter.PublicKey");
    await bad("EC", rsa(), "InvalidParameter.PublicKey");
    await bad("EC", ec("secp256k1"), "InvalidParameter.PublicKey");
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      type: "spki",
      format: "pem",
    });
    await bad("RSA-2048", small.toString(), "InvalidParameter.PublicKey");
    const pkcs1 = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
      type: "pkcs1",
      format: "pem",
    });
    await bad("RSA-2048", pkcs1.toString(), "InvalidParameter.PublicKey");
    const pem = ec("P-384");
    await create("EC", pem);
    const dup = await caught(() => create("EC", pem));
    expect(dup.code).toBe("EntityAlreadyExists.ClientPublicKey");
    for (let i = 0; i < 4; i++) await create("EC", ec("P-521"));
    const over = await caught(() => create("RSA-2048", rsa()));
    expect(over.code).toBe("QuotaExceeded.ClientPublicKey");
    expect(over.statusCode).toBe(409);
  });
});

describe("persistence", () => {
  test("state survives a restart; a state file of another instance is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eiam-state-"));
    const stateFile = join(dir, "state.json");
    try {
      const id = "idaas_persistedinstance000000000";
      const first = await startEmulator({ stateFile, eiam: { instanceId: id } });
      const c = eiamClient(first);
      const appId = String(
        (
          await eiamRpc(c, "CreateApplication", {
            InstanceId: id,
            ApplicationName: "kept",
            ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
            SsoType: "oidc",
          })
        ).ApplicationId,
      );
      const secret = (
        await eiamRpc(c, "CreateApplicationClientSecret", { InstanceId: id, ApplicationId: appId })
      ).ApplicationClientSecret as { ClientSecret: string; SecretId: string };
      await first.close();
      expect(statSync(stateFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(stateFile, "utf8")).toContain(appId);

      // Without the option, the file's instance is adopted.
      const second = await startEmulator({ stateFile });
      try {
        expect(second.eiamInstanceId).toBe(id);
        const obtained = await eiamRpc(eiamClient(second), "ObtainApplicationClientSecret", {
          InstanceId: id,
          ApplicationId: appId,
          SecretId: secret.SecretId,
        });
        expect((obtained.ApplicationClientSecret as { ClientSecret: string }).ClientSecret).toBe(
          secret.ClientSecret,
        );
      } finally {
        await second.close();
      }
      await expect(
        startEmulator({ stateFile, eiam: { instanceId: DEFAULT_EIAM_INSTANCE_ID } }),
      ).rejects.toThrow(/belongs to EIAM instance/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("reset empties the instance but keeps it", async () => {
    await createApp();
    await emulator.reset();
    expect((await rpc("ListApplications")).TotalCount).toBe(0);
    expect(((await rpc("GetInstance")).Instance as { InstanceId: string }).InstanceId).toBe(instanceId);
  });
});

describe("the request log", () => {
  test("RPC calls are logged under service eiam", async () => {
    await emulator.clearRequests();
    await createApp();
    const log = await emulator.requests({ service: "eiam" });
    expect(log.map((e) => e.action)).toEqual(["CreateApplication"]);
    expect(log[0]?.params.ApplicationName).toBe("orders");
    expect(log[0]?.version).toBe("2021-12-01");
  });
});
