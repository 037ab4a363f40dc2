/**
 * Shared set-up for the end-to-end suites: the real Pulumi CLI (built by
 * scripts/build-pulumi.sh), driven through the Automation API against an
 * in-process emulator, with a file backend in a temporary folder.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { Emulator, EmulatorOptions } from "../../emulator";
import { engineEnv, ensurePulumi, localStack } from "../../scripts/engine";
import { LIVE, named, startTarget } from "../target";

export interface EngineHarness {
  emulator: Emulator;
  stack: Stack;
  /** The stack's name: the one asked for, with the run's prefix in live mode. */
  stackName: string;
  stateDir: string;
  env: Record<string, string>;
  /** The stack's checkpoint as stored by the file backend. */
  stateFile(): string;
  close(): Promise<void>;
}

/**
 * Stack config that names a program's objects with the run's prefix and `suite` in live mode
 * (programs read it as `prefix`; two files that run one program share an account there, so a
 * stack one of them leaves refusing cannot collide with the other's); empty otherwise, so the
 * programs' own names stand.
 */
export function prefixConfig(suite: string): Record<string, string> {
  return LIVE ? { prefix: named(`${suite}-`) } : {};
}

/** Collects engine output so a failing test can show it. */
export function outputSink(): { lines: string[]; onOutput: (s: string) => void } {
  const lines: string[] = [];
  return { lines, onOutput: (s: string) => void lines.push(s) };
}

export async function startEngine(opts: {
  workDir: string;
  /**
   * The stack's name; in live mode it gets the run's prefix, so that a live run beside the
   * normal suites (CI) never shares a program folder's stack config file with them.
   */
  stackName: string;
  config?: Record<string, string>;
  /**
   * How the provider learns the endpoint and keys: the environment (default),
   * or stack config (`alicloud-federation:*`, the secret stored as a secret),
   * with the environment holding neither.
   */
  credentialsVia?: "env" | "config";
  /** Options of the in-process emulator (e.g. `https: true`). */
  emulator?: EmulatorOptions;
}): Promise<EngineHarness> {
  const binDir = ensurePulumi();
  // In live mode the target is the account (test/target.ts); its url is empty for the public endpoints.
  const emulator = await startTarget(opts.emulator);
  const stackName = named(opts.stackName);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-e2e-"));
  const viaEnv = (opts.credentialsVia ?? "env") === "env";
  const env = engineEnv({
    binDir,
    stateDir,
    endpoint: viaEnv && emulator.url ? emulator.url : undefined,
    accessKeyId: viaEnv ? emulator.accessKeyId : undefined,
    accessKeySecret: viaEnv ? emulator.accessKeySecret : undefined,
    passphrase: "e2e",
  });
  // A live run with STS credentials passes their token on (engineEnv drops the shell's).
  const token = LIVE ? process.env.ALIBABA_CLOUD_SECURITY_TOKEN : undefined;
  if (token && viaEnv) env.ALIBABA_CLOUD_SECURITY_TOKEN = token;
  if (!viaEnv) {
    for (const k of Object.keys(env))
      if (k.startsWith("ALIBABA_CLOUD_") || k === "ALICLOUD_FEDERATION_ENDPOINT") delete env[k];
  }
  // Fast retries: behaviour is the same, the waits are not.
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 });
  const { stack, envVars } = await localStack({
    binDir,
    workDir: opts.workDir,
    stackName,
    env,
  });
  for (const [k, v] of Object.entries(opts.config ?? {})) await stack.setConfig(k, { value: v });
  if (!viaEnv) {
    if (emulator.url) await stack.setConfig("alicloud-federation:endpoint", { value: emulator.url });
    await stack.setConfig("alicloud-federation:accessKeyId", { value: emulator.accessKeyId });
    await stack.setConfig("alicloud-federation:accessKeySecret", {
      value: emulator.accessKeySecret,
      secret: true,
    });
    if (token) await stack.setConfig("alicloud-federation:securityToken", { value: token, secret: true });
  }
  const projectName = (await stack.workspace.projectSettings()).name;
  return {
    emulator,
    stack,
    stackName,
    stateDir,
    env: envVars,
    stateFile: () =>
      fs.readFileSync(path.join(stateDir, ".pulumi", "stacks", projectName, `${stackName}.json`), "utf8"),
    async close() {
      // In live mode what the stack still holds is destroyed here; what a refusing stack keeps
      // (a test may end on one) is left to live mode's per-prefix clean-up.
      if (LIVE)
        await stack.destroy().catch((e: Error) => {
          process.stdout.write(`live: destroying ${stackName} failed, left to the clean-up: ${e.message}\n`);
        });
      try {
        await stack.workspace.removeStack(stackName, { force: true });
      } catch {
        // The stack may already be gone; the folder goes either way.
      }
      await emulator.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
      // The Automation API leaves a per-stack config file in the program folder.
      fs.rmSync(path.join(opts.workDir, `Pulumi.${stackName}.yaml`), { force: true });
    },
  };
}

/** Write calls (anything but Get/List) the emulator saw for a service. */
export async function writeCalls(emulator: Emulator, service = "ims"): Promise<string[]> {
  return (await emulator.requests({ service }))
    .map((r) => r.action)
    .filter((a) => !a.startsWith("Get") && !a.startsWith("List"));
}

/**
 * Records the engine's own events for one operation and answers which resources it changes, as
 * `name:op` (op: create, update, delete, replace...; unchanged, read and refresh steps left out).
 * A preview's plan is its pre-events; an up's execution is the steps that completed (outputs events).
 */
export function changeRecorder(): {
  onEvent: (e: EngineEvent) => void;
  planned(): string[];
  executed(): string[];
} {
  const events: EngineEvent[] = [];
  const quiet = new Set(["same", "read", "refresh", "discard"]);
  const changes = (metas: Array<{ urn: string; op: string } | undefined>) =>
    [
      ...new Set(
        metas
          .filter((m): m is { urn: string; op: string } => m !== undefined && !quiet.has(m.op))
          .map((m) => `${m.urn.split("::").at(-1)}:${m.op}`),
      ),
    ].sort();
  return {
    onEvent: (e) => void events.push(e),
    planned: () => changes(events.map((e) => e.resourcePreEvent?.metadata)),
    executed: () => changes(events.map((e) => e.resOutputsEvent?.metadata)),
  };
}
