import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { IMS_APP } from "../../provider/limits";
import { $Ims, caught, imsClient } from "./helpers";

const CLI = IMS_APP.officialCliAppId.cn;
const REDIRECT = "http://127.0.0.1:12345/cli/callback";
let emulator: Emulator;
/** Added to the emulator's clock (unsigned OAuth calls only: signed calls check the date). */
let offsetMs = 0;
let upn: (name: string) => string;

interface Pkce {
  verifier: string;
  challenge: string;
}
function pkce(): Pkce {
  const verifier = randomBytes(96).toString("base64url"); // 128 characters, as the CLI sends
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function authorize(
  params: Record<string, string | undefined>,
  base = emulator.url,
): Promise<{ status: number; location: URL | undefined; body: Record<string, unknown> | undefined }> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const res = await fetch(`${base}/oauth2/v1/auth?${q}`, { redirect: "manual" });
  const location = res.headers.get("location");
  const text = await res.text();
  return {
    status: res.status,
    location: location === null ? undefined : new URL(location),
    body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

function authParams(loginHint: string | undefined, p: Pkce, extra: Record<string, string> = {}) {
  return {
    response_type: "code",
    client_id: CLI,
    redirect_uri: REDIRECT,
    state: "st-1",
    code_challenge: p.challenge,
    code_challenge_method: "S256",
    login_hint: loginHint,
    ...extra,
  };
}

async function post(
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
  base = emulator.url,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** authorize → code → /v1/token, as the CLI does. */
async function login(loginHint: string, base = emulator.url): Promise<Record<string, unknown>> {
  const p = pkce();
  const auth = await authorize(authParams(loginHint, p), base);
  const code = auth.location?.searchParams.get("code");
  if (!code) throw new Error(`no code: ${auth.location}`);
  const res = await post(
    "/v1/token",
    {
      grant_type: "authorization_code",
      code,
      client_id: CLI,
      redirect_uri: REDIRECT,
      code_verifier: p.verifier,
    },
    {},
    base,
  );
  expect(res.status).toBe(200);
  return res.body;
}

const exchange = (accessToken: string, base = emulator.url) =>
  post("/v1/exchange", {}, { authorization: `Bearer ${accessToken}` }, base);

async function setup(e: Emulator): Promise<void> {
  const ims = imsClient(e);
  await ims.provisionExternalApplication(
    new $Ims.ProvisionExternalApplicationRequest({ appId: CLI, scopes: "openid;/internal/ram/usersts" }),
  );
  await e.console("ram", "CreateUser", { UserName: "alice" });
  await e.console("ram", "CreateUser", { UserName: "mallory" });
  await e.console("ims", "CreateApplicationAssignment", {
    AppId: CLI,
    PrincipalType: "user",
    PrincipalName: `alice@${e.accountId}.onaliyun.com`,
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, clock: () => Date.now() + offsetMs });
  upn = (name) => `${name}@${emulator.accountId}.onaliyun.com`;
});
afterAll(() => emulator.close());
beforeEach(async () => {
  offsetMs = 0;
  await emulator.reset();
  await setup(emulator);
});

describe("authorize (the emulated browser sign-in)", () => {
  test("an assigned user gets a code at the loopback redirect, with the state", async () => {
    const res = await authorize(authParams(upn("alice"), pkce()));
    expect(res.status).toBe(302);
    expect(`${res.location?.origin}${res.location?.pathname}`).toBe(REDIRECT);
    expect(res.location?.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.location?.searchParams.get("state")).toBe("st-1");
  });

  test("an unassigned user is sent back with access_denied", async () => {
    const res = await authorize(authParams(upn("mallory"), pkce()));
    expect(res.status).toBe(302);
    expect(res.location?.searchParams.get("error")).toBe("access_denied");
    expect(res.location?.searchParams.get("error_description")).toContain("not assigned");
    expect(res.location?.searchParams.get("state")).toBe("st-1");
    expect(res.location?.searchParams.get("code")).toBeNull();
  });

  test("the root always has access; an assigned role too; an unknown user is denied", async () => {
    expect((await authorize(authParams("root", pkce()))).location?.searchParams.get("code")).toBeTruthy();
    await emulator.console("ram", "CreateRole", {
      RoleName: "Deployer",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { RAM: [`acs:ram::${emulator.accountId}:root`] },
          },
        ],
      }),
    });
    const role = () => authorize(authParams("role:Deployer", pkce()));
    expect((await role()).location?.searchParams.get("error")).toBe("access_denied");
    await emulator.console("ims", "CreateApplicationAssignment", {
      AppId: CLI,
      PrincipalType: "role",
      PrincipalName: "Deployer",
    });
    expect((await role()).location?.searchParams.get("code")).toBeTruthy();
    const nobody = await authorize(authParams(upn("nobody"), pkce()));
    expect(nobody.location?.searchParams.get("error")).toBe("access_denied");
    const missing = await authorize(authParams(undefined, pkce()));
    expect(missing.location?.searchParams.get("error")).toBe("login_required");
  });

  test("client_id must be a provisioned official app: 400 JSON, no redirect", async () => {
    for (const clientId of ["", IMS_APP.officialCliAppId.intl, "42"]) {
      const res = await authorize(authParams(upn("alice"), pkce(), { client_id: clientId }));
      expect(res.status).toBe(400);
      expect(res.location).toBeUndefined();
      expect(res.body).toEqual({
        error: "invalid_client",
        error_description: expect.any(String),
        requestId: expect.any(String),
      });
    }
    await emulator.console("ims", "DeprovisionExternalApplication", { AppId: CLI });
    const res = await authorize(authParams("root", pkce()));
    expect([res.status, res.body?.error]).toEqual([400, "invalid_client"]);
  });

  test("redirect_uri must be the loopback callback", async () => {
    for (const uri of [
      "https://evil.example.com/cli/callback",
      "http://localhost:12345/cli/callback",
      "http://127.0.0.1:12345/other",
      "http://127.0.0.1/cli/callback",
    ]) {
      const res = await authorize(authParams(upn("alice"), pkce(), { redirect_uri: uri }));
      expect([res.status, res.body?.error, res.location]).toEqual([400, "invalid_request", undefined]);
    }
  });

  test("PKCE S256 only, and response_type code", async () => {
    const p = pkce();
    let res = await authorize(authParams(upn("alice"), p, { code_challenge_method: "plain" }));
    expect(res.location?.searchParams.get("error")).toBe("invalid_request");
    res = await authorize(authParams(upn("alice"), p, { code_challenge: "short" }));
    expect(res.location?.searchParams.get("error")).toBe("invalid_request");
    res = await authorize(authParams(upn("alice"), p, { response_type: "token" }));
    expect(res.location?.searchParams.get("error")).toBe("unsupported_response_type");
  });
});

describe("token and exchange", () => {
  test("the full CLI login: the STS credentials sign a real SDK call", async () => {
    const tokens = await login(upn("alice"));
    expect(tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      token_type: "Bearer",
    });
    const ex = await exchange(tokens.access_token as string);
    expect(ex.status).toBe(200);
    expect(ex.body).toEqual({
      requestId: expect.any(String),
      accessKeyId: expect.stringMatching(/^STS\./),
      accessKeySecret: expect.any(String),
      securityToken: expect.any(String),
      expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      // The same values in the casing the Python credentials library reads.
      AccessKeyId: ex.body.accessKeyId,
      AccessKeySecret: ex.body.accessKeySecret,
      SecurityToken: ex.body.securityToken,
      Expiration: ex.body.expiration,
    });
    const ims = imsClient(emulator, {
      accessKeyId: ex.body.accessKeyId as string,
      accessKeySecret: ex.body.accessKeySecret as string,
      securityToken: ex.body.securityToken as string,
    });
    const list = await ims.listExternalApplications();
    expect(list.body?.externalApplications?.externalApplication?.[0]?.foreignAppId).toBe(CLI);
    const state = (await emulator.state()) as {
      stsCredentials: Array<{ accessKeyId: string; principal: string }>;
    };
    expect(state.stsCredentials.find((c) => c.accessKeyId === ex.body.accessKeyId)?.principal).toBe(
      `acs:ram::${emulator.accountId}:user/alice`,
    );
  });

  test("a role's credentials are scoped by the role's policies", async () => {
    await emulator.console("ram", "CreateRole", {
      RoleName: "Reader",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { RAM: [`acs:ram::${emulator.accountId}:root`] },
          },
        ],
      }),
    });
    await emulator.console("ram", "AttachPolicyToRole", {
      PolicyType: "System",
      PolicyName: "AliyunRAMReadOnlyAccess",
      RoleName: "Reader",
    });
    await emulator.console("ims", "CreateApplicationAssignment", {
      AppId: CLI,
      PrincipalType: "role",
      PrincipalName: "Reader",
    });
    const ex = await exchange((await login("role:Reader")).access_token as string);
    const cfg = new $OpenApiUtil.Config({
      accessKeyId: ex.body.accessKeyId as string,
      accessKeySecret: ex.body.accessKeySecret as string,
      securityToken: ex.body.securityToken as string,
      endpoint: emulator.endpoint,
      protocol: "http",
    });
    const roleRam = new Ram(cfg);
    await roleRam.getUser(new $Ram.GetUserRequest({ userName: "alice" }));
    const err = await caught(() => roleRam.createUser(new $Ram.CreateUserRequest({ userName: "eve" })));
    expect([err.statusCode, err.code]).toEqual([403, "NoPermission"]);
  });

  test("a wrong code_verifier is invalid_grant, and burns the code", async () => {
    const p = pkce();
    const code = (await authorize(authParams(upn("alice"), p))).location!.searchParams.get("code")!;
    const redeem = (verifier: string) =>
      post("/v1/token", {
        grant_type: "authorization_code",
        code,
        client_id: CLI,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
    const wrong = await redeem(pkce().verifier);
    expect([wrong.status, wrong.body.error]).toEqual([400, "invalid_grant"]);
    expect(wrong.body).toEqual({
      error: "invalid_grant",
      error_description: expect.stringContaining("code_verifier"),
      requestId: expect.any(String),
    });
    expect((await redeem(p.verifier)).body.error).toBe("invalid_grant");
  });

  test("a reused code is refused and revokes the tokens issued from it", async () => {
    const p = pkce();
    const code = (await authorize(authParams(upn("alice"), p))).location!.searchParams.get("code")!;
    const form = {
      grant_type: "authorization_code",
      code,
      client_id: CLI,
      redirect_uri: REDIRECT,
      code_verifier: p.verifier,
    };
    const first = await post("/v1/token", form);
    expect(first.status).toBe(200);
    const again = await post("/v1/token", form);
    expect([again.status, again.body.error]).toEqual([400, "invalid_grant"]);
    const ex = await exchange(first.body.access_token as string);
    expect([ex.status, ex.body.error]).toEqual([401, "invalid_token"]);
  });

  test("a code is bound to its redirect_uri and client_id, and lives 300 s", async () => {
    const p = pkce();
    const code = () =>
      authorize(authParams(upn("alice"), p)).then((r) => r.location!.searchParams.get("code")!);
    const form = async (extra: Record<string, string>) => ({
      grant_type: "authorization_code",
      code: await code(),
      client_id: CLI,
      redirect_uri: REDIRECT,
      code_verifier: p.verifier,
      ...extra,
    });
    expect(
      (await post("/v1/token", await form({ redirect_uri: "http://127.0.0.1:12346/cli/callback" }))).body
        .error,
    ).toBe("invalid_grant");
    expect(
      (await post("/v1/token", await form({ client_id: IMS_APP.officialCliAppId.intl }))).body.error,
    ).toBe("invalid_grant");
    const late = await form({});
    offsetMs = 301_000;
    expect((await post("/v1/token", late)).body.error).toBe("invalid_grant");
  });

  test("grant_type and parameters are checked", async () => {
    let res = await post("/v1/token", { grant_type: "password", client_id: CLI });
    expect([res.status, res.body.error]).toEqual([400, "unsupported_grant_type"]);
    res = await post("/v1/token", { client_id: CLI });
    expect([res.status, res.body.error]).toEqual([400, "invalid_request"]);
    res = await post("/v1/token", { grant_type: "authorization_code", client_id: CLI });
    expect([res.status, res.body.error]).toEqual([400, "invalid_request"]);
    const get = await fetch(`${emulator.url}/v1/token`);
    expect(get.status).toBe(405);
  });

  test("refresh_token: new tokens; the old refresh token is refused afterwards", async () => {
    const tokens = await login(upn("alice"));
    const refresh = (rt: string) =>
      post("/v1/token", { grant_type: "refresh_token", refresh_token: rt, client_id: CLI });
    const next = await refresh(tokens.refresh_token as string);
    expect(next.status).toBe(200);
    expect(next.body.access_token).not.toBe(tokens.access_token);
    expect((await exchange(next.body.access_token as string)).status).toBe(200);
    expect((await refresh(tokens.refresh_token as string)).body.error).toBe("invalid_grant");
    const other = await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: next.body.refresh_token as string,
      client_id: "42",
    });
    expect(other.body.error).toBe("invalid_grant");
  });

  test("an expired access token is expired_token; an unknown one invalid_token", async () => {
    const tokens = await login(upn("alice"));
    let ex = await exchange("not-a-token");
    expect([ex.status, ex.body.error]).toEqual([401, "invalid_token"]);
    ex = await post("/v1/exchange", {});
    expect([ex.status, ex.body.error]).toEqual([401, "invalid_token"]);
    offsetMs = (3600 + 1) * 1000;
    ex = await exchange(tokens.access_token as string);
    expect([ex.status, ex.body.error]).toEqual([401, "expired_token"]);
    expect(ex.body).toEqual({
      error: "expired_token",
      error_description: expect.any(String),
      requestId: expect.any(String),
    });
    // The refresh token outlives the access token.
    const next = await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token as string,
      client_id: CLI,
    });
    expect(next.status).toBe(200);
  });

  test("removing the assignment (or the user) ends access at the next use", async () => {
    const tokens = await login(upn("alice"));
    await emulator.console("ims", "DeleteApplicationAssignment", {
      AppId: CLI,
      PrincipalType: "user",
      PrincipalName: upn("alice"),
    });
    expect((await exchange(tokens.access_token as string)).body.error).toBe("invalid_token");
    const refreshed = await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token as string,
      client_id: CLI,
    });
    expect(refreshed.body.error).toBe("invalid_grant");
  });

  test("without /internal/ram/usersts the exchange is refused", async () => {
    await emulator.console("ims", "DeprovisionExternalApplication", { AppId: CLI });
    await emulator.console("ims", "ProvisionExternalApplication", { AppId: CLI, Scopes: "openid" });
    const tokens = await login("root");
    const ex = await exchange(tokens.access_token as string);
    expect([ex.status, ex.body.error]).toEqual([403, "insufficient_scope"]);
  });
});

/**
 * A request exactly as the official Python credentials library (alibabacloud-credentials 1.0.12,
 * `alibabacloud_credentials/provider/oauth.py`) sends it: header names, order and case as it writes them, and `host` set to
 * the sign-in URL's host name without the port (https://pypi.org/project/alibabacloud-credentials/).
 */
function pythonOAuthRequest(
  path: "/v1/token" | "/v1/exchange",
  headers: Array<[string, string]>,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(emulator.url);
  const raw = [
    ["Accept-Encoding", "identity"],
    ["user-agent", "AlibabaCloud (Linux; x86_64) Python/3.11.7 Credentials/1.0.12 TeaDSL/1"],
    ["host", url.hostname],
    ...headers,
    ["Content-Length", String(Buffer.byteLength(body))],
  ].flat();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: "POST", headers: raw, setHost: false },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("the official Python credentials library's OAuth requests", () => {
  test("its refresh (/v1/token) and exchange (/v1/exchange), Host without the port, are answered", async () => {
    const tokens = await login(upn("alice"));
    const refreshed = await pythonOAuthRequest(
      "/v1/token",
      [["Content-Type", "application/x-www-form-urlencoded"]],
      new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token as string,
        client_id: CLI,
        Timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      }).toString(),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    const exchanged = await pythonOAuthRequest(
      "/v1/exchange",
      [
        ["Content-Type", "application/json"],
        ["Authorization", `Bearer ${refreshed.body.access_token as string}`],
      ],
      "",
    );
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.accessKeyId).toMatch(/^STS\./);
  });
});

describe("secrets stay out of the log and the state", () => {
  test("codes, verifiers, tokens and the bearer header are masked or absent", async () => {
    await emulator.clearRequests();
    const p = pkce();
    const code = (await authorize(authParams(upn("alice"), p))).location!.searchParams.get("code")!;
    const tokens = (
      await post("/v1/token", {
        grant_type: "authorization_code",
        code,
        client_id: CLI,
        redirect_uri: REDIRECT,
        code_verifier: p.verifier,
      })
    ).body;
    await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token as string,
      client_id: CLI,
    });
    await exchange(tokens.access_token as string);
    const log = await emulator.requests({ service: "oauth" });
    expect(log.map((e) => [e.action, e.method, e.path, e.status])).toEqual([
      ["Authorize", "GET", "/oauth2/v1/auth", 302],
      ["Token", "POST", "/v1/token", 200],
      ["Token", "POST", "/v1/token", 200],
      ["Exchange", "POST", "/v1/exchange", 200],
    ]);
    expect(log[1]?.params).toMatchObject({ code: "***", code_verifier: "***", client_id: CLI });
    expect(log[2]?.params).toMatchObject({ refresh_token: "***" });
    const dump = JSON.stringify(log) + JSON.stringify(await emulator.state());
    for (const secret of [code, p.verifier, tokens.access_token, tokens.refresh_token]) {
      expect(dump).not.toContain(secret as string);
    }
  });

  test("a failed token call logs its error code, still masked", async () => {
    await emulator.clearRequests();
    await post("/v1/token", {
      grant_type: "authorization_code",
      code: "guessed-code",
      client_id: CLI,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    const [entry] = await emulator.requests({ service: "oauth", action: "Token" });
    expect([entry?.status, entry?.code, entry?.params.code]).toEqual([400, "invalid_grant", "***"]);
  });

  test("tokens are persisted by hash only: a restarted emulator still honours them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oauth-state-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startEmulator({ port: 0, stateFile });
      await setup(first);
      const tokens = await login(`alice@${first.accountId}.onaliyun.com`, first.url);
      await first.close();
      const text = readFileSync(stateFile, "utf8");
      expect(text).not.toContain(tokens.access_token as string);
      expect(text).not.toContain(tokens.refresh_token as string);
      const second = await startEmulator({ port: 0, stateFile });
      try {
        expect((await exchange(tokens.access_token as string, second.url)).status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("faults apply to OAuth routes, answered in the OAuth error shape", async () => {
    await emulator.injectFault({ service: "oauth", action: "Exchange", kind: "throttle", count: 1 });
    const tokens = await login(upn("alice"));
    const ex = await exchange(tokens.access_token as string);
    expect([ex.status, ex.body.error]).toEqual([400, "Throttling.User"]);
    expect((await exchange(tokens.access_token as string)).status).toBe(200);
  });
});
