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
import { startTarget } from "../target";

export interface EngineHarness {
  emulator: Emulator;
  stack: Stack;
  stateDir: string;
  env: Record<string, string>;
  /** The stack's checkpoint as stored by the file backend. */
  stateFile(): string;
  close(): Promise<void>;
}

/** Collects engine output so a failing test can show it. */
export function outputSink(): { lines: string[]; onOutput: (s: string) => void } {
  const lines: string[] = [];
  return { lines, onOutput: (s: string) => void lines.push(s) };
}

export async function startEngine(opts: {
  workDir: string;
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
  if (!viaEnv) {
    for (const k of Object.keys(env))
      if (k.startsWith("ALIBABA_CLOUD_") || k === "ALICLOUD_FEDERATION_ENDPOINT") delete env[k];
  }
  // Fast retries: behaviour is the same, the waits are not.
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 });
  const { stack, envVars } = await localStack({
    binDir,
    workDir: opts.workDir,
    stackName: opts.stackName,
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
  }
  const projectName = (await stack.workspace.projectSettings()).name;
  return {
    emulator,
    stack,
    stateDir,
    env: envVars,
    stateFile: () =>
      fs.readFileSync(
        path.join(stateDir, ".pulumi", "stacks", projectName, `${opts.stackName}.json`),
        "utf8",
      ),
    async close() {
      try {
        await stack.workspace.removeStack(opts.stackName, { force: true });
      } catch {
        // The stack may already be gone; the folder goes either way.
      }
      await emulator.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
      // The Automation API leaves a per-stack config file in the program folder.
      fs.rmSync(path.join(opts.workDir, `Pulumi.${opts.stackName}.yaml`), { force: true });
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
