/**
 * The official credentials libraries get credentials from the emulator, each the way a user runs
 * it: the Python `alibabacloud-credentials` OIDC role provider, OAuth provider and the CLI's OAuth
 * profile (which only knows https://oauth.aliyun.com: the driver resolves that name to the
 * emulator's HTTPS listener, as an /etc/hosts line and a port forward would, and TLS verifies the
 * name against the emulator's test CA), the Go
 * `github.com/aliyun/credentials-go` OIDC and OAuth providers, and the Node `@alicloud/credentials`
 * OAuth provider (its OIDC provider has test/sts/credentials-client.test.ts). The credentials they
 * get must be the emulator's, for the right principal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ims, * as $Ims from "@alicloud/ims20190815";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator, startTestIdp, type TestIdp } from "../../emulator";
import { IMS_APP } from "../../provider/limits";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { cliTokens, goCredentials, PythonDriver } from "./helpers";

const CLI = IMS_APP.officialCliAppId.cn;
const SUBJECT = "repo:acme/app:ref:refs/heads/main";
let emulator: Emulator;
let idp: TestIdp;
let dir: string;
let caFile: string;
let providerArn: string;
let roleArn: string;
let python: PythonDriver;

const config = (e: Emulator) =>
  new $OpenApiUtil.Config({
    accessKeyId: e.accessKeyId,
    accessKeySecret: e.accessKeySecret,
    endpoint: e.endpoint,
    protocol: "http",
  });

/** Who the emulator issued an STS key to. */
async function principalOf(accessKeyId: string | undefined): Promise<string | undefined> {
  const state = (await emulator.state()) as {
    stsCredentials: Array<{ accessKeyId: string; principal: string }>;
  };
  return state.stsCredentials.find((c) => c.accessKeyId === accessKeyId)?.principal;
}

function tokenFile(): string {
  const file = join(dir, `token-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, idp.mintToken({ sub: SUBJECT }));
  return file;
}

beforeAll(async () => {
  idp = await startTestIdp();
  emulator = await startEmulator({
    https: true,
    trustedCertificates: [idp.rootCaPem],
    allowedHosts: ["oauth.aliyun.com"],
  });
  dir = mkdtempSync(join(tmpdir(), "official-credentials-"));
  caFile = join(dir, "emulator-ca.pem");
  writeFileSync(caFile, emulator.httpsCaPem ?? "");
  // The Tea runtime verifies with its own context, which reads the system default paths: SSL_CERT_FILE.
  python = new PythonDriver({ SSL_CERT_FILE: caFile });

  const ims = new Ims(config(emulator));
  const ram = new Ram(config(emulator));
  providerArn = (
    await ims.createOIDCProvider(
      new $Ims.CreateOIDCProviderRequest({
        OIDCProviderName: "github",
        issuerUrl: idp.issuer,
        clientIds: "sts.aliyuncs.com",
        fingerprints: idp.rootFingerprint,
        issuanceLimitTime: 1,
      }),
    )
  ).body?.OIDCProvider?.arn as string;
  roleArn = (
    await ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: "ci-deployer",
        assumeRolePolicyDocument: buildOidcTrustPolicy({
          providerArn,
          issuerUrl: idp.issuer,
          audiences: ["sts.aliyuncs.com"],
          subjects: { equals: [SUBJECT] },
        }),
      }),
    )
  ).body?.role?.arn as string;
  await ims.provisionExternalApplication(
    new $Ims.ProvisionExternalApplicationRequest({ appId: CLI, scopes: "openid;/internal/ram/usersts" }),
  );
  await emulator.console("ram", "CreateUser", { UserName: "alice" });
  await emulator.console("ims", "CreateApplicationAssignment", {
    AppId: CLI,
    PrincipalType: "user",
    PrincipalName: `alice@${emulator.accountId}.onaliyun.com`,
  });
  expect(await python.configure(emulator)).toMatchObject({ ok: true });
  expect(
    await python.request({ op: "resolve", host: "oauth.aliyun.com", port: 443, to: emulator.httpsEndpoint }),
  ).toMatchObject({ ok: true });
});

afterAll(async () => {
  await python?.close();
  await emulator?.close();
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

const alice = () => `acs:ram::${emulator.accountId}:user/alice`;

describe("Python alibabacloud-credentials", () => {
  test("OIDC role provider: the role's STS credentials, which STS GetCallerIdentity accepts", async () => {
    const got = await python.request({
      op: "oidc",
      roleArn,
      oidcProviderArn: providerArn,
      oidcTokenFile: tokenFile(),
      roleSessionName: "python-ci",
      stsEndpoint: emulator.httpsEndpoint,
    });
    expect(got.error).toBeUndefined();
    expect(got).toMatchObject({ ok: true, hasSecret: true, hasToken: true, providerName: "oidc_role_arn" });
    expect(await principalOf(got.accessKeyId)).toBe(roleArn);
    expect(got.callerIdentity).toMatchObject({ AccountId: emulator.accountId });
  });

  test("OAuth provider (Host without port): refresh, then exchange; the user's credentials", async () => {
    const tokens = await cliTokens(emulator.url, CLI, `alice@${emulator.accountId}.onaliyun.com`);
    const got = await python.request({
      op: "oauth",
      signInUrl: emulator.url,
      clientId: CLI,
      refreshToken: tokens.refresh_token,
    });
    expect(got.error).toBeUndefined();
    expect(got).toMatchObject({ ok: true, hasSecret: true, hasToken: true, providerName: "oauth" });
    expect(await principalOf(got.accessKeyId)).toBe(alice());
    expect(got.callerIdentity).toMatchObject({ AccountId: emulator.accountId });
    // The old refresh token was rotated by the refresh: using it again is refused.
    const again = await python.request({
      op: "oauth",
      signInUrl: emulator.url,
      clientId: CLI,
      refreshToken: tokens.refresh_token,
    });
    expect(again.ok).toBe(false);
    expect(again.error).toContain("failed to refresh OAuth token");
  });

  test("the CLI's OAuth profile: refreshes at oauth.aliyun.com (here, the emulator) and writes the new tokens back", async () => {
    const tokens = await cliTokens(emulator.url, CLI, `alice@${emulator.accountId}.onaliyun.com`);
    const profileFile = join(dir, "config.json");
    writeFileSync(
      profileFile,
      JSON.stringify({
        current: "default",
        profiles: [
          {
            name: "default",
            mode: "OAuth",
            oauth_site_type: "CN",
            oauth_refresh_token: tokens.refresh_token,
            oauth_access_token: "",
            oauth_access_token_expire: 0,
            region_id: "cn-hangzhou",
          },
        ],
      }),
    );
    const got = await python.request({ op: "cliProfile", profileFile, profileName: "default" });
    expect(got.error).toBeUndefined();
    expect(await principalOf(got.accessKeyId)).toBe(alice());
    const calls = await emulator.requests({ service: "oauth" });
    expect(calls.map((c) => c.action)).toEqual(expect.arrayContaining(["Token", "Exchange"]));
    const written = JSON.parse(readFileSync(profileFile, "utf8")) as {
      profiles: Array<Record<string, unknown>>;
    };
    expect(written.profiles[0]?.oauth_refresh_token).toEqual(expect.any(String));
    expect(written.profiles[0]?.oauth_refresh_token).not.toBe(tokens.refresh_token);
    expect(written.profiles[0]?.access_key_id).toBe(got.accessKeyId);
  });
});

describe("Go github.com/aliyun/credentials-go and Node @alicloud/credentials", () => {
  test("Go OIDC role provider and OAuth provider get the emulator's credentials", async () => {
    const tokens = await cliTokens(emulator.url, CLI, `alice@${emulator.accountId}.onaliyun.com`);
    const [oidc, oauth] = await Promise.all([
      goCredentials(
        {
          mode: "oidc",
          roleArn,
          oidcProviderArn: providerArn,
          oidcTokenFile: tokenFile(),
          roleSessionName: "go-ci",
          stsEndpoint: emulator.httpsEndpoint ?? "",
        },
        { SSL_CERT_FILE: caFile },
      ),
      goCredentials({
        mode: "oauth",
        signInUrl: emulator.url,
        clientId: CLI,
        refreshToken: tokens.refresh_token,
      }),
    ]);
    expect(oidc).toMatchObject({ ok: true, hasSecret: true, hasToken: true });
    expect(await principalOf(oidc.accessKeyId)).toBe(roleArn);
    expect(oauth).toMatchObject({ ok: true, hasSecret: true, hasToken: true });
    expect(await principalOf(oauth.accessKeyId)).toBe(alice());
  });

  test("Node OAuth provider gets the user's credentials", async () => {
    const tokens = await cliTokens(emulator.url, CLI, `alice@${emulator.accountId}.onaliyun.com`);
    const { default: OAuthCredentialsProvider } = (await import(
      "@alicloud/credentials/dist/src/providers/oauth"
    )) as typeof import("@alicloud/credentials/dist/src/providers/oauth");
    const provider = OAuthCredentialsProvider.builder()
      .withClientId(CLI)
      .withSignInUrl(emulator.url)
      .withRefreshToken(tokens.refresh_token)
      .build();
    const creds = await provider.getCredentials();
    expect(await principalOf(creds.accessKeyId)).toBe(alice());
  });
});
