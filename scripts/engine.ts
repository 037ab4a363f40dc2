/**
 * Finds (building it if needed) the Pulumi CLI we run in the demo and the
 * end-to-end tests, and the environment that keeps it offline and local.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

export const PULUMI_VERSION = "3.259.0";
/** The repository root, whether this file runs from source or from dist/. */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, "utf8")).name === "alicloud-federation")
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no alicloud-federation package.json above ${start}`);
  }
}

/**
 * Runs scripts/build-pulumi.sh (a no-op when the binaries exist) and returns
 * the folder holding `pulumi`, `pulumi-language-nodejs` and our
 * `pulumi-resource-pulumi-nodejs` shim. Its progress goes to our stderr.
 */
export function ensurePulumi(): string {
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "build-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const binDir = out.trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(binDir, "pulumi"))) {
    throw new Error(`build-pulumi.sh did not produce a pulumi binary (got '${binDir}')`);
  }
  return binDir;
}

/**
 * The environment for the engine: a file backend in `stateDir`, no update
 * checks, no plugin downloads, TypeScript transpiled without a second
 * type-check (CI type-checks the examples once), and every client of ours
 * pointed at `endpoint` with the given credentials.
 */
export function engineEnv(opts: {
  binDir: string;
  stateDir: string;
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  passphrase?: string;
}): NodeJS.ProcessEnv {
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${opts.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${path.resolve(opts.stateDir)}`,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? "local-demo-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
  if (opts.endpoint) env.ALICLOUD_FEDERATION_ENDPOINT = opts.endpoint;
  // Local runs: the test IdPs listen on loopback, which fingerprint discovery refuses without this.
  env.ALICLOUD_FEDERATION_ALLOW_PRIVATE_ISSUER = "true";
  if (opts.accessKeyId) env.ALIBABA_CLOUD_ACCESS_KEY_ID = opts.accessKeyId;
  if (opts.accessKeySecret) env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = opts.accessKeySecret;
  // Explicit keys replace whatever account the caller's shell is logged in to.
  if (opts.accessKeyId) delete env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return env;
}

/**
 * A stack of the program in `workDir`, driven through the Automation API with
 * the CLI in `binDir` and exactly `env` (unset variables dropped).
 */
export async function localStack(opts: {
  binDir: string;
  workDir: string;
  stackName: string;
  env: NodeJS.ProcessEnv;
}): Promise<{ stack: Stack; envVars: Record<string, string> }> {
  const envVars = Object.fromEntries(
    Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(opts.binDir) });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName, workDir: opts.workDir },
    { envVars, pulumiCommand },
  );
  return { stack, envVars };
}

/** The commands the benches time, with the flags a user's CI passes. */
export const CLI = {
  up: ["up", "--yes", "--skip-preview"],
  preview: ["preview", "--expect-no-changes"],
  driftGate: ["preview", "--refresh", "--expect-no-changes"],
  refresh: ["refresh", "--yes", "--skip-preview"],
  destroy: ["destroy", "--yes", "--skip-preview"],
} as const;

/**
 * Runs `pulumi <args>` on `stack` the way a user's CI does: the CLI alone, in the program's
 * folder, with the workspace's environment. The benches time commands this way, not through the
 * Automation API, which adds work of its own to each: an event log it writes and tails for every
 * preview, and a `pulumi stack output` and a `pulumi stack history` after every `up` (at 10,000
 * people about a second, none of which a user's `pulumi up` pays). Rejects with the end of the
 * CLI's output when it fails.
 */
export async function runCli(
  stack: Stack,
  binDir: string,
  args: readonly string[],
  parallel: number,
): Promise<void> {
  const full = [...args, "--stack", stack.name, "--parallel", String(parallel), "--non-interactive"];
  const timeoutMs = commandTimeoutMs();
  await new Promise<void>((resolve, reject) => {
    execFile(
      path.join(binDir, "pulumi"),
      full,
      {
        cwd: stack.workspace.workDir,
        env: { ...process.env, ...stack.workspace.envVars },
        maxBuffer: 64 * 1024 * 1024,
        // A command that hangs (an engine waiting on a dead provider) ends the bench with an
        // error instead of holding the machine. SIGTERM asks the engine to cancel; its lock may
        // outlive the command for a moment, so the rows after a stopped one may fail on it too.
        timeout: timeoutMs,
        killSignal: "SIGTERM",
      },
      (err, stdout, stderr) => {
        if (!err) return resolve();
        const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-6).join("\n");
        if (err.killed)
          return reject(
            new Error(
              `pulumi ${args.join(" ")} did not finish within ${timeoutMs / 1000} s (BENCH_COMMAND_TIMEOUT_S) and was stopped: ${tail}`,
            ),
          );
        reject(new Error(`pulumi ${args.join(" ")} failed: ${tail}`));
      },
    );
  });
}

/** How long one engine command of a bench may run: `BENCH_COMMAND_TIMEOUT_S`, default 900 s. */
function commandTimeoutMs(): number {
  const raw = process.env.BENCH_COMMAND_TIMEOUT_S;
  const s = raw === undefined || raw === "" ? 900 : Number(raw);
  if (!Number.isFinite(s) || s <= 0)
    throw new Error(`BENCH_COMMAND_TIMEOUT_S: '${raw}' is not a positive number of seconds`);
  return Math.round(s * 1000);
}
