/**
 * `npm run demo`: the main example, end to end, through the real Pulumi
 * engine, against the embedded emulator. Never touches a real account: every
 * client is pointed at the emulator and given the emulator's own keys.
 *
 *   1. pulumi up                    creates the GitHub Actions OIDC provider and a deploy role
 *   2. out-of-band edit             someone changes it in the "console"
 *   3. pulumi preview --refresh     shows exactly that drift
 *   4. pulumi up --refresh          repairs it
 *   5. pulumi destroy               leaves the account empty
 *
 * Exits non-zero if any step does not behave as announced.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../emulator";
import { engineEnv, ensurePulumi, REPO_ROOT } from "./engine";

const STEPS = 5;
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

    announce(
      1,
      "pulumi up: create the GitHub Actions OIDC provider and a role only acme/app@main may assume",
    );
    if ((await pulumi(env, ["up", "--yes", "--skip-preview", ...configFile])).status !== 0)
      fail("pulumi up failed");
    const afterUp = await providers(emulator);
    if (afterUp.length !== 1 || afterUp[0]?.ClientIds !== "sts.aliyuncs.com")
      fail(`expected one provider with client id sts.aliyuncs.com, found ${JSON.stringify(afterUp)}`);
    if ((await roles(emulator)).length !== 1) fail("expected the deploy role to exist");

    announce(2, "out-of-band edit: someone adds a client ID and rewrites the description in the console");
    await emulator.console("ims", "UpdateOIDCProvider", {
      OIDCProviderName: "github-actions",
      ClientIds: "sts.aliyuncs.com,console-added-audience",
      NewDescription: "changed by hand in the console",
    });
    console.log(
      "    ClientIds is now sts.aliyuncs.com,console-added-audience; the description was rewritten.",
    );

    announce(
      3,
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
    if (!preview.output.includes("console-added-audience") || !preview.output.includes("description"))
      fail("the preview did not name the drifted client ID and description");

    announce(4, "pulumi up --refresh: repair the drift");
    if ((await pulumi(env, ["up", "--refresh", "--yes", "--skip-preview", ...configFile])).status !== 0)
      fail("pulumi up --refresh failed");
    const repaired = await providers(emulator);
    if (repaired[0]?.ClientIds !== "sts.aliyuncs.com" || repaired[0]?.Description.includes("by hand"))
      fail(`the drift was not repaired: ${JSON.stringify(repaired)}`);
    const clean = await pulumi(env, ["preview", "--refresh", "--expect-no-changes", ...configFile], {
      capture: true,
    });
    if (clean.status !== 0) fail("a preview after the repair still shows changes");
    console.log("    preview --refresh --expect-no-changes now passes: code and account agree.");

    announce(5, "pulumi destroy: remove everything the stack created");
    if ((await pulumi(env, ["destroy", "--yes", "--skip-preview", ...configFile])).status !== 0)
      fail("pulumi destroy failed");
    const left = await providers(emulator);
    if (left.length !== 0) fail(`destroy left ${left.length} provider(s) behind`);
    if ((await roles(emulator)).length !== 0) fail("destroy left the role behind");
    await pulumi(env, ["stack", "rm", STACK, "--yes"]);
    console.log("\nDemo complete: up, drift, repair and destroy all behaved as announced.");
  } finally {
    await emulator.close();
  }
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
