/**
 * `BENCH_SECTIONS=fixed npm run bench`: every command a user runs, on small programs, beside the
 * engine's floor for the same program with no-op dynamic resources, measured in the same run.
 *
 * Two programs, each beside its no-op twin:
 * - federation (bench/federation): one resource of each kind the main example uses (OIDC
 *   provider, custom policy, role, official-cli application, two CLI assignments, inventory: six
 *   providers); its twin bench/federation-noop declares the same resources with the same inputs
 *   and output shapes and one no-op provider per kind, built like ours;
 * - directory (bench/scim-directory with one person); its twin bench/noop, shape "same".
 *
 * Commands: first `up`, `preview`, the drift gate (`preview --refresh --expect-no-changes`),
 * `refresh`, an `up` with one change, `destroy`, each run as a user runs it (the CLI alone,
 * scripts/engine.ts `runCli`). Each row: wall time (median of `BENCH_ROUNDS`, default 5, rounds;
 * each round runs ours and the twin back to back, in turns first, against a fresh emulator),
 * successful API calls, the ideal (calls x latency / 16 in flight), the floor (the twin's median)
 * and wall/(ideal+floor), with the load average. The target is 1.1. Beside them, the CPU time of
 * the dynamic provider process and of the program process (scripts/cpuTime.cjs, preloaded into
 * each), ours against the twin's: on a shared machine wall time mostly measures the neighbours,
 * CPU time still tells what the library adds.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startTrustTestbed, type TrustTestbed } from "../testing";
import { load, seconds, successfulCallsByKind } from "./benchShared";
import { CLI, engineEnv, localStack, REPO_ROOT, runCli } from "./engine";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IN_FLIGHT = 16;
/** Which programs (`BENCH_FIXED_PROGRAMS`, default both). */
const PROGRAMS = (process.env.BENCH_FIXED_PROGRAMS ?? "federation,directory").split(",");

const COMMANDS = ["first up", "preview", "drift gate", "refresh", "one change", "destroy"] as const;
type Command = (typeof COMMANDS)[number];

interface Program {
  name: string;
  /** Ours, and its no-op twin. */
  workDir: string;
  twinDir: string;
  /** Stack config before the first up (both programs). */
  configure(stack: Stack, twin: boolean): Promise<void>;
  /** Makes the one change. */
  change(stack: Stack, twin: boolean): Promise<void>;
  /** The account's state before the first up (people who exist already). */
  seed?(testbed: TrustTestbed): Promise<void>;
}

function programs(dir: string): Program[] {
  const all: Program[] = [];
  if (PROGRAMS.includes("federation")) {
    let fingerprint = "";
    all.push({
      name: "federation",
      workDir: path.join(REPO_ROOT, "bench", "federation"),
      twinDir: path.join(REPO_ROOT, "bench", "federation-noop"),
      async seed(testbed) {
        fingerprint = testbed.fingerprint;
        for (const user of ["alice", "bob"])
          await testbed.emulator.console("ram", "CreateUser", { UserName: user });
      },
      configure: (stack) => stack.setConfig("fingerprint", { value: fingerprint }),
      change: (stack) => stack.setConfig("note", { value: " (changed)" }),
    });
  }
  if (PROGRAMS.includes("directory")) {
    const file = (twin: boolean) => path.join(dir, `fixed-${twin ? "twin" : "ours"}.csv`);
    all.push({
      name: "directory",
      workDir: path.join(REPO_ROOT, "bench", "scim-directory"),
      twinDir: path.join(REPO_ROOT, "bench", "noop"),
      async configure(stack, twin) {
        // One person; the twin has two no-op resources (the application and the directory).
        const people = twin
          ? ["user0,User 0,emp-00000", "user1,User 1,emp-00001"]
          : ["user0,User 0,emp-00000"];
        fs.writeFileSync(file(twin), `userName,displayName,externalId\n${people.join("\n")}\n`);
        await stack.setConfig("directory", { value: file(twin) });
        if (twin) await stack.setConfig("shape", { value: "same" });
      },
      async change(_stack, twin) {
        const f = file(twin);
        fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("User 0,", "User 0 (renamed),"));
      },
    });
  }
  return all;
}

interface Measured {
  wallMs: number;
  /** CPU time of the dynamic provider process(es) and of the program, summed. */
  providerCpuMs: number;
  programCpuMs: number;
  calls: number;
  byKind: Record<string, number>;
  ok: boolean;
  note?: string;
}

/** One round of every command on one program (ours or its twin), against a fresh emulator. */
async function round(binDir: string, program: Program, twin: boolean): Promise<Record<Command, Measured>> {
  const testbed = await startTrustTestbed({ emulator: { latencyMs: LATENCY_MS } });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-fixed-"));
  const env = {
    ...engineEnv({
      binDir,
      stateDir,
      endpoint: testbed.emulator.url,
      accessKeyId: testbed.emulator.accessKeyId,
      accessKeySecret: testbed.emulator.accessKeySecret,
      passphrase: "bench",
    }),
    ...testbed.env,
  };
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 2000 });
  const workDir = twin ? program.twinDir : program.workDir;
  const stackName = `bench-fixed-${program.name}${twin ? "-twin" : ""}`;
  const { stack } = await localStack({ binDir, workDir, stackName, env });
  const out = {} as Record<Command, Measured>;
  const cpuDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-cpu-"));
  const hook = path.join(REPO_ROOT, "scripts", "cpuTime.cjs");
  const measure = async (command: Command, run: () => Promise<unknown>) => {
    const dir = path.join(cpuDir, command.replace(/ /g, "-"));
    stack.workspace.envVars.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${hook}`.trim();
    stack.workspace.envVars.AF_BENCH_CPU_DIR = dir;
    await testbed.emulator.clearRequests();
    const start = performance.now();
    let ok = true;
    let note: string | undefined;
    try {
      await run();
    } catch (err) {
      ok = false;
      note = (err instanceof Error ? err.message : String(err)).split("\n").slice(-4).join(" ").slice(0, 400);
    }
    const wallMs = performance.now() - start;
    const byKind = successfulCallsByKind(await testbed.emulator.requests());
    const calls = Object.values(byKind).reduce((a, v) => a + v, 0);
    // The engine stops its plugins as the command ends; give their exit a moment to be written.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cpu = { provider: 0, program: 0, other: 0 };
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const { kind, cpuMs } = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as {
        kind: keyof typeof cpu;
        cpuMs: number;
      };
      cpu[kind] += cpuMs;
    }
    out[command] = {
      wallMs,
      providerCpuMs: cpu.provider,
      programCpuMs: cpu.program,
      calls,
      byKind,
      ok,
      ...(note ? { note } : {}),
    };
  };
  try {
    await program.seed?.(testbed);
    await program.configure(stack, twin);
    await measure("first up", () => runCli(stack, binDir, CLI.up, PARALLEL));
    await measure("preview", () => runCli(stack, binDir, CLI.preview, PARALLEL));
    await measure("drift gate", () => runCli(stack, binDir, CLI.driftGate, PARALLEL));
    await measure("refresh", () => runCli(stack, binDir, CLI.refresh, PARALLEL));
    await program.change(stack, twin);
    await measure("one change", () => runCli(stack, binDir, CLI.up, PARALLEL));
    await measure("destroy", () => runCli(stack, binDir, CLI.destroy, PARALLEL));
  } finally {
    await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(cpuDir, { recursive: true, force: true });
    await testbed.close().catch(() => undefined);
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** Runs the section and prints its table; false when a command failed. */
export async function fixedSection(binDir: string, dir: string): Promise<boolean> {
  let ok = true;
  console.log(
    `\nFixed cost of every command: latency ${LATENCY_MS} ms per call, --parallel ${PARALLEL}, median of ${ROUNDS} rounds\n` +
      `ideal = successful calls x ${LATENCY_MS} ms / ${IN_FLIGHT} in flight; floor = the same command on the program's no-op twin, ` +
      "same rounds; target: wall/(ideal+floor) at most 1.1; load = 1-min load average at each round's start\n",
  );
  const header =
    "program    | command    | wall s | (rounds)             | calls | calls by kind                                              | ideal s | floor s | wall/(ideal+floor) | provider CPU ms ours/twin | program CPU ms ours/twin";
  console.log(header);
  console.log("-".repeat(header.length));
  for (const program of programs(dir)) {
    const ours: Record<Command, Measured>[] = [];
    const twins: Record<Command, Measured>[] = [];
    const loads: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      loads.push(load());
      // Which goes first alternates, so a machine that speeds up or slows down during the run
      // weighs on both alike.
      if (i % 2 === 0) {
        twins.push(await round(binDir, program, true));
        ours.push(await round(binDir, program, false));
      } else {
        ours.push(await round(binDir, program, false));
        twins.push(await round(binDir, program, true));
      }
    }
    for (const command of COMMANDS) {
      const walls = ours.map((r) => r[command].wallMs);
      const wall = median(walls);
      const floor = median(twins.map((r) => r[command].wallMs));
      const last = ours[ours.length - 1]![command];
      const cpu = (runs: Record<Command, Measured>[], key: "providerCpuMs" | "programCpuMs") =>
        median(runs.map((r) => r[command][key])).toFixed(0);
      const idealMs = (last.calls * LATENCY_MS) / IN_FLIGHT;
      const kinds = Object.entries(last.byKind)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      console.log(
        [
          program.name.padEnd(10),
          command.padEnd(10),
          seconds(wall).padStart(6),
          walls.map(seconds).join(" ").padEnd(20),
          String(last.calls).padStart(5),
          kinds.slice(0, 58).padEnd(58),
          seconds(idealMs).padStart(7),
          seconds(floor).padStart(7),
          (wall / (idealMs + floor)).toFixed(2).padStart(18),
          `${cpu(ours, "providerCpuMs")}/${cpu(twins, "providerCpuMs")}`.padStart(25),
          `${cpu(ours, "programCpuMs")}/${cpu(twins, "programCpuMs")}`.padStart(24),
        ].join(" | "),
      );
      for (const r of [...ours, ...twins])
        if (!r[command].ok) {
          ok = false;
          console.log(`           !! ${command} failed: ${r[command].note}`);
          break;
        }
    }
    console.log(`           load at each round's start: ${loads.join(", ")}; now ${load()}`);
  }
  return ok;
}
