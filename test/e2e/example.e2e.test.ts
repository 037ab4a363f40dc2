/**
 * The main example (examples/github-actions-oidc) under the real engine: the
 * provider, the deploy role, official-cli and the team's CLI assignments come
 * up; a second up changes nothing although RAM stored the trust policy
 * reshaped; an equivalent rewrite of the trust policy in the console is not
 * drift, a widened one is; an unassignment in the console is detected and
 * repaired; destroy removes exactly what the stack created.
 */
import * as path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { cliOAuthLogin } from "../../emulator/cliLogin";
import { REPO_ROOT } from "../../scripts/engine";
import { changeRecorder, type EngineHarness, outputSink, startEngine, writeCalls } from "./engine";

// Each engine run takes seconds, more on a busy machine; several run per test here.
vi.setConfig({ testTimeout: 180_000 });

const EXAMPLE = path.join(REPO_ROOT, "examples", "github-actions-oidc");
const CLI_APP = "4038181954557748008";
let h: EngineHarness;
const upn = (user: string) => `${user}@${h.emulator.accountId}.onaliyun.com`;

beforeAll(async () => {
  h = await startEngine({
    workDir: EXAMPLE,
    stackName: "e2e-example",
    config: { fingerprints: JSON.stringify(["6ecaae3f2a354f6a0749ce0e8e56c41260169e11"]) },
  });
  // The team's RAM users exist before the stack, as in a real account.
  for (const u of ["alice", "bob", "carol"]) await h.emulator.console("ram", "CreateUser", { UserName: u });
}, 600_000);
afterAll(async () => h?.close());

type Role = { AssumeRolePolicyDocument: string };
const liveRole = async () =>
  ((await h.emulator.console("ram", "GetRole", { RoleName: "github-actions-deployer" })) as { Role: Role })
    .Role;

it("ups the provider, a role only acme/app@main may assume, official-cli and the team's assignments", async () => {
  await h.emulator.clearRequests();
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toEqual({ create: 7 });
  expect((await writeCalls(h.emulator, "ims")).sort()).toEqual([
    "CreateApplicationAssignment",
    "CreateApplicationAssignment",
    "CreateOIDCProvider",
    "ProvisionExternalApplication",
  ]);
  expect((await cliOAuthLogin(h.emulator.url, CLI_APP, upn("alice"))).ok).toBe(true);
  expect(await cliOAuthLogin(h.emulator.url, CLI_APP, upn("carol"))).toEqual({
    ok: false,
    error: "access_denied",
  });
  expect(await writeCalls(h.emulator, "ram")).toEqual(["CreateRole", "AttachPolicyToRole"]);
  expect(res.outputs.roleArn?.value).toBe(`acs:ram::${h.emulator.accountId}:role/github-actions-deployer`);
  expect(res.outputs.trustedSubjects?.value).toEqual(["repo:acme/app:ref:refs/heads/main"]);
  const doc = JSON.parse((await liveRole()).AssumeRolePolicyDocument);
  expect(JSON.stringify(doc)).toContain(`acs:ram::${h.emulator.accountId}:oidc-provider/github-actions`);
});

it("shows no diff on a second up, although RAM stored the trust policy in another shape", async () => {
  const stored = (await liveRole()).AssumeRolePolicyDocument;
  const state = JSON.parse(h.stateFile()).checkpoint.latest.resources;
  const role = state.find((r: { type: string }) => r.type.endsWith(":OidcRole"));
  expect(stored).not.toBe(role.outputs.trustPolicy);
  await h.emulator.clearRequests();
  const res = await h.stack.up({ refresh: true });
  expect(res.summary.resourceChanges).toEqual({ same: 7 });
  expect(await writeCalls(h.emulator, "ram")).toEqual([]);
  expect(await writeCalls(h.emulator, "ims")).toEqual([]);
});

it("treats an equivalent rewrite in the console as no drift, and a widened trust as drift it repairs", async () => {
  const doc = JSON.parse((await liveRole()).AssumeRolePolicyDocument);
  const reshaped = JSON.stringify({ Statement: doc.Statement.reverse(), Version: doc.Version }, null, 4);
  await h.emulator.console("ram", "UpdateRole", {
    RoleName: "github-actions-deployer",
    NewAssumeRolePolicyDocument: reshaped,
  });
  const same = await h.stack.preview({ refresh: true, expectNoChanges: true });
  expect(same.changeSummary).toEqual({ same: 7 });

  const widened = JSON.parse(reshaped);
  for (const st of widened.Statement) {
    const eq = st.Condition.StringEquals ?? st.Condition.stringequals;
    eq["oidc:sub"] = ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:pull_request"];
  }
  await h.emulator.console("ram", "UpdateRole", {
    RoleName: "github-actions-deployer",
    NewAssumeRolePolicyDocument: JSON.stringify(widened),
  });
  const sink = outputSink();
  const plan = changeRecorder();
  const gate = await h.stack
    .preview({
      refresh: true,
      expectNoChanges: true,
      diff: true,
      onOutput: sink.onOutput,
      onEvent: plan.onEvent,
    })
    .then(
      () => "passed",
      () => "failed",
    );
  expect(gate).toBe("failed");
  expect(sink.lines.join("")).toContain("pull_request");
  await h.emulator.clearRequests();
  const run = changeRecorder();
  await h.stack.up({ refresh: true, onEvent: run.onEvent });
  expect(await writeCalls(h.emulator, "ram")).toEqual(["UpdateRole"]);
  // The plan was exactly the execution: the role, and nothing else.
  expect(plan.planned()).toEqual(["github-deployer:update"]);
  expect(run.executed()).toEqual(plan.planned());
  expect((await liveRole()).AssumeRolePolicyDocument).not.toContain("pull_request");
});

/** `preview --refresh` plans, then `up --refresh` runs; both read from the engine's events. */
async function planThenRun(): Promise<{ planned: string[]; executed: string[] }> {
  const plan = changeRecorder();
  await h.stack.preview({ refresh: true, onEvent: plan.onEvent });
  const run = changeRecorder();
  await h.stack.up({ refresh: true, onEvent: run.onEvent });
  return { planned: plan.planned(), executed: run.executed() };
}

it("a provider field edited in the console: preview plans the provider alone, and up updates exactly that", async () => {
  await h.emulator.console("ims", "UpdateOIDCProvider", {
    OIDCProviderName: "github-actions",
    NewDescription: "changed by hand in the console",
  });
  await h.emulator.clearRequests();
  // Not the role: its providerArn stays known at preview (carried through check).
  expect(await planThenRun()).toEqual({
    planned: ["github-actions:update"],
    executed: ["github-actions:update"],
  });
  expect(await writeCalls(h.emulator, "ims")).toEqual(["UpdateOIDCProvider"]);
  expect(await writeCalls(h.emulator, "ram")).toEqual([]);
});

it("a policy detached from the role in the console: the plan is the role alone, as is the execution", async () => {
  await h.emulator.console("ram", "DetachPolicyFromRole", {
    PolicyType: "System",
    PolicyName: "AliyunOSSReadOnlyAccess",
    RoleName: "github-actions-deployer",
  });
  await h.emulator.clearRequests();
  expect(await planThenRun()).toEqual({
    planned: ["github-deployer:update"],
    executed: ["github-deployer:update"],
  });
  expect(await writeCalls(h.emulator, "ram")).toEqual(["AttachPolicyToRole"]);
});

it("detects an unassignment in the console as drift, and up repairs it", async () => {
  await h.emulator.console("ims", "DeleteApplicationAssignment", {
    AppId: CLI_APP,
    PrincipalType: "user",
    PrincipalName: upn("bob"),
  });
  expect((await cliOAuthLogin(h.emulator.url, CLI_APP, upn("bob"))).ok).toBe(false);
  const sink = outputSink();
  const plan = changeRecorder();
  const gate = await h.stack
    .preview({ refresh: true, expectNoChanges: true, onOutput: sink.onOutput, onEvent: plan.onEvent })
    .then(
      () => "passed",
      () => "failed",
    );
  expect(gate).toBe("failed");
  expect(sink.lines.join("")).toContain("cli-bob");
  await h.emulator.clearRequests();
  const run = changeRecorder();
  const res = await h.stack.up({ refresh: true, onEvent: run.onEvent });
  expect(plan.planned()).toEqual(["cli-bob:create"]);
  expect(run.executed()).toEqual(plan.planned());
  expect(res.summary.resourceChanges).toMatchObject({ create: 1 });
  expect(await writeCalls(h.emulator, "ims")).toEqual(["CreateApplicationAssignment"]);
  expect((await cliOAuthLogin(h.emulator.url, CLI_APP, upn("bob"))).ok).toBe(true);
});

it("destroy removes exactly what the stack created", async () => {
  await h.emulator.clearRequests();
  await h.stack.destroy();
  expect(await writeCalls(h.emulator, "ram")).toEqual(["DetachPolicyFromRole", "DeleteRole"]);
  expect((await writeCalls(h.emulator, "ims")).sort()).toEqual([
    "DeleteApplicationAssignment",
    "DeleteApplicationAssignment",
    "DeleteOIDCProvider",
    "DeprovisionExternalApplication",
  ]);
  const state = (await h.emulator.state()) as {
    services: { ims: { oidcProviders: unknown[] }; ram: { roles: unknown[]; users: unknown[] } };
  };
  expect(state.services.ims.oidcProviders).toEqual([]);
  expect(state.services.ram.roles).toEqual([]);
  // The users were not the stack's: they stay.
  expect(state.services.ram.users).toHaveLength(3);
  const gone = await h.emulator
    .console("ims", "GetExternalApplication", { AppId: CLI_APP })
    .catch((e) => e.code);
  expect(gone).toBe("EntityNotExist.ExternalApplication");
});
