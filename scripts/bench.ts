/**
 * `npm run bench`: how fast a directory is kept in step over SCIM, through the
 * real engine, against the emulator with a fixed latency per call.
 *
 * Section 1, the three steps a CI user lives with, for the per-user program
 * (`scimUsersFromDirectory`, one ScimUser per person) and for `ScimDirectory`
 * (one resource): the first `up`, the drift gate on an unchanged account
 * (`preview --refresh --expect-no-changes`), and one person changed in the
 * file. Wall time, API calls by kind, writes, state size per person, and the
 * ratio to the API ideal (successful calls x latency / 16 calls in flight).
 * Sizes `BENCH_STEP_SIZES` (default 1,1000,10000: one person shows the engine's
 * fixed cost per step, what no provider can go below; the per-user program only up
 * to `BENCH_PER_USER_MAX`, default 1000: at 10,000 it runs for most of an
 * hour). The emulator's RAM user quota is raised above the directory's size,
 * as a real account's can be.
 *
 * Section 2 (`BENCH_SECTIONS` includes "provisioning"): the per-user program's
 * first `up` for 10, 100 and 1000 users (`BENCH_SIZES`), also with 20% of calls
 * throttled, beside the engine's own floor (the same program with a no-op
 * dynamic resource), so the engine's overhead is visible.
 *
 * Section 3 (`BENCH_SECTIONS` includes "fixed", scripts/benchFixed.ts): every command a user
 * runs (first up, preview, drift gate, refresh, one change, destroy) on a six-provider federation
 * program and on the one-person directory program, each beside its no-op twin's time from the
 * same run: the fixed cost of each command against the engine's floor.
 *
 * Section 4 (`BENCH_SECTIONS` includes "chain", scripts/benchChain.ts): an OIDC provider's chain
 * check, which every command that plans makes, against an issuer 0, 50 and 150 ms away.
 *
 * Sections 1 and 3 time each command as a user's CI runs it, the `pulumi` CLI alone
 * (scripts/engine.ts `runCli`): the Automation API, which sets the stacks up, adds work of its own
 * to every command it runs (an event log it tails for each preview; `stack output` and
 * `stack history` after each `up`), about a second at 10,000 people.
 *
 * Prints numbers, the machine's load average with each row (the machine may be
 * shared), and checks only what must hold whatever the speed: every person
 * made, one token request per provider process, a drift gate that passes, and
 * exactly one write for one change. Not a test: timings vary.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../emulator";
import { resetScimTokens } from "../provider/client/scim";
import { readDirectory } from "../provider/directory";
import { checkScimApplicationInputs, ScimApplicationProvider } from "../provider/resources/scimApplication";
import {
  checkScimDirectoryInputs,
  directoryMaps,
  ScimDirectoryProvider,
} from "../provider/resources/scimDirectory";
import { resetSettings } from "../provider/settings";
import { chainSection } from "./benchChain";
import { fixedSection } from "./benchFixed";
import { load, seconds, successfulCallsByKind } from "./benchShared";
import { CLI, engineEnv, ensurePulumi, localStack, REPO_ROOT, runCli } from "./engine";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 16);
const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
// One person measures the engine's fixed cost of each step on this machine, at this load.
const STEP_SIZES = (process.env.BENCH_STEP_SIZES ?? "1,1000,10000").split(",").map(Number);
const PER_USER_MAX = Number(process.env.BENCH_PER_USER_MAX ?? 1000);
const SECTIONS = (process.env.BENCH_SECTIONS ?? "steps,fixed,chain,provisioning").split(",");
/** Calls ScimDirectory keeps in flight (its default `concurrency`): the ideal's divisor for both programs. */
const IN_FLIGHT = 16;
const THROTTLE_RATIO = 0.2;

interface Run {
  program: "scim" | "noop" | "noop-full" | "noop-same";
  users: number;
  throttled: boolean;
  wallMs: number;
  calls: Record<string, number>;
  failedCalls: number;
  tokenRequests: number;
  created: number;
}

function directoryFile(dir: string, n: number, tag = ""): string {
  const file = path.join(dir, `people-${tag}${n}.csv`);
  const lines = ["userName,displayName,externalId"];
  for (let i = 0; i < n; i++) lines.push(`user${i},User ${i},emp-${String(i).padStart(5, "0")}`);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

async function runOnce(
  binDir: string,
  program: "scim" | "noop" | "noop-full" | "noop-same",
  users: number,
  throttled: boolean,
  dir: string,
): Promise<Run> {
  const emulator: Emulator = await startEmulator({ port: 0, latencyMs: LATENCY_MS });
  if (throttled) await emulator.injectFault({ kind: "throttle", ratio: THROTTLE_RATIO });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-"));
  const env = engineEnv({
    binDir,
    stateDir,
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    passphrase: "bench",
  });
  // Throttled runs need room to retry; waits stay short so the run measures the service, not the back-off cap.
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 2000 });
  const workDir = path.join(REPO_ROOT, "bench", program === "scim" ? "scim" : "noop");
  const stackName = `bench-${program}-${users}-${throttled ? "t" : "p"}`;
  const { stack } = await localStack({ binDir, workDir, stackName, env });
  try {
    await stack.setConfig("directory", { value: directoryFile(dir, users) });
    if (program === "noop-full") await stack.setConfig("shape", { value: "full" });
    if (program === "noop-same") await stack.setConfig("shape", { value: "same" });
    await emulator.clearRequests();
    const start = performance.now();
    const res = await stack.up({ parallel: PARALLEL });
    const wallMs = performance.now() - start;
    const log = await emulator.requests();
    // Successful calls by kind; refused (throttled) attempts are counted apart.
    const calls = successfulCallsByKind(log);
    return {
      program,
      users,
      throttled,
      wallMs,
      calls,
      failedCalls: log.filter((r) => r.status >= 400 || r.status === 0).length,
      tokenRequests: log.filter((r) => r.action === "Token" && r.status < 400).length,
      created: res.summary.resourceChanges?.create ?? 0,
    };
  } finally {
    await stack.destroy({ parallel: PARALLEL }).catch(() => undefined);
    await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
    await emulator.close();
  }
}

// ---- Section 1: the three CI steps ----------------------------------------------------------

type StepProgram = "per-user" | "directory";
interface Step {
  step: string;
  wallMs: number;
  calls: Record<string, number>;
  writes: number;
  load: string;
  ok: boolean;
  note?: string;
}

const WRITE = /^(Create|Replace|Delete|Update|Patch|Provision)/;

async function steps(binDir: string, program: StepProgram, users: number, dir: string): Promise<Step[]> {
  const emulator: Emulator = await startEmulator({
    port: 0,
    latencyMs: LATENCY_MS,
    limits: { ram: { maxUsersPerAccount: Math.max(1000, users + 100) } },
  });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-"));
  const env = engineEnv({
    binDir,
    stateDir,
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    passphrase: "bench",
  });
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 2000 });
  const project = program === "directory" ? "scim-directory" : "scim";
  const workDir = path.join(REPO_ROOT, "bench", project);
  const stackName = `bench-steps-${program}-${users}`;
  const { stack } = await localStack({ binDir, workDir, stackName, env });
  const file = directoryFile(dir, users, `${program}-`);
  const out: Step[] = [];
  const measure = async (step: string, run: () => Promise<unknown>) => {
    await emulator.clearRequests();
    const before = load();
    const start = performance.now();
    let ok = true;
    let note: string | undefined;
    try {
      await run();
    } catch (err) {
      ok = false;
      note = (err instanceof Error ? err.message : String(err)).split("\n").slice(0, 3).join(" ");
    }
    const wallMs = performance.now() - start;
    const calls = successfulCallsByKind(await emulator.requests());
    const writes = Object.entries(calls)
      .filter(([k]) => WRITE.test(k))
      .reduce((a, [, v]) => a + v, 0);
    out.push({ step, wallMs, calls, writes, load: `${before} -> ${load()}`, ok, ...(note ? { note } : {}) });
  };
  try {
    await stack.setConfig("directory", { value: file });
    await measure("first up", () => runCli(stack, binDir, CLI.up, PARALLEL));
    const stateFile = path.join(stateDir, ".pulumi", "stacks", `bench-${project}`, `${stackName}.json`);
    const stateBytes = fs.statSync(stateFile).size;
    await measure("drift gate", () => runCli(stack, binDir, CLI.driftGate, PARALLEL));
    // One person's display name changes in the file.
    const k = Math.floor(users / 2);
    const text = fs
      .readFileSync(file, "utf8")
      .replace(`user${k},User ${k},`, `user${k},User ${k} (renamed),`);
    fs.writeFileSync(file, text);
    await measure("one change", () => runCli(stack, binDir, CLI.up, PARALLEL));
    out[0]!.note = `state ${stateBytes} bytes = ${(stateBytes / users).toFixed(0)} bytes/person`;
    if (program === "directory" && users > 150) {
      // What a person reads: one person added (preview --diff), and a 150-person removal's refusal.
      const full = fs.readFileSync(file, "utf8");
      fs.writeFileSync(file, `${full}newbie,New Person,emp-99999\n`);
      let text = "";
      await stack.preview({
        diff: true,
        onOutput: (o) => {
          text += o;
        },
      });
      const named = text.includes("emp-99999 newbie");
      const diffBytes = Buffer.byteLength(text);
      fs.writeFileSync(file, `${full.trimEnd().split("\n").slice(0, -150).join("\n")}\n`);
      text = "";
      await stack
        .preview({
          onOutput: (o) => {
            text += o;
          },
        })
        .catch(() => undefined);
      const line = text.split("\n").find((l) => l.includes("confirmDeletions")) ?? "";
      out[2]!.note =
        `preview --diff, one person added: ${diffBytes} bytes (target 8192), names them: ${named}; ` +
        `150 removed: refusal ${Buffer.byteLength(text)} bytes (target 4096), what to do in its first 200 characters: ` +
        `${line.trimStart().slice(0, 200).includes("Set confirmDeletions: 150")}`;
      fs.writeFileSync(file, full);
    }
  } finally {
    await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
    await emulator.close();
  }
  return out;
}

/**
 * The same three steps without the engine: ScimDirectory's provider methods called in this
 * process against an emulator with the same latency. What is left of a step's wall time above
 * this and the engine's fixed cost (the one-person row) is the engine's handling of the state.
 */
async function providerAlone(users: number, dir: string): Promise<Record<string, number>> {
  const emulator = await startEmulator({
    port: 0,
    latencyMs: LATENCY_MS,
    limits: { ram: { maxUsersPerAccount: Math.max(1000, users + 100) } },
  });
  const config: Record<string, string> = {
    "alicloud-federation:endpoint": emulator.url,
    "alicloud-federation:accessKeyId": emulator.accessKeyId,
    "alicloud-federation:accessKeySecret": emulator.accessKeySecret,
    "alicloud-federation:allowPrivateIssuer": "true",
  };
  const conf = { config: { get: (k: string) => config[k] } } as never;
  resetSettings();
  resetScimTokens();
  try {
    await ScimApplicationProvider.configure(conf);
    await ScimDirectoryProvider.configure(conf);
    const app = (
      await ScimApplicationProvider.create(checkScimApplicationInputs({ appName: "bench" }).inputs)
    ).outs;
    const entries = readDirectory(directoryFile(dir, users, "alone-"));
    const inputs = (list: typeof entries) =>
      checkScimDirectoryInputs(
        {},
        { ...directoryMaps(list), clientId: app.clientId, clientSecret: app.clientSecret },
      ).inputs;
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const start = performance.now();
      const value = await fn();
      return [value, performance.now() - start];
    };
    const [created, createMs] = await timed(() => ScimDirectoryProvider.create(inputs(entries)));
    const [read, readMs] = await timed(() => ScimDirectoryProvider.read(created.id, created.outs));
    const k = Math.floor(users / 2);
    const changed = entries.map((e, i) =>
      i === k ? { ...e, displayName: `${e.displayName} (renamed)` } : e,
    );
    const [, updateMs] = await timed(() =>
      ScimDirectoryProvider.update(created.id, read.props, inputs(changed)),
    );
    return { "first up": createMs, "drift gate": readMs, "one change": updateMs };
  } finally {
    await emulator.close();
  }
}

/**
 * The engine's own floor for each step, measured in this run: the same three commands on the
 * no-op program (bench/noop, shape "same": two dynamic resources with the directory program's
 * inputs and seven no-op methods, no API call). What no provider can go below on this machine now.
 */
async function engineFloor(binDir: string, dir: string): Promise<Record<string, number>> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-floor-"));
  const env = engineEnv({ binDir, stateDir, passphrase: "bench" });
  const workDir = path.join(REPO_ROOT, "bench", "noop");
  const stackName = "bench-floor";
  const { stack } = await localStack({ binDir, workDir, stackName, env });
  const floor: Record<string, number> = {};
  const timed = async (step: string, run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    floor[step] = performance.now() - start;
  };
  try {
    const file = directoryFile(dir, 2, "floor-");
    await stack.setConfig("directory", { value: file });
    await stack.setConfig("shape", { value: "same" });
    await timed("first up", () => runCli(stack, binDir, CLI.up, PARALLEL));
    await timed("drift gate", () => runCli(stack, binDir, CLI.driftGate, PARALLEL));
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("User 1,", "User 1 (renamed),"));
    await timed("one change", () => runCli(stack, binDir, CLI.up, PARALLEL));
    await stack.destroy().catch(() => undefined);
  } finally {
    await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  return floor;
}

async function stepSection(binDir: string, dir: string): Promise<boolean> {
  let ok = true;
  const floor = await engineFloor(binDir, dir);
  console.log(
    "Three CI steps: first up, drift gate (preview --refresh --expect-no-changes), one person changed\n" +
      `ideal = successful calls x ${LATENCY_MS} ms / ${IN_FLIGHT} in flight; floor = the same command on the no-op program, this run\n` +
      `(first up ${seconds(floor["first up"]!)} s, drift gate ${seconds(floor["drift gate"]!)} s, one change ${seconds(floor["one change"]!)} s); ` +
      "target: wall/(ideal+floor) at most 1.1; load = 1/5/15-min load average before -> after\n",
  );
  const header =
    "people | program   | step       | wall s | calls | writes | calls by kind                                        | ideal s | wall/ideal | floor s | wall/(ideal+floor) | load";
  console.log(header);
  console.log("-".repeat(header.length));
  for (const users of STEP_SIZES) {
    for (const program of ["directory", "per-user"] as const) {
      if (program === "per-user" && users > PER_USER_MAX) continue;
      const result = await steps(binDir, program, users, dir);
      const alone = program === "directory" ? await providerAlone(users, dir) : {};
      for (const r of result) {
        const total = Object.values(r.calls).reduce((a, v) => a + v, 0);
        const idealMs = (total * LATENCY_MS) / IN_FLIGHT;
        const kinds = Object.entries(r.calls)
          .sort(([, a], [, b]) => b - a)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ");
        console.log(
          [
            String(users).padStart(6),
            program.padEnd(9),
            r.step.padEnd(10),
            seconds(r.wallMs).padStart(6),
            String(total).padStart(5),
            String(r.writes).padStart(6),
            kinds.padEnd(52),
            seconds(idealMs).padStart(7),
            (idealMs > 0 ? (r.wallMs / idealMs).toFixed(1) : "-").padStart(10),
            seconds(floor[r.step] ?? 0).padStart(7),
            (r.wallMs / (idealMs + (floor[r.step] ?? 0))).toFixed(2).padStart(18),
            r.load,
          ].join(" | "),
        );
        if (r.note) console.log(`       ${r.ok ? "" : "!! "}${r.note}`);
        const own = alone[r.step];
        if (own !== undefined) console.log(`       the provider alone, no engine: ${seconds(own)} s`);
      }
      const [first, gate, change] = result;
      const problems: string[] = [];
      if (!first?.ok) problems.push("the first up failed");
      if (!gate?.ok) problems.push("the drift gate failed on an unchanged account");
      if (change && change.writes !== 1) problems.push(`one change made ${change.writes} writes, not 1`);
      if ((first?.calls.Token ?? 0) > 1) problems.push(`${first?.calls.Token} token requests in one process`);
      for (const p of problems) console.log(`       !! ${p}`);
      if (problems.length > 0) ok = false;
    }
  }
  return ok;
}

// ---- Section 2: per-user provisioning against the engine's floor ----------------------------

async function main(): Promise<void> {
  const binDir = ensurePulumi();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-dir-"));
  let ok = true;
  if (SECTIONS.includes("steps")) ok = (await stepSection(binDir, dir)) && ok;
  if (SECTIONS.includes("fixed")) ok = (await fixedSection(binDir, dir)) && ok;
  if (SECTIONS.includes("chain")) ok = (await chainSection(dir)) && ok;
  if (!SECTIONS.includes("provisioning")) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (!ok) {
      console.error("\nBENCHMARK FAILED its requirements (see !! lines).");
      process.exit(1);
    }
    return;
  }
  console.log(
    `\nPer-user provisioning: latency ${LATENCY_MS} ms per call, --parallel ${PARALLEL}, real engine\n`,
  );
  const rows: string[] = [];
  const header =
    "users | program       | wall s | successful calls (by kind)                               | throttled | tokens | ideal s | wall/ideal | min floor s | shape floor s | floor s | wall/floor";
  rows.push(header, "-".repeat(header.length));
  for (const users of SIZES) {
    const minFloor = await runOnce(binDir, "noop", users, false, dir);
    const shapeFloor = await runOnce(binDir, "noop-full", users, false, dir);
    const floor = await runOnce(binDir, "noop-same", users, false, dir);
    for (const throttled of [false, true]) {
      const r = await runOnce(binDir, "scim", users, throttled, dir);
      const totalCalls = Object.values(r.calls).reduce((a, v) => a + v, 0);
      const idealMs = (totalCalls * LATENCY_MS) / PARALLEL;
      const kinds = Object.entries(r.calls)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      rows.push(
        [
          String(users).padStart(5),
          (throttled ? "scim, 20% thr" : "scim").padEnd(13),
          seconds(r.wallMs).padStart(6),
          kinds.padEnd(56),
          String(r.failedCalls).padStart(9),
          String(r.tokenRequests).padStart(6),
          seconds(idealMs).padStart(7),
          (r.wallMs / idealMs).toFixed(2).padStart(10),
          seconds(minFloor.wallMs).padStart(11),
          seconds(shapeFloor.wallMs).padStart(13),
          seconds(floor.wallMs).padStart(7),
          (r.wallMs / floor.wallMs).toFixed(2).padStart(10),
        ].join(" | "),
      );
      // users + the app; every one created, one token for the one provider process.
      if (r.created < users + 1) {
        ok = false;
        rows.push(`  !! only ${r.created} of ${users + 1} resources were created`);
      }
      if (r.tokenRequests !== 1) {
        ok = false;
        rows.push(`  !! ${r.tokenRequests} token requests; expected exactly 1 per provider process`);
      }
    }
    console.log(rows.join("\n"));
    rows.length = 2;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    "\nideal = successful calls x latency / parallelism. floor = the same program with a no-op dynamic resource:\n" +
      "the same resources, inputs (the app's client id and secret, a Pulumi secret) and output shape, a provider with\n" +
      "the same seven methods as ours, and no API call. shape floor = the same provider with only a user name as\n" +
      "input; min floor = a provider with only create, the smallest a dynamic resource can be.",
  );
  if (!ok) {
    console.error("\nBENCHMARK FAILED its requirements (see !! lines).");
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
