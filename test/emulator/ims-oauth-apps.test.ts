import type Ims from "@alicloud/ims20190815";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { $Ims, caught, imsClient } from "./helpers";
import { basic, clientCredentialsToken, scim, scimServerApp, scimToken } from "./scim-helpers";

let emulator: Emulator;
let ims: Ims;
/** Added to the emulator's clock (unsigned OAuth/SCIM calls only: signed calls check the date). */
let offsetMs = 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, clock: () => Date.now() + offsetMs });
  ims = imsClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  offsetMs = 0;
  await emulator.reset();
});

const create = (extra: Partial<ConstructorParameters<typeof $Ims.CreateApplicationRequest>[0]> = {}) =>
  ims.createApplication(
    new $Ims.CreateApplicationRequest({
      appName: "myapp",
      displayName: "My app",
      appType: "WebApp",
      ...extra,
    }),
  );

describe("CreateApplication / GetApplication / ListApplications", () => {
  test("CreateApplication answers the SDK model; AppId is numeric; WebApp defaults", async () => {
    const res = await create({
      redirectUris: "https://a.example.com/cb;https://b.example.com/cb",
      predefinedScopes: "openid;aliuid",
      requiredScopes: "openid",
      secretRequired: false,
      protocolVersion: "2.1",
    });
    const app = res.body!.application!;
    expect(app.appId).toMatch(/^\d{19}$/);
    expect(app).toMatchObject({
      appName: "myapp",
      displayName: "My app",
      appType: "WebApp",
      accountId: emulator.accountId,
      accessTokenValidity: 3600,
      refreshTokenValidity: 2592000,
      // Forced true for a WebApp even when false is sent.
      secretRequired: true,
      isMultiTenant: false,
      protocolVersion: "2.1",
    });
    expect(app.redirectUris!.redirectUri).toEqual(["https://a.example.com/cb", "https://b.example.com/cb"]);
    expect(app.delegatedScope!.predefinedScopes!.predefinedScope!.map((s) => [s.name, s.required])).toEqual([
      ["openid", true],
      ["aliuid", false],
    ]);
    expect(app.createDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = await ims.getApplication(new $Ims.GetApplicationRequest({ appId: app.appId }));
    expect(got.body!.application!.toMap()).toEqual(app.toMap());
  });

  test("NativeApp and ServerApp defaults (secret, multi-tenant, refresh validity)", async () => {
    const native = (await create({ appName: "n", appType: "NativeApp" })).body!.application!;
    expect([native.secretRequired, native.isMultiTenant, native.refreshTokenValidity]).toEqual([
      false,
      true,
      7776000,
    ]);
    const server = (await create({ appName: "s", appType: "ServerApp", secretRequired: false })).body!
      .application!;
    expect([server.secretRequired, server.isMultiTenant, server.refreshTokenValidity]).toEqual([
      true,
      true,
      2592000,
    ]);
  });

  test("AppName: 64 characters pass, 65 fail; other characters are refused", async () => {
    await create({ appName: "a".repeat(64) });
    expect((await caught(() => create({ appName: "b".repeat(65) }))).code).toBe(
      "InvalidParameter.AppName.Length",
    );
    expect((await caught(() => create({ appName: "my app" }))).code).toBe(
      "InvalidParameter.AppName.InvalidChars",
    );
    await create({ appName: "a.b_c-d" });
  });

  test("DisplayName: 24 characters pass, 25 fail", async () => {
    await create({ displayName: "d".repeat(24) });
    const e = await caught(() => create({ appName: "other", displayName: "d".repeat(25) }));
    expect([e.code, e.statusCode]).toEqual(["InvalidParameter.DisplayName.Length", 400]);
  });

  test("AccessTokenValidity 900-10800 and RefreshTokenValidity 7200-31536000 at and past the edges", async () => {
    await create({ appName: "a1", accessTokenValidity: 900, refreshTokenValidity: 7200 });
    await create({ appName: "a2", accessTokenValidity: 10800, refreshTokenValidity: 31536000 });
    for (const [extra, code] of [
      [{ accessTokenValidity: 899 }, "InvalidParameter.AccessTokenValidity.Range"],
      [{ accessTokenValidity: 10801 }, "InvalidParameter.AccessTokenValidity.Range"],
      [{ refreshTokenValidity: 7199 }, "InvalidParameter.RefreshTokenValidity.Range"],
      [{ refreshTokenValidity: 31536001 }, "InvalidParameter.RefreshTokenValidity.Range"],
    ] as const) {
      expect((await caught(() => create({ appName: "bad", ...extra }))).code).toBe(code);
    }
  });

  test("AppType must be WebApp, NativeApp or ServerApp", async () => {
    expect((await caught(() => create({ appType: "webapp" }))).code).toBe("InvalidParameter.AppType");
  });

  test("AppName is unique in the account, case-insensitively (409)", async () => {
    await create();
    const e = await caught(() => create({ appName: "MyApp" }));
    expect([e.code, e.statusCode]).toEqual(["EntityAlreadyExists.Application", 409]);
  });

  test("scopes must be offered to the type; RequiredScopes outside PredefinedScopes are ignored", async () => {
    expect((await caught(() => create({ predefinedScopes: "/acs/scim" }))).code).toBe(
      "InvalidParameter.PredefinedScopes",
    );
    const app = (await create({ predefinedScopes: "openid", requiredScopes: "openid;profile" })).body!
      .application!;
    expect(app.delegatedScope!.predefinedScopes!.predefinedScope!.map((s) => s.name)).toEqual(["openid"]);
  });

  test("ListApplications lists every application, without paging fields", async () => {
    await create({ appName: "one" });
    await create({ appName: "two", appType: "ServerApp" });
    const res = await ims.listApplications();
    expect(res.body!.applications!.application!.map((a) => a.appName)).toEqual(["one", "two"]);
    expect(res.body!.toMap()).not.toHaveProperty("IsTruncated");
  });

  test("GetApplication of an unknown AppId: 404 EntityNotExist.Application", async () => {
    const e = await caught(() =>
      ims.getApplication(new $Ims.GetApplicationRequest({ appId: "4000000000000000000" })),
    );
    expect([e.code, e.statusCode]).toEqual(["EntityNotExist.Application", 404]);
  });
});

describe("UpdateApplication / DeleteApplication", () => {
  test("New* values overwrite, scope lists included; AppName and AppType stay", async () => {
    const appId = (await create({ predefinedScopes: "openid;aliuid;profile", requiredScopes: "openid" }))
      .body!.application!.appId!;
    const res = await ims.updateApplication(
      new $Ims.UpdateApplicationRequest({
        appId,
        newDisplayName: "Renamed",
        newPredefinedScopes: "profile",
        newRequiredScopes: "profile",
        newRedirectUris: "https://c.example.com/cb",
        newAccessTokenValidity: 10800,
        newRefreshTokenValidity: 7200,
        newIsMultiTenant: true,
        newSecretRequired: false,
      }),
    );
    const app = res.body!.application!;
    expect(app).toMatchObject({
      appName: "myapp",
      appType: "WebApp",
      displayName: "Renamed",
      accessTokenValidity: 10800,
      refreshTokenValidity: 7200,
      isMultiTenant: true,
      secretRequired: true,
    });
    expect(app.redirectUris!.redirectUri).toEqual(["https://c.example.com/cb"]);
    expect(app.delegatedScope!.predefinedScopes!.predefinedScope!.map((s) => [s.name, s.required])).toEqual([
      ["profile", true],
    ]);
  });

  test("UpdateApplication checks the same limits", async () => {
    const appId = (await create()).body!.application!.appId!;
    const upd = (extra: Partial<ConstructorParameters<typeof $Ims.UpdateApplicationRequest>[0]>) =>
      ims.updateApplication(new $Ims.UpdateApplicationRequest({ appId, ...extra }));
    expect((await caught(() => upd({ newAccessTokenValidity: 899 }))).code).toBe(
      "InvalidParameter.NewAccessTokenValidity.Range",
    );
    expect((await caught(() => upd({ newDisplayName: "x".repeat(25) }))).code).toBe(
      "InvalidParameter.NewDisplayName.Length",
    );
    await upd({ newDisplayName: "x".repeat(24), newAccessTokenValidity: 900 });
  });

  test("DeleteApplication removes it and its secrets", async () => {
    const appId = (await create()).body!.application!.appId!;
    const secretId = (await ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId }))).body!.appSecret!
      .appSecretId!;
    await ims.deleteApplication(new $Ims.DeleteApplicationRequest({ appId }));
    expect((await caught(() => ims.getApplication(new $Ims.GetApplicationRequest({ appId })))).code).toBe(
      "EntityNotExist.Application",
    );
    const e = await caught(() =>
      ims.getAppSecret(new $Ims.GetAppSecretRequest({ appId, appSecretId: secretId })),
    );
    expect(e.code).toBe("EntityNotExist.Application");
    expect(((await emulator.state()) as { services: Record<string, unknown> }).services.ims).toMatchObject({
      oauthApplications: [],
      appSecrets: [],
    });
  });
});

describe("ListPredefinedScopes", () => {
  test("ServerApp offers /acs/scim with its name and description", async () => {
    const res = await ims.listPredefinedScopes(
      new $Ims.ListPredefinedScopesRequest({ appType: "ServerApp" }),
    );
    expect(res.body!.predefinedScopes!.predefinedScope!.map((s) => s.toMap())).toEqual([
      { Name: "/acs/scim", Description: "Accesses Cross-Domain Identity Management" },
    ]);
  });

  test("without AppType every type's scopes are listed", async () => {
    const res = await ims.listPredefinedScopes(new $Ims.ListPredefinedScopesRequest({}));
    const names = res.body!.predefinedScopes!.predefinedScope!.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["openid", "aliuid", "profile", "/acs/scim"]));
  });

  test("an unknown AppType is refused", async () => {
    const e = await caught(() =>
      ims.listPredefinedScopes(new $Ims.ListPredefinedScopesRequest({ appType: "Robot" })),
    );
    expect(e.code).toBe("InvalidParameter.AppType");
  });
});

describe("ProvisionApplication (admin consent for an internal ServerApp)", () => {
  const serverApp = async () =>
    (await create({ appName: "scim", appType: "ServerApp", predefinedScopes: "/acs/scim" })).body!
      .application!.appId!;

  test("answers ApplicationProvisionInfo; GetApplicationProvisionInfo reads it", async () => {
    const appId = await serverApp();
    const res = await ims.provisionApplication(
      new $Ims.ProvisionApplicationRequest({ appId, scopes: "/acs/scim" }),
    );
    const info = res.body!.applicationProvisionInfo!;
    expect(info).toMatchObject({
      appId,
      appName: "scim",
      accountId: emulator.accountId,
      tenantId: emulator.accountId,
      appPrincipalName: `scim@app.${emulator.accountId}.onaliyun.com`,
    });
    expect(info.createDate).toMatch(/^\d{13}$/);
    expect(info.delegatedScope!.predefinedScopes!.predefinedScope!.map((s) => s.name)).toEqual(["/acs/scim"]);
    const got = await ims.getApplicationProvisionInfo(new $Ims.GetApplicationProvisionInfoRequest({ appId }));
    expect(got.body!.applicationProvisionInfo!.appId).toBe(appId);
  });

  test("only a ServerApp can be provisioned", async () => {
    for (const appType of ["WebApp", "NativeApp"]) {
      const appId = (await create({ appName: appType, appType })).body!.application!.appId!;
      const e = await caught(() =>
        ims.provisionApplication(new $Ims.ProvisionApplicationRequest({ appId, scopes: "openid" })),
      );
      expect([e.code, e.statusCode]).toEqual(["InvalidParameter.AppType", 400]);
    }
  });

  test("scopes must be among the app's PredefinedScopes", async () => {
    const appId = (await create({ appName: "bare", appType: "ServerApp" })).body!.application!.appId!;
    const e = await caught(() =>
      ims.provisionApplication(new $Ims.ProvisionApplicationRequest({ appId, scopes: "/acs/scim" })),
    );
    expect(e.code).toBe("InvalidParameter.Scopes");
  });

  test("provisioning twice is 409; after Deprovision the info is gone", async () => {
    const appId = await serverApp();
    const provision = () =>
      ims.provisionApplication(new $Ims.ProvisionApplicationRequest({ appId, scopes: "/acs/scim" }));
    await provision();
    expect((await caught(provision)).statusCode).toBe(409);
    await ims.deprovisionApplication(new $Ims.DeprovisionApplicationRequest({ appId }));
    const e = await caught(() =>
      ims.getApplicationProvisionInfo(new $Ims.GetApplicationProvisionInfoRequest({ appId })),
    );
    expect([e.code, e.statusCode]).toEqual(["EntityNotExist.ApplicationProvisionInfo", 404]);
  });
});

describe("application secrets", () => {
  test("CreateAppSecret shows the value once; List has no values; Get answers it empty", async () => {
    const appId = (await create()).body!.application!.appId!;
    const created = (await ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId }))).body!.appSecret!;
    expect(created.appSecretValue).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(created).toMatchObject({ appId });
    const list = await ims.listAppSecretIds(new $Ims.ListAppSecretIdsRequest({ appId }));
    expect(list.body!.appSecrets!.appSecret!.map((s) => s.toMap())).toEqual([
      { AppId: appId, AppSecretId: created.appSecretId, CreateDate: created.createDate },
    ]);
    const got = await ims.getAppSecret(
      new $Ims.GetAppSecretRequest({ appId, appSecretId: created.appSecretId }),
    );
    expect(got.body!.appSecret!.appSecretValue).toBe("");
    // Neither the state nor the log ever holds the value.
    expect(JSON.stringify(await emulator.state())).not.toContain(created.appSecretValue);
    expect(JSON.stringify(await emulator.requests())).not.toContain(created.appSecretValue);
  });

  test("at most 2 secrets per application", async () => {
    const appId = (await create()).body!.application!.appId!;
    for (let i = 0; i < 2; i++) {
      await ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId }));
    }
    const e = await caught(() => ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId })));
    expect([e.code, e.statusCode]).toEqual(["LimitExceeded.AppSecret", 409]);
  });

  test("DeleteAppSecret removes it; an unknown one is 404", async () => {
    const appId = (await create()).body!.application!.appId!;
    const id = (await ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId }))).body!.appSecret!
      .appSecretId!;
    await ims.deleteAppSecret(new $Ims.DeleteAppSecretRequest({ appId, appSecretId: id }));
    expect(
      (await ims.listAppSecretIds(new $Ims.ListAppSecretIdsRequest({ appId }))).body!.appSecrets!.appSecret,
    ).toEqual([]);
    const e = await caught(() =>
      ims.deleteAppSecret(new $Ims.DeleteAppSecretRequest({ appId, appSecretId: id })),
    );
    expect([e.code, e.statusCode]).toEqual(["EntityNotExist.AppSecret", 404]);
  });
});

describe("POST /v1/token grant_type=client_credentials", () => {
  test("HTTP Basic with a live secret of a provisioned ServerApp: the SCIM doc's response", async () => {
    const app = await scimServerApp(ims);
    const res = await clientCredentialsToken(emulator, app);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      scope: "/acs/scim",
      request_id: expect.any(String),
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: "3600",
    });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  test("the lifetime is the app's AccessTokenValidity; the token expires with it", async () => {
    const app = await scimServerApp(ims, { accessTokenValidity: 900 });
    const res = await clientCredentialsToken(emulator, app);
    expect(res.body.expires_in).toBe("900");
    const token = String(res.body.access_token);
    offsetMs = 899_000;
    expect((await scim(emulator, token, "GET", "/Users")).status).toBe(200);
    offsetMs = 900_000;
    const expired = await scim(emulator, token, "GET", "/Users");
    expect(expired.status).toBe(401);
  });

  test("client_id and client_secret in the form body are accepted too", async () => {
    const app = await scimServerApp(ims);
    const res = await fetch(`${emulator.url}/v1/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: app.appId,
        client_secret: app.secret,
      }),
    });
    expect(res.status).toBe(200);
  });

  test("a wrong secret is 401 invalid_client", async () => {
    const app = await scimServerApp(ims);
    const res = await clientCredentialsToken(emulator, { appId: app.appId, secret: "x".repeat(64) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: "invalid_client" });
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
  });

  test("no client authentication is 401 invalid_client; an unknown client too", async () => {
    const res = await fetch(`${emulator.url}/v1/token?grant_type=client_credentials`, { method: "POST" });
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([401, "invalid_client"]);
    const unknown = await clientCredentialsToken(emulator, { appId: "4000000000000000001", secret: "s" });
    expect([unknown.status, unknown.body.error]).toEqual([401, "invalid_client"]);
  });

  test("a client_id parameter that differs from the Basic one is invalid_request", async () => {
    const app = await scimServerApp(ims);
    const q = new URLSearchParams({ grant_type: "client_credentials", client_id: "4000000000000000001" });
    const res = await fetch(`${emulator.url}/v1/token?${q}`, {
      method: "POST",
      headers: { authorization: basic(app.appId, app.secret) },
    });
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, "invalid_request"]);
  });

  test("an unprovisioned ServerApp is unauthorized_client", async () => {
    const app = await scimServerApp(ims, { provision: false });
    const res = await clientCredentialsToken(emulator, app);
    expect([res.status, res.body.error]).toEqual([400, "unauthorized_client"]);
  });

  test("a WebApp cannot use client_credentials", async () => {
    const appId = (await create()).body!.application!.appId!;
    const secret = (await ims.createAppSecret(new $Ims.CreateAppSecretRequest({ appId }))).body!.appSecret!
      .appSecretValue!;
    const res = await clientCredentialsToken(emulator, { appId, secret });
    expect([res.status, res.body.error]).toEqual([400, "unauthorized_client"]);
  });

  test("a scope the app was not granted is invalid_scope", async () => {
    const app = await scimServerApp(ims);
    const res = await clientCredentialsToken(emulator, app, { scope: "openid" });
    expect([res.status, res.body.error]).toEqual([400, "invalid_scope"]);
  });

  test("a deleted secret no longer authenticates, and its tokens are refused", async () => {
    const app = await scimServerApp(ims);
    const token = await scimToken(emulator, app);
    await ims.deleteAppSecret(
      new $Ims.DeleteAppSecretRequest({ appId: app.appId, appSecretId: app.secretId }),
    );
    const res = await clientCredentialsToken(emulator, app);
    expect([res.status, res.body.error]).toEqual([401, "invalid_client"]);
    expect((await scim(emulator, token, "GET", "/Users")).status).toBe(401);
  });

  test("DeleteApplication and DeprovisionApplication end the app's tokens", async () => {
    const app = await scimServerApp(ims);
    const token = await scimToken(emulator, app);
    await ims.deprovisionApplication(new $Ims.DeprovisionApplicationRequest({ appId: app.appId }));
    expect((await scim(emulator, token, "GET", "/Users")).status).toBe(401);
    const app2 = await scimServerApp(ims, { appName: "second" });
    const token2 = await scimToken(emulator, app2);
    await ims.deleteApplication(new $Ims.DeleteApplicationRequest({ appId: app2.appId }));
    expect((await scim(emulator, token2, "GET", "/Users")).status).toBe(401);
  });

  test("the request log records the Token call with grant_type, never the secret or the token", async () => {
    const app = await scimServerApp(ims);
    await fetch(`${emulator.url}/v1/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(app.appId, app.secret),
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: app.appId,
        client_secret: app.secret,
      }),
    });
    const token = await scimToken(emulator, app);
    await scim(emulator, token, "GET", "/Users");
    const entries = await emulator.requests({ service: "oauth", action: "Token" });
    expect(entries).toHaveLength(2);
    expect(entries[0]!.params).toEqual({
      grant_type: "client_credentials",
      client_id: app.appId,
      client_secret: "***",
    });
    const everything = JSON.stringify(await emulator.requests());
    expect(everything).not.toContain(app.secret);
    expect(everything).not.toContain(token);
    expect(JSON.stringify(await emulator.state())).not.toContain(token);
  });
});
