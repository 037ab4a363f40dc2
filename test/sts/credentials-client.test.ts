/**
 * The acceptance test of OIDC federation: the official @alicloud/credentials OIDC provider (what
 * CI jobs use) gets credentials from the emulator's STS for an allowed subject, those credentials
 * sign real SDK calls that the role's policies scope, and every wrong token is refused with
 * Alibaba's code.
 *
 * How the client reaches the emulator: the provider always calls `https://<stsEndpoint>` through
 * its own HTTPS agent (no CA option), so the emulator runs its HTTPS listener (`https: true`, a
 * generated test CA) and the client runs in a child process with NODE_EXTRA_CA_CERTS pointing at
 * that CA, exactly as a CI job would trust a private endpoint.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import { discoverOidcFingerprint } from "../../provider/trust/discovery";
import { evaluateTrust } from "../../provider/trust/evaluate";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";

const run = promisify(execFile);
const SUBJECT = "repo:acme/app:ref:refs/heads/main";
const ROLE = "ci-deployer";
const PROVIDER = "github";

let emulator: Emulator;
let idp: TestIdp;
let dir: string;
let caFile: string;
let providerArn: string;
let roleArn: string;

const config = (e: Emulator) =>
  new $OpenApiUtil.Config({
    accessKeyId: e.accessKeyId,
    accessKeySecret: e.accessKeySecret,
    endpoint: e.endpoint,
    protocol: "http",
  });

interface ChildResult {
  credential?: { accessKeyId: string; accessKeySecret: string; securityToken: string; type: string };
  error?: string;
  allowed?: { status: number; code?: string; body?: Record<string, unknown> };
  denied?: { status: number; code?: string; message?: string; data?: Record<string, unknown> };
}

/** Runs the credentials client in a child process with the emulator's CA trusted. */
async function credentialsClient(
  token: string,
  withRam = false,
  target: { emulator: Emulator; caFile: string; providerArn: string; roleArn: string } = {
    emulator,
    caFile,
    providerArn,
    roleArn,
  },
): Promise<ChildResult> {
  const tokenFile = join(dir, `token-${Math.random().toString(36).slice(2)}`);
  writeFileSync(tokenFile, token);
  const input = {
    oidc: {
      roleArn: target.roleArn,
      oidcProviderArn: target.providerArn,
      oidcTokenFilePath: tokenFile,
      roleSessionName: "github-actions",
      stsEndpoint: target.emulator.httpsEndpoint,
    },
    ...(withRam
      ? {
          ram: {
            endpoint: target.emulator.endpoint,
            allowed: { roleName: ROLE },
            denied: { userName: "mallory" },
          },
        }
      : {}),
  };
  const { stdout } = await run(
    process.execPath,
    [join(__dirname, "credentials-child.cjs"), JSON.stringify(input)],
    {
      cwd: join(__dirname, "..", ".."),
      env: { ...process.env, NODE_EXTRA_CA_CERTS: target.caFile },
      timeout: 20_000,
    },
  );
  return JSON.parse(stdout.trim()) as ChildResult;
}

/** The Alibaba error code inside the provider's "get sts token failed with OIDC: <body>" error. */
function refusal(result: ChildResult): { Code: string; Message: string } {
  expect(result.credential).toBeUndefined();
  const m = /get sts token failed with OIDC: (\{.*\})$/s.exec(result.error ?? "");
  expect(m, result.error).not.toBeNull();
  return JSON.parse(m![1]!) as { Code: string; Message: string };
}

beforeAll(async () => {
  idp = await startTestIdp();
  emulator = await startEmulator({ https: true, trustedCertificates: [idp.rootCaPem] });
  dir = mkdtempSync(join(tmpdir(), "oidc-acceptance-"));
  caFile = join(dir, "emulator-ca.pem");
  writeFileSync(caFile, emulator.httpsCaPem!);
});
afterAll(async () => {
  await emulator.close();
  await idp.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await emulator.reset();
  const ims = new Ims(config(emulator));
  const ram = new Ram(config(emulator));
  const created = await ims.createOIDCProvider(
    new $Ims.CreateOIDCProviderRequest({
      OIDCProviderName: PROVIDER,
      issuerUrl: idp.issuer,
      clientIds: "sts.aliyuncs.com",
      fingerprints: idp.rootFingerprint,
      issuanceLimitTime: 1,
    }),
  );
  providerArn = created.body!.OIDCProvider!.arn!;
  const role = await ram.createRole(
    new $Ram.CreateRoleRequest({
      roleName: ROLE,
      assumeRolePolicyDocument: buildOidcTrustPolicy({
        providerArn,
        issuerUrl: idp.issuer,
        audiences: ["sts.aliyuncs.com"],
        subjects: { equals: [SUBJECT] },
      }),
    }),
  );
  roleArn = role.body!.role!.arn!;
  await ram.attachPolicyToRole(
    new $Ram.AttachPolicyToRoleRequest({
      policyType: "System",
      policyName: "AliyunRAMReadOnlyAccess",
      roleName: ROLE,
    }),
  );
});

describe("the official credentials client against the emulator", () => {
  test("gets credentials for the allowed subject; they sign an allowed call and are refused a disallowed one", async () => {
    const result = await credentialsClient(idp.mintToken({ sub: SUBJECT }), true);
    expect(result.error).toBeUndefined();
    expect(result.credential).toMatchObject({
      type: "oidc_role_arn",
      accessKeyId: expect.stringMatching(/^STS\./),
    });
    expect(result.allowed).toMatchObject({ status: 200 });
    expect((result.allowed?.body?.Role as { RoleName?: string } | undefined)?.RoleName).toBe(ROLE);
    expect(result.denied).toMatchObject({ status: 403, code: "NoPermission" });
    expect(result.denied?.data?.AccessDeniedDetail).toMatchObject({
      AuthAction: "ram:CreateUser",
      NoPermissionType: "ImplicitDeny",
    });
  });

  test("the minted credentials act as the role", async () => {
    const result = await credentialsClient(idp.mintToken({ sub: SUBJECT }));
    const [cred] = (
      (await emulator.state()) as { stsCredentials: Array<{ accessKeyId: string; principal: string }> }
    ).stsCredentials;
    expect(cred).toMatchObject({ accessKeyId: result.credential?.accessKeyId, principal: roleArn });
  });

  test("a fork (another owner) is refused with NoPermission and the evaluator's reason", async () => {
    const err = refusal(
      await credentialsClient(idp.mintToken({ sub: "repo:someone/app:ref:refs/heads/main" })),
    );
    expect(err.Code).toBe("NoPermission");
    expect(err.Message).toContain('oidc:sub "repo:someone/app:ref:refs/heads/main" does not match');
  });

  test("Deny + StringNotEqualsIgnoreCase on oidc:sub (a documented operator): another owner is explicitly denied, by STS and by evaluateTrust", async () => {
    const policy = JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: [providerArn] },
          Condition: {
            StringEquals: { "oidc:aud": "sts.aliyuncs.com" },
            StringLike: { "oidc:sub": "repo:*" },
          },
        },
        {
          Effect: "Deny",
          Action: "sts:AssumeRole",
          Principal: { Federated: [providerArn] },
          Condition: { StringNotEqualsIgnoreCase: { "oidc:sub": SUBJECT } },
        },
      ],
    });
    await new Ram(config(emulator)).updateRole(
      new $Ram.UpdateRoleRequest({ roleName: ROLE, newAssumeRolePolicyDocument: policy }),
    );
    const evil = "repo:evil/app:ref:refs/heads/main";
    const claims = (sub: string) => ({ iss: idp.issuer, aud: "sts.aliyuncs.com", sub });
    expect(evaluateTrust({ policy, providerArn, claims: claims(evil) })).toMatchObject({
      allowed: false,
      outcome: "explicitDeny",
    });
    const err = refusal(await credentialsClient(idp.mintToken({ sub: evil })));
    expect(err.Code).toBe("NoPermission");
    expect(err.Message).toContain("explicitly denies");
    // The same repository in another case is not excluded by the IgnoreCase operator.
    const acme = "repo:ACME/app:ref:refs/heads/main";
    expect(evaluateTrust({ policy, providerArn, claims: claims(acme) }).outcome).toBe("allowed");
    const ok = await credentialsClient(idp.mintToken({ sub: acme }));
    expect(ok.error).toBeUndefined();
    expect(ok.credential?.accessKeyId).toMatch(/^STS\./);
  });

  test("a pull request is refused with NoPermission", async () => {
    const err = refusal(await credentialsClient(idp.mintToken({ sub: "repo:acme/app:pull_request" })));
    expect(err.Code).toBe("NoPermission");
  });

  test("another branch is refused with NoPermission", async () => {
    const err = refusal(
      await credentialsClient(idp.mintToken({ sub: "repo:acme/app:ref:refs/heads/feature" })),
    );
    expect(err.Code).toBe("NoPermission");
  });

  test("a wrong audience is refused with AuthenticationFail.OIDCToken.AudienceNotMatch", async () => {
    const err = refusal(await credentialsClient(idp.mintToken({ sub: SUBJECT, aud: "api://other" })));
    expect(err.Code).toBe("AuthenticationFail.OIDCToken.AudienceNotMatch");
  });

  test("an expired token is refused with AuthenticationFail.OIDCToken.Expired", async () => {
    const err = refusal(
      await credentialsClient(idp.mintToken({ sub: SUBJECT, iatOffsetSeconds: -600, expiresInSeconds: 300 })),
    );
    expect(err.Code).toBe("AuthenticationFail.OIDCToken.Expired");
    expect(err.Message).toContain("This JsonWebToken is expired.");
  });

  test("a token issued longer ago than IssuanceLimitTime is refused (Expired, guess)", async () => {
    // The provider allows 1 hour; this token is still valid (exp in the future) but 2 hours old.
    const token = idp.mintToken({ sub: SUBJECT, iatOffsetSeconds: -7200, expiresInSeconds: 7500 });
    const err = refusal(await credentialsClient(token));
    expect(err.Code).toBe("AuthenticationFail.OIDCToken.Expired");
    expect(err.Message).toContain("IssuanceLimitTime of 1 hours");
  });

  test("a stale fingerprint (the IdP rotated its certificates) is refused with PublicKeyFingerprintMismatch", async () => {
    const rotating = await startTestIdp();
    const before = rotating.rootFingerprint;
    await rotating.rotateCertificates();
    expect(rotating.rootFingerprint).not.toBe(before);
    // A second emulator whose STS trusts the rotated root (or the TLS step would fail first) and
    // whose provider still holds the fingerprint taken before the rotation.
    const em = await startEmulator({ https: true, trustedCertificates: [rotating.rootCaPem] });
    try {
      const ims = new Ims(config(em));
      const ram = new Ram(config(em));
      const p = await ims.createOIDCProvider(
        new $Ims.CreateOIDCProviderRequest({
          OIDCProviderName: PROVIDER,
          issuerUrl: rotating.issuer,
          clientIds: "sts.aliyuncs.com",
          fingerprints: before,
        }),
      );
      const r = await ram.createRole(
        new $Ram.CreateRoleRequest({
          roleName: ROLE,
          assumeRolePolicyDocument: buildOidcTrustPolicy({
            providerArn: p.body!.OIDCProvider!.arn!,
            audiences: ["sts.aliyuncs.com"],
          }),
        }),
      );
      const ca = join(dir, "rotated-emulator-ca.pem");
      writeFileSync(ca, em.httpsCaPem!);
      const err = refusal(
        await credentialsClient(rotating.mintToken({ sub: SUBJECT }), false, {
          emulator: em,
          caFile: ca,
          providerArn: p.body!.OIDCProvider!.arn!,
          roleArn: r.body!.role!.arn!,
        }),
      );
      expect(err.Code).toBe("AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch");
      expect(err.Message).toContain(rotating.rootFingerprint);
    } finally {
      await em.close();
      await rotating.close();
    }
  });
});

describe("discoverOidcFingerprint against the test IdP", () => {
  test("an issuer that does not send its root (the default, like GitHub): the recommended set holds the root, and STS accepts a provider pinned only to it", async () => {
    const found = await discoverOidcFingerprint(idp.issuer, { ca: idp.rootCaPem, allowPrivateIssuer: true });
    expect(found.chainLength).toBe(2);
    expect(found.recommended).toEqual([idp.rootFingerprint, idp.intermediateFingerprint]);
    expect(found.recommended).not.toContain(idp.leafFingerprint);
    expect(found.fingerprint).toBe(idp.rootFingerprint);
    expect(found.jwksUri).toBe(`${idp.issuer}/jwks`);
    // The provider of beforeEach pins the root alone: the official client gets credentials.
    const result = await credentialsClient(idp.mintToken({ sub: SUBJECT }));
    expect(result.error).toBeUndefined();
    expect(result.credential?.accessKeyId).toMatch(/^STS\./);
  });

  test("an issuer that sends its root too: the same chain and recommendation", async () => {
    const full = await startTestIdp({ presentRoot: true });
    try {
      const found = await discoverOidcFingerprint(full.issuer, {
        ca: full.rootCaPem,
        allowPrivateIssuer: true,
      });
      expect(found.chainLength).toBe(3);
      expect(found.chain.map((c) => c.role)).toEqual(["leaf", "intermediate", "anchor"]);
      expect(found.chain.at(-1)).toMatchObject({ fingerprint: full.rootFingerprint, presented: true });
      expect(found.recommended).toEqual([full.rootFingerprint, full.intermediateFingerprint]);
    } finally {
      await full.close();
    }
  });
});
