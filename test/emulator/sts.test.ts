import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import Sts, * as $Sts from "@alicloud/sts20150401";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { caught } from "./helpers";

const SUBJECT = "repo:acme/app:ref:refs/heads/main";
let emulator: Emulator;
let idp: TestIdp;
let providerArn: string;
let roleArn: string;

const cfg = (over: Partial<{ accessKeyId: string; accessKeySecret: string; securityToken: string }> = {}) =>
  new $OpenApiUtil.Config({
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    endpoint: emulator.endpoint,
    protocol: "http",
    ...over,
  });

/** AssumeRoleWithOIDC on the wire: unsigned, POST form body (default) or GET query. */
async function assume(
  params: Record<string, string | undefined> = {},
  method: "POST" | "GET" = "POST",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const all: Record<string, string> = {
    Action: "AssumeRoleWithOIDC",
    Version: "2015-04-01",
    Format: "JSON",
    OIDCProviderArn: providerArn,
    RoleArn: roleArn,
    RoleSessionName: "ci",
    OIDCToken: idp.mintToken({ sub: SUBJECT }),
  };
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  const qs = new URLSearchParams(all).toString();
  const res =
    method === "GET"
      ? await fetch(`${emulator.url}/?${qs}`)
      : await fetch(`${emulator.url}/`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: qs,
        });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  idp = await startTestIdp();
  emulator = await startEmulator({ trustedCertificates: [idp.rootCaPem] });
});
afterAll(async () => {
  await emulator.close();
  await idp.close();
});
beforeEach(async () => {
  await emulator.reset();
  const ims = new Ims(cfg());
  const p = await ims.createOIDCProvider(
    new $Ims.CreateOIDCProviderRequest({
      OIDCProviderName: "github",
      issuerUrl: idp.issuer,
      clientIds: "sts.aliyuncs.com",
      fingerprints: idp.rootFingerprint.toUpperCase(),
    }),
  );
  providerArn = p.body!.OIDCProvider!.arn!;
  const r = await new Ram(cfg()).createRole(
    new $Ram.CreateRoleRequest({
      roleName: "Deployer",
      assumeRolePolicyDocument: buildOidcTrustPolicy({
        providerArn,
        issuerUrl: idp.issuer,
        audiences: ["sts.aliyuncs.com"],
        subjects: { like: ["repo:acme/app:ref:refs/heads/*"] },
      }),
    }),
  );
  roleArn = r.body!.role!.arn!;
});

describe("AssumeRoleWithOIDC on the wire", () => {
  test("answers the documented shape (POST form body, no signature)", async () => {
    const { status, body } = await assume();
    expect(status).toBe(200);
    expect(roleArn).toBe(`acs:ram::${emulator.accountId}:role/deployer`);
    expect(body).toMatchObject({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      Credentials: {
        AccessKeyId: expect.stringMatching(/^STS\./),
        AccessKeySecret: expect.any(String),
        SecurityToken: expect.any(String),
        Expiration: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      },
      AssumedRoleUser: { Arn: `${roleArn}/ci`, AssumedRoleId: expect.stringMatching(/^\d+:ci$/) },
      OIDCTokenInfo: {
        Subject: SUBJECT,
        Issuer: idp.issuer,
        ClientIds: "sts.aliyuncs.com",
        VerificationInfo: "Success",
        IssuanceTime: expect.stringMatching(/Z$/),
        ExpirationTime: expect.stringMatching(/Z$/),
      },
    });
    const exp = Date.parse((body.Credentials as { Expiration: string }).Expiration);
    expect(Math.abs(exp - (Date.now() + 3600_000))).toBeLessThan(5000);
  });

  test("accepts GET with the parameters in the query", async () => {
    expect((await assume({}, "GET")).status).toBe(200);
  });

  test("works through the official STS SDK (anonymous call)", async () => {
    const sts = new Sts(new $OpenApiUtil.Config({ endpoint: emulator.endpoint, protocol: "http" }));
    const res = await sts.assumeRoleWithOIDC(
      new $Sts.AssumeRoleWithOIDCRequest({
        OIDCProviderArn: providerArn,
        roleArn,
        roleSessionName: "sdk",
        OIDCToken: idp.mintToken({ sub: SUBJECT }),
        durationSeconds: 900,
      }),
    );
    expect(res.body?.credentials?.accessKeyId).toMatch(/^STS\./);
    expect(res.body?.OIDCTokenInfo?.subject).toBe(SUBJECT);
  });

  test("logs the call with the token redacted", async () => {
    await assume();
    const [entry] = await emulator.requests({ service: "sts" });
    expect(entry).toMatchObject({ action: "AssumeRoleWithOIDC", status: 200 });
    expect(entry?.params.OIDCToken).toBe("***");
  });

  test("DurationSeconds: 900 and the role's MaxSessionDuration pass; one past either edge does not", async () => {
    expect((await assume({ DurationSeconds: "900" })).status).toBe(200);
    expect((await assume({ DurationSeconds: "3600" })).status).toBe(200);
    for (const d of ["899", "3601"]) {
      const { status, body } = await assume({ DurationSeconds: d });
      expect(status).toBe(400);
      expect(body.Code).toBe("InvalidParameter.DurationSeconds");
    }
  });

  test("RoleSessionName: 2 and 64 characters pass; 1, 65 and a bad character do not", async () => {
    expect((await assume({ RoleSessionName: "ab" })).status).toBe(200);
    expect((await assume({ RoleSessionName: "a".repeat(64) })).status).toBe(200);
    for (const name of ["a", "a".repeat(65), "bad/name"]) {
      expect((await assume({ RoleSessionName: name })).body.Code).toBe("InvalidParameter.RoleSessionName");
    }
  });

  test("OIDCToken shorter than 4 characters is InvalidParameter.OIDCToken", async () => {
    expect((await assume({ OIDCToken: "abc" })).body.Code).toBe("InvalidParameter.OIDCToken");
  });

  test("a missing parameter is MissingParameter.<Name>", async () => {
    expect((await assume({ RoleArn: undefined })).body.Code).toBe("MissingParameter.RoleArn");
  });

  test("Policy: 2048 characters pass the size check, 2049 is InvalidParameter.PolicySize", async () => {
    const base = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:GetRole","Resource":"*"}]}';
    const padded = base.replace('"Version"', `${" ".repeat(2048 - base.length)}"Version"`);
    expect(padded.length).toBe(2048);
    expect((await assume({ Policy: padded })).status).toBe(200);
    expect((await assume({ Policy: `${padded} ` })).body.Code).toBe("InvalidParameter.PolicySize");
  });

  test("a Policy that does not parse is InvalidParameter.PolicyGrammar", async () => {
    expect((await assume({ Policy: '{"Statement":[{"Effect":"Maybe","Action":"*"}]}' })).body.Code).toBe(
      "InvalidParameter.PolicyGrammar",
    );
  });

  test("a malformed RoleArn is InvalidParameter.RoleArn", async () => {
    expect((await assume({ RoleArn: "deployer" })).body.Code).toBe("InvalidParameter.RoleArn");
  });

  test("an unknown provider is 404 EntityNotExist.OIDCProvider", async () => {
    const { status, body } = await assume({
      OIDCProviderArn: `acs:ram::${emulator.accountId}:oidc-provider/nope`,
    });
    expect(status).toBe(404);
    expect(body.Code).toBe("EntityNotExist.OIDCProvider");
  });

  test("an unknown role is 404 EntityNotExist.Role", async () => {
    const { status, body } = await assume({ RoleArn: `acs:ram::${emulator.accountId}:role/nope` });
    expect(status).toBe(404);
    expect(body).toMatchObject({ Code: "EntityNotExist.Role", HostId: "sts.aliyuncs.com" });
  });

  test("the RoleArn's name is matched case-insensitively", async () => {
    expect((await assume({ RoleArn: `acs:ram::${emulator.accountId}:role/DEPLOYER` })).status).toBe(200);
  });

  test("not a JWT is AuthenticationFail.OIDCToken.Invalid", async () => {
    const { status, body } = await assume({ OIDCToken: "not.a-jwt" });
    expect(status).toBe(400);
    expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
  });

  test("a token without kid is AuthenticationFail.OIDCToken.Invalid", async () => {
    const [, c, sig] = idp.mintToken({ sub: SUBJECT }).split(".");
    const token = `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${c}.${sig}`;
    const { body } = await assume({ OIDCToken: token });
    expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
    expect(body.Message).toContain("kid");
  });

  test("an unknown kid is AuthenticationFail.OIDCToken.Invalid", async () => {
    const { body } = await assume({ OIDCToken: idp.mintToken({ sub: SUBJECT }, { kid: "other" }) });
    expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
    expect(body.Message).toContain("no key with kid other");
  });

  test("a signature by another key is AuthenticationFail.OIDCToken.Invalid", async () => {
    const { body } = await assume({
      OIDCToken: idp.mintToken({ sub: SUBJECT }, { signWithUnknownKey: true }),
    });
    expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
    expect(body.Message).toContain("signature");
  });

  test("an iss other than the provider's IssuerUrl is AuthenticationFail.OIDCToken.Invalid", async () => {
    const { body } = await assume({ OIDCToken: idp.mintToken({ sub: SUBJECT, iss: `${idp.issuer}/` }) });
    expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
    expect(body.Message).toContain("iss");
  });

  test("an aud array with one known client ID is accepted", async () => {
    const token = idp.mintToken({ sub: SUBJECT, aud: ["other", "sts.aliyuncs.com"] });
    const { body } = await assume({ OIDCToken: token });
    expect((body.OIDCTokenInfo as { ClientIds: string }).ClientIds).toBe("other,sts.aliyuncs.com");
  });

  test("IssuanceLimitTime edge: a token issued just under the limit passes", async () => {
    // The provider was created without IssuanceLimitTime: 12 hours.
    const token = idp.mintToken({
      sub: SUBJECT,
      iatOffsetSeconds: -(12 * 3600 - 30),
      expiresInSeconds: 12 * 3600,
    });
    expect((await assume({ OIDCToken: token })).status).toBe(200);
  });

  test("an unreachable issuer is AuthenticationFail.OIDCToken.Invalid naming the failed step", async () => {
    await new Ims(cfg()).createOIDCProvider(
      new $Ims.CreateOIDCProviderRequest({
        OIDCProviderName: "gone",
        issuerUrl: "https://127.0.0.1:1",
        clientIds: "sts.aliyuncs.com",
        fingerprints: idp.rootFingerprint,
      }),
    );
    const { body } = await assume({ OIDCProviderArn: `acs:ram::${emulator.accountId}:oidc-provider/gone` });
    expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
    expect(body.Message).toContain("discovery document");
  });

  test("an issuer whose chain the emulator does not trust is refused at the TLS step", async () => {
    const stranger = await startTestIdp();
    try {
      await new Ims(cfg()).createOIDCProvider(
        new $Ims.CreateOIDCProviderRequest({
          OIDCProviderName: "stranger",
          issuerUrl: stranger.issuer,
          clientIds: "sts.aliyuncs.com",
          fingerprints: stranger.rootFingerprint,
        }),
      );
      const { body } = await assume({
        OIDCProviderArn: `acs:ram::${emulator.accountId}:oidc-provider/stranger`,
        OIDCToken: stranger.mintToken({ sub: SUBJECT }),
      });
      expect(body.Code).toBe("AuthenticationFail.OIDCToken.Invalid");
      expect(body.Message).toMatch(/discovery document|TLS connect/);
    } finally {
      await stranger.close();
    }
  });

  test("a trust refusal is 403 NoPermission with the evaluator's reason and AccessDeniedDetail", async () => {
    const { status, body } = await assume({
      OIDCToken: idp.mintToken({ sub: "repo:acme/app:pull_request" }),
    });
    expect(status).toBe(403);
    expect(body.Code).toBe("NoPermission");
    expect(body.Message).toContain(
      "You are not authorized to do this action. You should be authorized by RAM.",
    );
    expect(body.Message).toContain(
      'oidc:sub "repo:acme/app:pull_request" does not match StringLike ["repo:acme/app:ref:refs/heads/*"]',
    );
    expect(body.AccessDeniedDetail).toMatchObject({
      PolicyType: "AssumeRolePolicy",
      AuthAction: "sts:AssumeRole",
    });
  });
});

describe("scoping of the minted credentials", () => {
  const creds = async (policy?: string) => {
    const { body } = await assume(policy === undefined ? {} : { Policy: policy });
    const c = body.Credentials as { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string };
    return { accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken };
  };
  const attach = (policyType: string, policyName: string) =>
    new Ram(cfg()).attachPolicyToRole(
      new $Ram.AttachPolicyToRoleRequest({ policyType, policyName, roleName: "Deployer" }),
    );
  const getRole = (c: Awaited<ReturnType<typeof creds>>) =>
    new Ram(cfg(c)).getRole(new $Ram.GetRoleRequest({ roleName: "Deployer" }));

  test("without attached policies every call is NoPermission (ImplicitDeny)", async () => {
    const err = await caught(async () => getRole(await creds()));
    expect(err.code).toBe("NoPermission");
    expect(err.statusCode).toBe(403);
    expect(err.data?.AccessDeniedDetail).toMatchObject({
      AuthAction: "ram:GetRole",
      NoPermissionType: "ImplicitDeny",
      PolicyType: "AccountLevelIdentityBasedPolicy",
      AuthPrincipalType: "AssumedRoleUser",
    });
  });

  test("AliyunRAMReadOnlyAccess allows ram:Get* (IMS's OIDC reads too) and refuses writes", async () => {
    await attach("System", "AliyunRAMReadOnlyAccess");
    const c = await creds();
    expect((await getRole(c)).statusCode).toBe(200);
    const ims = new Ims(cfg(c));
    expect(
      (await ims.getOIDCProvider(new $Ims.GetOIDCProviderRequest({ OIDCProviderName: "github" }))).statusCode,
    ).toBe(200);
    const err = await caught(() =>
      ims.deleteOIDCProvider(new $Ims.DeleteOIDCProviderRequest({ OIDCProviderName: "github" })),
    );
    expect(err.code).toBe("NoPermission");
    expect(err.message).toContain("ram:DeleteOIDCProvider");
  });

  test("a custom Deny wins over an Allow (ExplicitDeny)", async () => {
    await attach("System", "AdministratorAccess");
    await new Ram(cfg()).createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: "no-get-role",
        policyDocument: JSON.stringify({
          Version: "1",
          Statement: [{ Effect: "Deny", Action: "ram:GetRole", Resource: "*" }],
        }),
      }),
    );
    await attach("Custom", "no-get-role");
    const err = await caught(async () => getRole(await creds()));
    expect(err.code).toBe("NoPermission");
    expect(err.data?.AccessDeniedDetail).toMatchObject({ NoPermissionType: "ExplicitDeny" });
    expect(err.message).toContain("Custom:no-get-role explicitly denies ram:GetRole");
  });

  test("a session Policy narrows the role's permissions (intersection)", async () => {
    await attach("System", "AdministratorAccess");
    const c = await creds(
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:GetRole","Resource":"*"}]}',
    );
    expect((await getRole(c)).statusCode).toBe(200);
    const err = await caught(() =>
      new Ram(cfg(c)).listPoliciesForRole(new $Ram.ListPoliciesForRoleRequest({ roleName: "Deployer" })),
    );
    expect(err.code).toBe("NoPermission");
    expect(err.data?.AccessDeniedDetail).toMatchObject({ PolicyType: "SessionPolicy" });
  });

  test("detaching the policy takes effect on the next call", async () => {
    await attach("System", "AliyunRAMReadOnlyAccess");
    const c = await creds();
    expect((await getRole(c)).statusCode).toBe(200);
    await new Ram(cfg()).detachPolicyFromRole(
      new $Ram.DetachPolicyFromRoleRequest({
        policyType: "System",
        policyName: "AliyunRAMReadOnlyAccess",
        roleName: "Deployer",
      }),
    );
    expect((await caught(() => getRole(c))).code).toBe("NoPermission");
  });

  test("the account's own key is never scoped", async () => {
    expect((await new Ram(cfg()).getRole(new $Ram.GetRoleRequest({ roleName: "Deployer" }))).statusCode).toBe(
      200,
    );
  });
});
