import * as http from "node:http";
import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import Sts from "@alicloud/sts20150401";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { connectEmulator, DEFAULT_ACCOUNT_ID, type Emulator, startEmulator } from "../../emulator";
import { caught, fp } from "./helpers";

const OTHER = {
  accountId: "2234567890123456",
  accessKeyId: "LTAI5tEmulatorOtherKey",
  accessKeySecret: "other-secret-0123456789",
};
let emulator: Emulator;

const cfg = (keys: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) =>
  new $OpenApiUtil.Config({ ...keys, endpoint: emulator.endpoint, protocol: "http" });
const mainKeys = () => ({ accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [OTHER] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await emulator.reset();
});

describe("STS GetCallerIdentity", () => {
  test("answers the documented fields for the account's own key", async () => {
    const res = await new Sts(cfg(mainKeys())).getCallerIdentity();
    expect(emulator.accountId).toBe(DEFAULT_ACCOUNT_ID);
    expect(DEFAULT_ACCOUNT_ID).toBe("1234567890123456");
    expect(res.body?.toMap()).toEqual({
      IdentityType: "Account",
      AccountId: DEFAULT_ACCOUNT_ID,
      PrincipalId: DEFAULT_ACCOUNT_ID,
      UserId: DEFAULT_ACCOUNT_ID,
      Arn: `acs:ram::${DEFAULT_ACCOUNT_ID}:root`,
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
    });
  });

  test("needs a valid signature", async () => {
    const err = await caught(() =>
      new Sts(cfg({ accessKeyId: emulator.accessKeyId, accessKeySecret: "wrong" })).getCallerIdentity(),
    );
    expect(err.code).toBe("SignatureDoesNotMatch");
  });

  test("is open to a role session whose policies allow nothing, and names the assumed role", async () => {
    const ram = new Ram(cfg(mainKeys()));
    const role = await ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: "Nothing",
        assumeRolePolicyDocument: JSON.stringify({
          Version: "1",
          Statement: [
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Principal: { RAM: ["acs:ram::1234567890123456:root"] },
            },
          ],
        }),
      }),
    );
    // The control route mints credentials for a principal; scoped ones are only minted by STS, so
    // this checks the identity shape of a role principal.
    const creds = await emulator.issueStsCredentials({ principal: role.body!.role!.arn! });
    const res = await new Sts(
      cfg({
        accessKeyId: creds.accessKeyId,
        accessKeySecret: creds.accessKeySecret,
        securityToken: creds.securityToken,
      }),
    ).getCallerIdentity();
    expect(res.body?.toMap()).toMatchObject({
      IdentityType: "AssumedRoleUser",
      AccountId: DEFAULT_ACCOUNT_ID,
      Arn: `acs:ram::${DEFAULT_ACCOUNT_ID}:assumed-role/Nothing/session`,
      RoleId: role.body!.role!.roleId,
      PrincipalId: `${role.body!.role!.roleId}:session`,
    });
    expect(res.body?.userId).toBeUndefined();
  });

  test("is logged, not mutating", async () => {
    await new Sts(cfg(mainKeys())).getCallerIdentity();
    expect(await emulator.requests({ service: "sts" })).toMatchObject([
      { action: "GetCallerIdentity", status: 200 },
    ]);
  });
});

describe("a second emulated account on the same listener", () => {
  test("its key acts in its own account, with its own state", async () => {
    const other = new Ims(cfg(OTHER));
    const main = new Ims(cfg(mainKeys()));
    const req = () =>
      new $Ims.CreateOIDCProviderRequest({
        OIDCProviderName: "github",
        issuerUrl: "https://token.actions.githubusercontent.com",
        fingerprints: fp(1),
        clientIds: "sts.aliyuncs.com",
      });
    const a = await main.createOIDCProvider(req());
    // Same name in the other account: no clash, its own ARN.
    const b = await other.createOIDCProvider(req());
    expect(a.body?.OIDCProvider?.arn).toBe(`acs:ram::${DEFAULT_ACCOUNT_ID}:oidc-provider/github`);
    expect(b.body?.OIDCProvider?.arn).toBe(`acs:ram::${OTHER.accountId}:oidc-provider/github`);
    await other.deleteOIDCProvider(new $Ims.DeleteOIDCProviderRequest({ OIDCProviderName: "github" }));
    const still = await main.getOIDCProvider(new $Ims.GetOIDCProviderRequest({ OIDCProviderName: "github" }));
    expect(still.body?.OIDCProvider?.arn).toBe(a.body?.OIDCProvider?.arn);
    expect((await new Sts(cfg(OTHER)).getCallerIdentity()).body?.accountId).toBe(OTHER.accountId);
  });

  test("its calls share the log, marked with its account; reset empties it too", async () => {
    await new Sts(cfg(OTHER)).getCallerIdentity();
    await new Sts(cfg(mainKeys())).getCallerIdentity();
    const log = await emulator.requests({ service: "sts" });
    expect(log.map((e) => e.accountId)).toEqual([OTHER.accountId, undefined]);
    await new Ram(cfg(OTHER)).createRole(
      new $Ram.CreateRoleRequest({
        roleName: "r",
        assumeRolePolicyDocument: JSON.stringify({
          Version: "1",
          Statement: [
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Principal: { RAM: [`acs:ram::${OTHER.accountId}:root`] },
            },
          ],
        }),
      }),
    );
    await emulator.reset();
    const err = await caught(() => new Ram(cfg(OTHER)).getRole(new $Ram.GetRoleRequest({ roleName: "r" })));
    expect(err.code).toBe("EntityNotExist.Role");
  });

  test("a second account must not reuse an id or a key", async () => {
    await expect(startEmulator({ accounts: [{ ...OTHER, accountId: DEFAULT_ACCOUNT_ID }] })).rejects.toThrow(
      /account 1234567890123456 is listed twice/,
    );
    await expect(
      startEmulator({ accounts: [{ ...OTHER, accessKeyId: "LTAI5tEmulatorAccessKey" }] }),
    ).rejects.toThrow(/belongs to another account/);
  });

  test("control info lists it without its secret", async () => {
    const remote = await connectEmulator(emulator.url);
    expect(remote.accounts).toEqual([
      { accountId: OTHER.accountId, accessKeyId: OTHER.accessKeyId, accessKeySecret: "" },
    ]);
  });
});

/** A raw request with a chosen Host header. */
function raw(
  url: string,
  opts: { path?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: opts.path ?? "/__emulator/info",
        headers: { ...(opts.host === undefined ? {} : { host: opts.host }), ...opts.headers },
      },
      (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("exposure", () => {
  test("binding to a non-loopback address without a control token is refused", async () => {
    await expect(startEmulator({ host: "0.0.0.0" })).rejects.toThrow(
      /host 0\.0\.0\.0 is not a loopback address.*control token/,
    );
  });

  test("with a token, control routes need it; API routes do not", async () => {
    const token = "t0ken-0123456789abcdef";
    const e = await startEmulator({ host: "0.0.0.0", controlToken: token });
    try {
      const port = new URL(e.url).port;
      const local = `http://127.0.0.1:${port}`;
      expect((await raw(local)).status).toBe(401);
      expect((await raw(local, { headers: { authorization: "Bearer wrong-token-0123456" } })).status).toBe(
        401,
      );
      const ok = await raw(local, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).accountId).toBe(DEFAULT_ACCOUNT_ID);
      await expect(connectEmulator(local)).rejects.toThrow(/control token/);
      const remote = await connectEmulator(local, { controlToken: token });
      expect(remote.accountId).toBe(DEFAULT_ACCOUNT_ID);
      const sts = new Sts(
        new $OpenApiUtil.Config({
          ...{ accessKeyId: e.accessKeyId, accessKeySecret: e.accessKeySecret },
          endpoint: `127.0.0.1:${port}`,
          protocol: "http",
        }),
      );
      expect((await sts.getCallerIdentity()).body?.accountId).toBe(DEFAULT_ACCOUNT_ID);
    } finally {
      await e.close();
    }
  });

  test("a token shorter than 16 characters is refused", async () => {
    await expect(startEmulator({ controlToken: "short" })).rejects.toThrow(/at least 16 characters, got 5/);
  });

  test("a request naming another Host is refused (DNS rebinding); localhost and the bound address pass with any port or none", async () => {
    const port = new URL(emulator.url).port;
    const evil = await raw(emulator.url, { host: `attacker.example:${port}` });
    expect(evil.status).toBe(421);
    expect(evil.body).toContain("is not this emulator's");
    expect((await raw(emulator.url, { host: `attacker.example:${port}`, path: "/" })).status).toBe(421);
    expect((await raw(emulator.url, { host: "attacker.example" })).status).toBe(421);
    expect((await raw(emulator.url, { host: "127.0.0.1.attacker.example" })).status).toBe(421);
    expect((await raw(emulator.url, { host: "localhost.:80" })).status).toBe(421);
    expect((await raw(emulator.url, { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw(emulator.url, { host: `127.0.0.1:${port}` })).status).toBe(200);
    // The name is what counts: without a port (as the Python credentials library sends it) or
    // with another one (a port forward), an accepted name passes.
    expect((await raw(emulator.url, { host: "127.0.0.1" })).status).toBe(200);
    expect((await raw(emulator.url, { host: "LOCALHOST" })).status).toBe(200);
    expect((await raw(emulator.url, { host: `127.0.0.1:${Number(port) + 1}` })).status).toBe(200);
  });

  test("allowedHosts adds names", async () => {
    const e = await startEmulator({ allowedHosts: ["emulator.internal"] });
    try {
      const port = new URL(e.url).port;
      expect((await raw(e.url, { host: `emulator.internal:${port}` })).status).toBe(200);
      expect((await raw(e.url, { host: "emulator.internal" })).status).toBe(200);
      expect((await raw(e.url, { host: `other.internal:${port}` })).status).toBe(421);
    } finally {
      await e.close();
    }
  });
});
