/**
 * The package as users get it: `npm pack`, then a fresh Pulumi TypeScript project outside the
 * repository installs the tarball, type-checks its program with the tsconfig Pulumi's templates
 * generate (`strict`, no `skipLibCheck`, no `esModuleInterop`), and runs the main example's
 * resources through the real engine against the emulator: up, preview --refresh, destroy.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { engineEnv, ensurePulumi, localStack, REPO_ROOT } from "../../scripts/engine";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8"));
/** The versions this repository pins, so the project installs from the npm cache. */
const pinned = (name: string): string => lock.packages[`node_modules/${name}`].version;

/** Pulumi's `typescript` template tsconfig, as `pulumi new typescript` writes it. */
const PULUMI_TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

/** A user's own test helper file: the emulator and testing entry points must type-check too. */
const USER_TEST_FILE = `import { startEmulator } from "alicloud-federation/emulator";
import { type AssumeRoleVerdict, startTrustTestbed } from "alicloud-federation/testing";

export async function mainMayDeploy(roleArn: string, oidcProviderArn: string): Promise<AssumeRoleVerdict> {
  const bed = await startTrustTestbed();
  const token = bed.githubActions.token({ repository: "acme/app", branch: "main" });
  const verdict = await bed.canAssume({ roleArn, oidcProviderArn, token });
  await bed.close();
  return verdict;
}
export const emulator = startEmulator;
`;

let project: string;
let tarball: string;
let emulator: Emulator | undefined;
let stack: Stack | undefined;
let stateDir: string | undefined;

/** Runs a command without blocking the test worker; rejects with its output when it fails. */
async function run(cmd: string, args: string[], cwd = project): Promise<string> {
  try {
    return (await promisify(execFile)(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? err.message}`);
  }
}

beforeAll(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "af-consumer-"));
  expect(path.relative(REPO_ROOT, project).startsWith("..")).toBe(true);
  // Built by `npm test`'s pretest: the tarball holds exactly what `npm publish` would.
  const packed = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", project], REPO_ROOT));
  tarball = path.join(project, packed[0].filename);
  fs.writeFileSync(
    path.join(project, "Pulumi.yaml"),
    "name: consumer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\ndescription: a user's project\n",
  );
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify(
      {
        name: "consumer",
        main: "index.ts",
        devDependencies: { "@types/node": pinned("@types/node"), typescript: pinned("typescript") },
        dependencies: {
          "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"],
          "alicloud-federation": `file:./${path.basename(tarball)}`,
        },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(PULUMI_TEMPLATE_TSCONFIG, null, 4));
  fs.copyFileSync(
    path.join(REPO_ROOT, "examples", "github-actions-oidc", "index.ts"),
    path.join(project, "index.ts"),
  );
  fs.writeFileSync(path.join(project, "helpers.ts"), USER_TEST_FILE);
  fs.writeFileSync(
    path.join(project, "tsconfig.helpers.json"),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, files: ["helpers.ts"] }),
  );
  // From the npm cache when it has the versions (the registry is reachable for the rest).
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
}, 600_000);

afterAll(async () => {
  if (stack) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
  await emulator?.close();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

it("installs the tarball, not the repository: a package with its license and no tooling", () => {
  const installed = path.join(project, "node_modules", "alicloud-federation");
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, "LICENSE"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "index.d.ts"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "scripts"))).toBe(false);
  expect(fs.existsSync(path.join(installed, "test"))).toBe(false);
});

it("type-checks the program and a test helper with Pulumi's template tsconfig (strict, no skipLibCheck)", async () => {
  const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
  // Each rejects with tsc's diagnostics when anything fails to check, in our types or theirs.
  await Promise.all([
    run(process.execPath, [tsc, "-p", "tsconfig.json"]),
    run(process.execPath, [tsc, "-p", "tsconfig.helpers.json"]),
  ]);
  expect(fs.existsSync(path.join(project, "bin", "index.js"))).toBe(true);
}, 300_000);

it("runs up, preview --refresh and destroy of the main example's resources through the real engine", async () => {
  const binDir = ensurePulumi();
  emulator = await startEmulator({ port: 0 });
  for (const user of ["alice", "bob"]) await emulator.console("ram", "CreateUser", { UserName: user });
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-consumer-state-"));
  const env = engineEnv({
    binDir,
    stateDir,
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
  });
  ({ stack } = await localStack({ binDir, workDir: project, stackName: "consumer", env }));
  await stack.setConfig("fingerprints", {
    value: JSON.stringify(["6ecaae3f2a354f6a0749ce0e8e56c41260169e11"]),
  });

  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 7 });
  expect(up.outputs.roleArn?.value).toBe(`acs:ram::${emulator.accountId}:role/github-actions-deployer`);
  expect((await emulator.console("ims", "ListOIDCProviders", {})) as object).toMatchObject({
    OIDCProviders: { OIDCProvider: [{ OIDCProviderName: "github-actions" }] },
  });

  const preview = await stack.preview({ refresh: true });
  expect(preview.changeSummary).toEqual({ same: 7 });

  const destroy = await stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 7 });
  expect((await emulator.console("ims", "ListOIDCProviders", {})) as object).toMatchObject({
    OIDCProviders: { OIDCProvider: [] },
  });
}, 300_000);
