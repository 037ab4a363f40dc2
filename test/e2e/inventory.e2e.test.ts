/**
 * FederationInventory under the real engine: an account holding only the
 * declared objects passes the drift gate; a shadow OIDC provider, a shadow
 * role trusting it and a shadow CLI login are each named in
 * `preview --refresh` and fail `--expect-no-changes`; report mode fails `up`
 * and changes nothing; enforce mode removes the login and reports the rest
 * (removing providers and roles when enforced is covered in
 * test/provider/inventory.lifecycle.test.ts).
 */
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLI_APP_CN } from "../../scripts/fixtures";
import { type EngineHarness, outputSink, startEngine } from "./engine";

const PROGRAM = path.join(__dirname, "programs", "inventory");
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngine({ workDir: PROGRAM, stackName: "e2e-inventory", config: { mode: "report" } });
  for (const u of ["alice", "mallory"]) await h.emulator.console("ram", "CreateUser", { UserName: u });
}, 600_000);
afterAll(async () => h?.close());

async function writes(): Promise<string[]> {
  return (await h.emulator.requests())
    .map((r) => r.action)
    .filter((a) => !a.startsWith("Get") && !a.startsWith("List"));
}

async function gate(): Promise<{ passed: boolean; output: string }> {
  const sink = outputSink();
  const passed = await h.stack
    .preview({ refresh: true, expectNoChanges: true, onOutput: sink.onOutput })
    .then(
      () => true,
      () => false,
    );
  return { passed, output: sink.lines.join("") };
}

async function up(): Promise<{ ok: boolean; output: string }> {
  const sink = outputSink();
  const ok = await h.stack.up({ refresh: true, onOutput: sink.onOutput }).then(
    () => true,
    (e: Error) => {
      sink.lines.push(e.message);
      return false;
    },
  );
  return { ok, output: sink.lines.join("") };
}

it("an account holding only the declared objects passes the gate", async () => {
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toEqual({ create: 6 });
  expect(res.outputs.unmanaged?.value).toEqual([]);
  expect((await gate()).passed).toBe(true);
});

it("names a shadow provider, a role trusting it and a CLI login in preview --refresh, and fails the gate", async () => {
  const acct = h.emulator.accountId;
  await h.emulator.console("ims", "CreateOIDCProvider", {
    OIDCProviderName: "shadow-idp",
    IssuerUrl: "https://evil.example.com",
    ClientIds: "sts.aliyuncs.com",
    Fingerprints: "b".repeat(40),
  });
  await h.emulator.console("ram", "CreateRole", {
    RoleName: "shadow-role",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: [`acs:ram::${acct}:oidc-provider/shadow-idp`] },
          Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com" } },
        },
      ],
    }),
  });
  await h.emulator.console("ims", "CreateApplicationAssignment", {
    AppId: CLI_APP_CN,
    PrincipalType: "user",
    PrincipalName: `mallory@${acct}.onaliyun.com`,
  });
  const res = await gate();
  expect(res.passed).toBe(false);
  expect(res.output).toContain("oidc-provider 'shadow-idp': issuer https://evil.example.com");
  expect(res.output).toContain(
    `[ADMITS ANY SUBJECT] role 'shadow-role' trusts acs:ram::${acct}:oidc-provider/shadow-idp: any issuer, audience 'sts.aliyuncs.com', ANY subject`,
  );
  expect(res.output).toContain(`cli-assignment user 'mallory@${acct}.onaliyun.com'`);
  expect(res.output).toMatch(/FederationInventory federation update \[diff: ~unmanaged\]/);
});

it("report mode: up fails with the list and changes nothing", async () => {
  await h.emulator.clearRequests();
  const res = await up();
  expect(res.ok).toBe(false);
  expect(res.output).toMatch(
    /3 undeclared federation object\(s\) in the account \(mode 'report': nothing was changed\)/,
  );
  expect(await writes()).toEqual([]);
});

it("enforce mode: up removes the CLI login and fails reporting the provider and role", async () => {
  await h.stack.setConfig("mode", { value: "enforce" });
  await h.emulator.clearRequests();
  const res = await up();
  expect(res.ok).toBe(false);
  expect(await writes()).toEqual(["DeleteApplicationAssignment"]);
  expect(res.output).toContain("undeclared, removed (enforced): cli-assignment user 'mallory@");
  expect(res.output).toContain("undeclared, reported (its kind is not enforced): oidc-provider 'shadow-idp'");
  const gateAfter = await gate();
  expect(gateAfter.passed).toBe(false);
  expect(gateAfter.output).not.toContain("mallory@");
});
