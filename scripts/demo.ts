/**
 * `npm run demo`: the main example, end to end, through the real Pulumi
 * engine, against the embedded emulator. Never touches a real account: every
 * client is pointed at the emulator and given the emulator's own keys.
 *
 *   1. pulumi up                    the GitHub Actions OIDC provider, a deploy role, and the
 *                                   CLI's OAuth login for alice and bob
 *   2. the CLI's OAuth login        alice (assigned) gets STS credentials; mallory is refused
 *   3. out-of-band edits            someone changes the provider and unassigns bob in the "console"
 *   4. pulumi preview --refresh     shows exactly that drift, and the drift gate fails
 *   5. pulumi up --refresh          repairs it: bob can log in again
 *   6. shadow trust                 a second OIDC provider and a CLI login for mallory are made in the
 *                                   console; the gate names both; up removes mallory's login and fails
 *                                   reporting the provider; the trust report shows who can get in
 *   7. pulumi destroy               leaves the account as it was
 *
 * Exits non-zero if any step does not behave as announced.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../emulator";
import { cliOAuthLogin } from "../emulator/cliLogin";
import { engineEnv, ensurePulumi, REPO_ROOT } from "./engine";

const STEPS = 7;
const DEMO_DIR = path.join(REPO_ROOT, ".demo");
const STACK = "demo";
const FINGERPRINT = "6ecaae3f2a354f6a0749ce0e8e56c41260169e11";

function announce(n: number, text: string): void {
  console.log(`\n==> [${n}/${STEPS}] ${text}`);
}

function fail(text: string): never {
  console.error(`\nDEMO FAILED: ${text}`);
  process.exit(1);
}

/**
 * Runs the CLI without blocking: the emulator answering it lives in this
 * process. Output goes straight to the terminal, or is captured and echoed
 * when the step needs to inspect it.
 */
function pulumi(
  env: NodeJS.ProcessEnv,
  args: string[],
  opts: { capture?: boolean } = {},
): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--cwd", REPO_ROOT], {
      env,
      stdio: opts.capture ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      process.stdout.write(text);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, output }));
  });
}

/** Runs a command, echoing and capturing its output. */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      process.stdout.write(text);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, output }));
  });
}

type Provider = { OIDCProviderName: string; ClientIds: string; Description: string; Fingerprints: string };
async function providers(emulator: Emulator): Promise<Provider[]> {
  const body = (await emulator.console("ims", "ListOIDCProviders", {})) as {
    OIDCProviders?: { OIDCProvider?: Provider[] };
  };
  return body.OIDCProviders?.OIDCProvider ?? [];
}

async function roles(emulator: Emulator): Promise<unknown[]> {
  const state = (await emulator.state()) as { services?: { ram?: { roles?: unknown[] } } };
  return state.services?.ram?.roles ?? [];
}

type Assignment = { PrincipalName: string };
async function cliAssignments(emulator: Emulator, appId: string): Promise<string[]> {
  const body = (await emulator
    .console("ims", "ListApplicationAssignments", { AppId: appId })
    .catch(() => ({}))) as {
    ApplicationAssignments?: { ApplicationAssignment?: Assignment[] };
  };
  return (body.ApplicationAssignments?.ApplicationAssignment ?? [])
    .map((a) => a.PrincipalName.split("@")[0] ?? "")
    .sort();
}

/** official-cli's AppId on the China site, the example's default. */
const CLI_APP = "4038181954557748008";

async function main(): Promise<void> {
  console.log("Preparing the Pulumi engine (built from source on first use; later runs reuse it)...");
  const binDir = ensurePulumi();
  fs.rmSync(DEMO_DIR, { recursive: true, force: true });
  const emulator = await startEmulator({ port: 0, stateFile: path.join(DEMO_DIR, "emulator-state.json") });
  console.log(
    `Emulator of the Alibaba Cloud APIs listening on ${emulator.url} (account ${emulator.accountId}).`,
  );
  const env = engineEnv({
    binDir,
    stateDir: path.join(DEMO_DIR, "backend"),
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
  });
  const configFile = ["--config-file", path.join(DEMO_DIR, `Pulumi.${STACK}.yaml`)];
  try {
    if ((await pulumi(env, ["stack", "init", STACK])).status !== 0) fail("could not create the demo stack");
    await pulumi(env, ["config", "set", "--path", "fingerprints[0]", FINGERPRINT, ...configFile]);
    // The inventory removes undeclared CLI logins (providers and roles it only reports).
    await pulumi(env, ["config", "set", "inventoryMode", "enforce", ...configFile]);

    // The account already has its people: RAM users created long before this stack.
    for (const user of ["alice", "bob", "mallory"])
      await emulator.console("ram", "CreateUser", { UserName: user });
    const upn = (user: string) => `${user}@${emulator.accountId}.onaliyun.com`;

    announce(
      1,
      "pulumi up: the OIDC provider, a role only acme/app@main may assume, and CLI login for alice and bob",
    );
    if ((await pulumi(env, ["up", "--yes", "--skip-preview", ...configFile])).status !== 0)
      fail("pulumi up failed");
    const afterUp = await providers(emulator);
    if (afterUp.length !== 1 || afterUp[0]?.ClientIds !== "sts.aliyuncs.com")
      fail(`expected one provider with client id sts.aliyuncs.com, found ${JSON.stringify(afterUp)}`);
    if ((await roles(emulator)).length !== 1) fail("expected the deploy role to exist");
    if ((await cliAssignments(emulator, CLI_APP)).join() !== "alice,bob")
      fail("expected alice and bob assigned");

    announce(2, "the CLI's OAuth login (PKCE, token, exchange): alice is assigned, mallory is not");
    const alice = await cliOAuthLogin(emulator.url, CLI_APP, upn("alice"));
    if (!alice.ok) fail(`alice could not log in: ${alice.error}`);
    console.log(
      `    alice: STS credentials ${alice.accessKeyId.slice(0, 8)}..., valid until ${alice.expiration}`,
    );
    const mallory = await cliOAuthLogin(emulator.url, CLI_APP, upn("mallory"));
    if (mallory.ok) fail("mallory logged in without an assignment");
    console.log(`    mallory: refused (${mallory.error})`);

    announce(
      3,
      "out-of-band edits: someone adds a client ID to the provider and unassigns bob in the console",
    );
    await emulator.console("ims", "UpdateOIDCProvider", {
      OIDCProviderName: "github-actions",
      ClientIds: "sts.aliyuncs.com,console-added-audience",
      NewDescription: "changed by hand in the console",
    });
    await emulator.console("ims", "DeleteApplicationAssignment", {
      AppId: CLI_APP,
      PrincipalType: "user",
      PrincipalName: upn("bob"),
    });
    if ((await cliOAuthLogin(emulator.url, CLI_APP, upn("bob"))).ok) fail("bob could still log in");
    console.log("    the provider now accepts console-added-audience, and bob can no longer log in.");

    announce(
      4,
      "pulumi preview --refresh --expect-no-changes: the drift is shown, and the gate fails as it should",
    );
    const preview = await pulumi(
      env,
      ["preview", "--refresh", "--diff", "--expect-no-changes", ...configFile],
      {
        capture: true,
      },
    );
    if (preview.status === 0) fail("preview --refresh --expect-no-changes passed despite the drift");
    for (const expected of ["console-added-audience", "description", "cli-bob"])
      if (!preview.output.includes(expected)) fail(`the preview did not show the drift in ${expected}`);
    // Exactly what up will do: the provider updated, bob's assignment created. Not the role that
    // names the provider: its ARN stays known at preview, so the role is not touched.
    const updates = /(\d+) to update/.exec(preview.output)?.[1];
    if (updates !== "1")
      fail(
        `the drift plan should update exactly one resource (the provider), but it plans ${updates ?? "no"} update(s)`,
      );
    console.log("    the plan: 1 to update (the provider) and 1 to create (bob's assignment), nothing else.");

    announce(5, "pulumi up --refresh: repair the drift");
    if ((await pulumi(env, ["up", "--refresh", "--yes", "--skip-preview", ...configFile])).status !== 0)
      fail("pulumi up --refresh failed");
    const repaired = await providers(emulator);
    if (repaired[0]?.ClientIds !== "sts.aliyuncs.com" || repaired[0]?.Description.includes("by hand"))
      fail(`the drift was not repaired: ${JSON.stringify(repaired)}`);
    if (!(await cliOAuthLogin(emulator.url, CLI_APP, upn("bob"))).ok) fail("bob still cannot log in");
    console.log("    bob can log in again.");
    const clean = await pulumi(env, ["preview", "--refresh", "--expect-no-changes", ...configFile], {
      capture: true,
    });
    if (clean.status !== 0) fail("a preview after the repair still shows changes");
    console.log("    preview --refresh --expect-no-changes now passes: code and account agree.");

    announce(
      6,
      "shadow trust: a second OIDC provider and a CLI login for mallory are made in the console, outside the code",
    );
    await emulator.console("ims", "CreateOIDCProvider", {
      OIDCProviderName: "shadow-idp",
      IssuerUrl: "https://idp.attacker.example",
      ClientIds: "sts.aliyuncs.com",
      Fingerprints: "0123456789abcdef0123456789abcdef01234567",
      Description: "registered by hand in the console",
    });
    await emulator.console("ims", "CreateApplicationAssignment", {
      AppId: CLI_APP,
      PrincipalType: "user",
      PrincipalName: upn("mallory"),
    });
    if (!(await cliOAuthLogin(emulator.url, CLI_APP, upn("mallory"))).ok)
      fail("mallory's console login did not work");
    console.log("    mallory can now log in to the CLI, and tokens from idp.attacker.example can reach STS.");
    const shadowGate = await pulumi(env, ["preview", "--refresh", "--expect-no-changes", ...configFile], {
      capture: true,
    });
    if (shadowGate.status === 0) fail("the gate passed despite the shadow provider and login");
    for (const expected of [
      "oidc-provider 'shadow-idp'",
      "idp.attacker.example",
      `cli-assignment user '${upn("mallory")}'`,
    ])
      if (!shadowGate.output.includes(expected)) fail(`the gate did not name ${expected}`);
    console.log("    the gate fails and names both: the provider with its issuer, and mallory's login.");
    const enforced = await pulumi(env, ["up", "--refresh", "--yes", "--skip-preview", ...configFile], {
      capture: true,
    });
    if (enforced.status === 0) fail("up passed although an undeclared OIDC provider remains");
    if (!enforced.output.includes("undeclared, removed (enforced): cli-assignment user"))
      fail("up did not say it removed mallory's login");
    if (
      !enforced.output.includes("undeclared, reported (its kind is not enforced): oidc-provider 'shadow-idp'")
    )
      fail("up did not report the shadow provider");
    if ((await cliOAuthLogin(emulator.url, CLI_APP, upn("mallory"))).ok) fail("mallory can still log in");
    if (!(await providers(emulator)).some((p) => p.OIDCProviderName === "shadow-idp"))
      fail("up deleted the provider, which this example does not enforce");
    console.log(
      "    up removed mallory's login (enforced) and failed naming the provider (reported, not deleted).",
    );
    console.log("\n    npx alicloud-federation report: who can obtain credentials for which role, read-only");
    const report = await run(
      process.execPath,
      [
        path.join(REPO_ROOT, "dist", "provider", "cli.js"),
        "report",
        "--managed",
        "provider:github-actions,role:github-actions-deployer,user:alice,user:bob",
      ],
      env,
    );
    if (
      report.status !== 0 ||
      !report.output.includes("OIDC provider shadow-idp  [NOT managed by this stack]")
    )
      fail("the trust report did not show the shadow provider");
    await emulator.console("ims", "DeleteOIDCProvider", { OIDCProviderName: "shadow-idp" });
    const cleanAgain = await pulumi(env, ["preview", "--refresh", "--expect-no-changes", ...configFile], {
      capture: true,
    });
    if (cleanAgain.status !== 0) fail("the gate still fails after the shadow provider was deleted");
    console.log("    an administrator deletes the shadow provider: the gate passes again.");

    announce(7, "pulumi destroy: remove everything the stack created");
    if ((await pulumi(env, ["destroy", "--yes", "--skip-preview", ...configFile])).status !== 0)
      fail("pulumi destroy failed");
    const left = await providers(emulator);
    if (left.length !== 0) fail(`destroy left ${left.length} provider(s) behind`);
    if ((await roles(emulator)).length !== 0) fail("destroy left the role behind");
    const cliApp = await emulator
      .console("ims", "GetExternalApplication", { AppId: CLI_APP })
      .catch(() => undefined);
    if (cliApp !== undefined) fail("destroy left official-cli installed");
    const users = (await emulator.state()) as { services: { ram: { users: unknown[] } } };
    if (users.services.ram.users.length !== 3) fail("destroy touched the account's users");
    await pulumi(env, ["stack", "rm", STACK, "--yes"]);
    console.log("\nDemo complete: up, CLI login, drift, repair and destroy all behaved as announced.");
  } finally {
    await emulator.close();
  }
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
