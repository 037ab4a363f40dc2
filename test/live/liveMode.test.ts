/**
 * Live mode itself, tested in CI by pointing it at the emulator: `npm run test:live` runs nothing
 * and exits 0 without ALICLOUD_FEDERATION_LIVE; refuses an account not in
 * ALICLOUD_FEDERATION_LIVE_ACCOUNT before any call that changes something; pointed at the
 * emulator it passes and leaves nothing with its prefix behind, and touches nothing else. The
 * sweeper deletes only prefixed objects older than the age, after a dry run that deletes nothing.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { cliTokens } from "../clients/helpers";
import { prefixTime } from "./account";
import { LIVE_SUITES } from "./suites";
import { sweep } from "./sweep";
import { parseAge } from "./sweepCli";
import type { Target } from "./target";

const ROOT = join(__dirname, "..", "..");
let emulator: Emulator;

/** The environment without any live-mode or credential variable of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(ALICLOUD_FEDERATION_|ALIBABA_CLOUD_)/.test(k)) env[k] = v;
  }
  return { ...env, NO_COLOR: "1", FORCE_COLOR: "0", ...extra };
}

/** Runs `npm run test:live`'s script; asynchronously, since the emulator answers from this process. */
function testLive(extra: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, "scripts", "live.cjs")],
      { cwd: ROOT, env: cleanEnv(extra), encoding: "utf8", timeout: 400_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ status, out: `${stdout}${stderr}` });
      },
    );
  });
}

const wired = (): Record<string, string> => ({
  ALICLOUD_FEDERATION_LIVE: "1",
  ALICLOUD_FEDERATION_LIVE_ACCOUNT: emulator.accountId,
  ALICLOUD_FEDERATION_ENDPOINT: emulator.url,
  ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.accessKeySecret,
  ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE: emulator.eiamInstanceId,
  ALICLOUD_FEDERATION_LIVE_OFFICIAL_CLI: "1",
});

const target = (): Target => ({
  endpoint: emulator.url,
  accessKeyId: emulator.accessKeyId,
  accessKeySecret: emulator.accessKeySecret,
  securityToken: undefined,
  allowedAccounts: [emulator.accountId],
  eiamInstanceId: emulator.eiamInstanceId,
  eiamRegion: "cn-hangzhou",
});

const TRUST = JSON.stringify({
  Version: "1",
  Statement: [
    { Effect: "Allow", Action: "sts:AssumeRole", Principal: { RAM: ["acs:ram::1234567890123456:root"] } },
  ],
});
const POLICY = JSON.stringify({
  Version: "1",
  Statement: [{ Effect: "Allow", Action: ["ram:GetRole"], Resource: "*" }],
});
const customPolicies = async (): Promise<string[]> =>
  (
    (await emulator.console("ram", "ListPolicies", { PolicyType: "Custom" })) as {
      Policies: { Policy: Array<{ PolicyName: string }> };
    }
  ).Policies.Policy.map((p) => p.PolicyName).sort();
const roles = async (): Promise<string[]> =>
  (
    (await emulator.console("ram", "ListRoles", {})) as { Roles: { Role: Array<{ RoleName: string }> } }
  ).Roles.Role.map((r) => r.RoleName).sort();

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator?.close());

describe("npm run test:live", () => {
  test("without ALICLOUD_FEDERATION_LIVE it runs nothing, says why, and exits 0", async () => {
    const run = await testLive({});
    expect(run.status).toBe(0);
    expect(run.out).toContain("test:live: nothing run. live mode is off: set ALICLOUD_FEDERATION_LIVE=1");
  });

  test("an account not named in ALICLOUD_FEDERATION_LIVE_ACCOUNT is refused before anything changes", async () => {
    await emulator.clearRequests();
    const run = await testLive({ ...wired(), ALICLOUD_FEDERATION_LIVE_ACCOUNT: "9999999999999999" });
    expect(run.status).not.toBe(0);
    expect(run.out).toContain(
      `live mode refuses account ${emulator.accountId}: it is not in ALICLOUD_FEDERATION_LIVE_ACCOUNT (9999999999999999)`,
    );
    expect((await emulator.requests()).map((r) => r.action)).toEqual(["GetCallerIdentity"]);
  });

  test("pointed at the emulator it passes, cleans up its prefix and touches nothing else", async () => {
    await emulator.reset();
    await emulator.console("ims", "ProvisionExternalApplication", {
      AppId: "4038181954557748008",
      Scopes: "openid;/internal/ram/usersts",
    });
    await emulator.console("ram", "CreateRole", { RoleName: "bystander", AssumeRolePolicyDocument: TRUST });
    await emulator.console("ram", "CreateRole", {
      RoleName: "aflive-200001010000-abcd-role",
      AssumeRolePolicyDocument: TRUST,
    });
    await emulator.console("ram", "CreatePolicy", {
      PolicyName: "aflive-200001010000-abcd-deploy",
      PolicyDocument: POLICY,
    });
    // The CLI's OAuth login as root (who always has access) gives the OAuth live test its token.
    const tokens = await cliTokens(emulator.url, "4038181954557748008", "root");
    const run = await testLive({
      ...wired(),
      ALICLOUD_FEDERATION_LIVE_OAUTH_URL: emulator.url,
      ALICLOUD_FEDERATION_LIVE_OAUTH_REFRESH_TOKEN: tokens.refresh_token,
      // The lifecycle suites, and one of the end-to-end files (each engine stack costs seconds;
      // test/e2e runs them all against an emulator of their own): a stack made through the
      // engine with stack-config credentials, named with the run's prefix, then destroyed.
      ALICLOUD_FEDERATION_LIVE_SUITES: LIVE_SUITES.filter(
        (f) => f.startsWith("test/provider/") || f === "test/e2e/stackConfig.e2e.test.ts",
      ).join(","),
    });
    expect(run.out).toMatch(/Tests\s+103 passed \| 25 skipped \(128\)/);
    expect(run.status).toBe(0);
    const prefix = /prefix (aflive-\d{12}-[0-9a-f]{4}-)/.exec(run.out)?.[1] ?? "";
    expect(prefixTime(prefix)).toBeInstanceOf(Date);
    // The run made and removed objects under its prefix; the others are untouched.
    const made = (await emulator.requests({ service: "ram", action: "CreateRole" })).length;
    expect(made).toBeGreaterThan(1);
    expect(await roles()).toEqual(["aflive-200001010000-abcd-role", "bystander"]);
    expect(await customPolicies()).toEqual(["aflive-200001010000-abcd-deploy"]);
    const state = JSON.stringify(await emulator.state());
    expect(state).not.toContain(prefix);
    // The end-to-end files ran through the engine against this emulator, with the run's names.
    const providers = (await emulator.requests({ service: "ims", action: "CreateOIDCProvider" })).map(
      (r) => r.params.OIDCProviderName ?? "",
    );
    expect(providers).toContain(`${prefix}from-config`);
  }, 420_000);
});

describe("npm run sweep:live", () => {
  test("deletes only prefixed objects older than the age, after a dry run that deletes nothing", async () => {
    await emulator.reset();
    const now = new Date("2026-12-05T12:00:00Z");
    for (const name of ["bystander", "aflive-202612040000-abcd-role", "aflive-202612051130-beef-role"]) {
      await emulator.console("ram", "CreateRole", { RoleName: name, AssumeRolePolicyDocument: TRUST });
    }
    for (const name of ["aflive-202612040000-abcd-deploy", "aflive-202612051130-beef-deploy"]) {
      await emulator.console("ram", "CreatePolicy", { PolicyName: name, PolicyDocument: POLICY });
    }
    // An old policy with a second version, attached to the old role: detached and deleted whole.
    await emulator.console("ram", "CreatePolicyVersion", {
      PolicyName: "aflive-202612040000-abcd-deploy",
      PolicyDocument: POLICY,
      SetAsDefault: "true",
    });
    await emulator.console("ram", "AttachPolicyToRole", {
      RoleName: "aflive-202612040000-abcd-role",
      PolicyType: "Custom",
      PolicyName: "aflive-202612040000-abcd-deploy",
    });
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: "aflive-202612040000-abcd-gh",
      IssuerUrl: "https://issuer.example.com",
      Fingerprints: "a".repeat(40),
    });
    const dry = await sweep(target(), { olderThanMs: parseAge("24h"), dryRun: true, now });
    expect(dry.candidates.map((c) => `${c.kind} ${c.name}`).sort()).toEqual([
      "OIDC provider aflive-202612040000-abcd-gh",
      "RAM policy aflive-202612040000-abcd-deploy",
      "RAM role aflive-202612040000-abcd-role",
    ]);
    expect(dry.deleted).toEqual([]);
    expect(await roles()).toHaveLength(3);
    const done = await sweep(target(), { olderThanMs: parseAge("24h"), dryRun: false, now });
    expect(done.failed).toEqual([]);
    expect(done.deleted).toHaveLength(3);
    expect(await roles()).toEqual(["aflive-202612051130-beef-role", "bystander"]);
    expect(await customPolicies()).toEqual(["aflive-202612051130-beef-deploy"]);
    expect(() => parseAge("24")).toThrow("--older-than: '24' is not an age such as 30m, 24h or 7d");
  });

  test("finds prefixed objects past the first page of a list", async () => {
    // ListOIDCProviders pages at 100: 101 leftovers (past the real quota of 100, an emulator limit).
    const many = await startEmulator({ limits: { oidc: { maxProvidersPerAccount: 200 } } });
    try {
      for (let i = 0; i < 101; i++) {
        await many.console("ims", "CreateOIDCProvider", {
          OIDCProviderName: `aflive-202612040000-abcd-gh${String(i).padStart(3, "0")}`,
          IssuerUrl: `https://issuer.example.com/${i}`,
          Fingerprints: "a".repeat(40),
        });
      }
      const t: Target = {
        ...target(),
        endpoint: many.url,
        accessKeyId: many.accessKeyId,
        accessKeySecret: many.accessKeySecret,
        allowedAccounts: [many.accountId],
        eiamInstanceId: many.eiamInstanceId,
      };
      const done = await sweep(t, { olderThanMs: 0, dryRun: false });
      expect(done.failed).toEqual([]);
      expect(done.deleted).toHaveLength(101);
      const left = (await many.console("ims", "ListOIDCProviders", {})) as {
        OIDCProviders: { OIDCProvider: unknown[] };
      };
      expect(left.OIDCProviders.OIDCProvider).toEqual([]);
    } finally {
      await many.close();
    }
  });
});
