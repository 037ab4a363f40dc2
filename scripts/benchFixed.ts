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
 * and wall/(ideal+floor), with the load average. The target is 1.1. "Paired" is the same ratio
 * taken round by round, each against the twin run right before or after it, then its median and
 * quartiles: a machine whose speed drifts over minutes weighs on both sides of each pair, and the
 * quartiles show how far one round's ratio can be trusted. Beside them, the CPU time of
 * the dynamic provider process and of the program process (scripts/cpuTime.cjs, preloaded into
 * each), ours against the twin's: on a shared machine wall time mostly measures the neighbours,
 * CPU time still tells what the library adds.
 *
 * The section runs once per latency in `BENCH_FIXED_LATENCIES` (default `0,20` ms per call). At 0
 * the ideal is nothing and wall/floor is the fixed cost itself: what the library adds to a command
 * whatever the API's latency. At 20 ms the ideal counts calls as if all could be in flight at once,
 * but some cannot: the engine deletes a resource only after those that depend on it, RAM deletes a
 * role only once its policies are detached, and a stack asks STS for its account before it acts. So
 * each row also prints how many calls went one after another ("in sequence": the longest chain of
 * calls in the emulator's log each sent after the one before it was answered) and what that chain
 * costs at this latency. The chain is read from timing, not from dependencies: an upper bound on
 * the calls the run made one after another, counting every logged call (look-ups answered 404
 * too), where `calls` and the ideal count only the successful ones.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { RequestLogEntry } from "../emulator";
import { startTrustTestbed, type TrustTestbed } from "../testing";
import { load, median, msList, seconds, successfulCallsByKind } from "./benchShared";
import { CLI, engineEnv, localStack, REPO_ROOT, runCli } from "./engine";

/** The latencies (ms per call) the section runs at, one table each (not `BENCH_LATENCY_MS`). */
const LATENCIES = msList("BENCH_FIXED_LATENCIES", "0,20");
/** Below this latency a call's own time blurs which call came after which: no chain is counted. */
const CHAIN_MIN_LATENCY_MS = 5;
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
  /** The longest chain of calls each sent after the one before it was answered: its actions, in order. */
  inSequence: string[];
  byKind: Record<string, number>;
  ok: boolean;
  note?: string;
}

/** One round of every command on one program (ours or its twin), against a fresh emulator. */
async function round(
  binDir: string,
  program: Program,
  twin: boolean,
  latencyMs: number,
): Promise<Record<Command, Measured>> {
  const testbed = await startTrustTestbed({ emulator: { latencyMs } });
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
    const log = await testbed.emulator.requests();
    const byKind = successfulCallsByKind(log);
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
      inSequence: longestChain(log, latencyMs),
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

/**
 * The longest chain of calls in `log` each sent after the one before it was answered. The emulator
 * logs a call when it answers, `latencyMs` after it arrived, so B came after A's answer when B's
 * time is at least A's plus the latency (less 2 ms: times are whole milliseconds, and the emulator
 * waits 1 ms less every other call). Two calls sent that far apart for any other reason count too:
 * an upper bound. Meaningful only with a latency well above a call's own time.
 */
function longestChain(log: readonly RequestLogEntry[], latencyMs: number): string[] {
  if (latencyMs < CHAIN_MIN_LATENCY_MS) return [];
  const calls = log.map((r) => ({ at: Date.parse(r.time), action: r.action })).sort((a, b) => a.at - b.at);
  // For each call, the longest chain ending in it and the call before it in that chain.
  const length: number[] = [];
  const previous: number[] = [];
  for (let i = 0; i < calls.length; i++) {
    let best = -1;
    for (let j = 0; j < i; j++)
      if (calls[j]!.at + latencyMs - 2 <= calls[i]!.at && (best === -1 || length[j]! > length[best]!))
        best = j;
    length.push(best === -1 ? 1 : length[best]! + 1);
    previous.push(best);
  }
  let end = -1;
  for (let i = 0; i < calls.length; i++) if (end === -1 || length[i]! > length[end]!) end = i;
  const path: string[] = [];
  for (let i = end; i !== -1; i = previous[i]!) path.unshift(calls[i]!.action);
  return path;
}

/** Each round's wall time, "0.00 " apiece. */
const ROUNDS_WIDTH = Math.max(8, ROUNDS * 5 - 1);

/** Runs the section and prints its tables, one per latency; false when a command failed. */
export async function fixedSection(binDir: string, dir: string): Promise<boolean> {
  let ok = true;
  for (const latencyMs of LATENCIES) ok = (await fixedTable(binDir, dir, latencyMs)) && ok;
  return ok;
}

/** One table: both programs, every command, at `latencyMs` per call; false when a command failed. */
async function fixedTable(binDir: string, dir: string, latencyMs: number): Promise<boolean> {
  let ok = true;
  console.log(
    `\nFixed cost of every command: latency ${latencyMs} ms per call, --parallel ${PARALLEL}, median of ${ROUNDS} rounds\n` +
      `ideal = successful calls x ${latencyMs} ms / ${IN_FLIGHT} in flight; floor = the same command on the program's no-op twin, ` +
      "same rounds; target: wall/(ideal+floor) at most 1.1; in sequence = the longest chain of calls each sent after the one " +
      "before was answered (last round), and what it costs at this latency; paired = the median, and quartiles, of each round's " +
      "wall/(ideal+floor) with that round's twin (the two run back to back, so a machine that slows for minutes weighs on " +
      "both); load = 1-min load average at each round's start\n",
  );
  const header = `program    | command    | wall s | ${"(rounds)".padEnd(ROUNDS_WIDTH)} | calls | calls by kind                                              | ideal s | floor s | wall/(ideal+floor) | paired, quartiles | in sequence | provider CPU ms ours/twin | program CPU ms ours/twin`;
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
        twins.push(await round(binDir, program, true, latencyMs));
        ours.push(await round(binDir, program, false, latencyMs));
      } else {
        ours.push(await round(binDir, program, false, latencyMs));
        twins.push(await round(binDir, program, true, latencyMs));
      }
    }
    for (const command of COMMANDS) {
      const walls = ours.map((r) => r[command].wallMs);
      const wall = median(walls);
      const floor = median(twins.map((r) => r[command].wallMs));
      const last = ours[ours.length - 1]![command];
      const cpu = (runs: Record<Command, Measured>[], key: "providerCpuMs" | "programCpuMs") =>
        median(runs.map((r) => r[command][key])).toFixed(0);
      const idealMs = (last.calls * latencyMs) / IN_FLIGHT;
      const kinds = Object.entries(last.byKind)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      const paired = ours
        .map((r, i) => r[command].wallMs / (idealMs + twins[i]![command].wallMs))
        .sort((a, b) => a - b);
      const quartile = (q: number) => paired[Math.round(q * (paired.length - 1))]!.toFixed(2);
      const sequence =
        latencyMs >= CHAIN_MIN_LATENCY_MS
          ? `${last.inSequence.length} (${seconds(last.inSequence.length * latencyMs)} s)`
          : "";
      console.log(
        [
          program.name.padEnd(10),
          command.padEnd(10),
          seconds(wall).padStart(6),
          walls.map(seconds).join(" ").padEnd(ROUNDS_WIDTH),
          String(last.calls).padStart(5),
          kinds.slice(0, 58).padEnd(58),
          seconds(idealMs).padStart(7),
          seconds(floor).padStart(7),
          (wall / (idealMs + floor)).toFixed(2).padStart(18),
          `${median(paired).toFixed(2)} ${quartile(0.25)}-${quartile(0.75)}`.padStart(17),
          sequence.padStart(11),
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
    // The chain itself, so a reader can tell whether each link is forced (the account before any
    // act, a role's policies detached before it goes, the engine's order of dependents).
    for (const command of COMMANDS) {
      const chain = ours[ours.length - 1]![command].inSequence;
      if (chain.length > 1) console.log(`           in sequence, ${command}: ${chain.join(" -> ")}`);
    }
    console.log(`           load at each round's start: ${loads.join(", ")}; now ${load()}`);
  }
  return ok;
}
