/**
 * Short refusals at any size: every resource with inputs far past what each allows
 * (programs/largest/args.ts). The engine stops at the first failing check even with
 * --continue-on-error, so one `up` through the real engine measures what it prints for the
 * first, and each provider's check on the same inputs (as given to the class; some classes reshape
 * an input before the engine sees it) is measured as the engine prints a failure (twice, each
 * `<type> resource '<name>' has a problem: <property>: <reason>`: no failure names a property to
 * the engine, which would print that input's value). The three
 * resources whose modelled output is largest then go through the engine one at a time (config
 * `only`), so the worst cases are measured as printed, and the model is checked against them. A
 * last `up` with 10,000 people refused in the program measures that error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { onEmulator } from "../target";
import { type EngineHarness, outputSink, startEngine } from "./engine";
import { largestArgs } from "./programs/largest/args";

vi.setConfig({ testTimeout: 300_000 });

const RESOURCES = path.join(__dirname, "..", "..", "provider", "resources");
const TYPE = "pulumi-nodejs:dynamic/alicloud-federation:";
/** What a message must say first: the field and what it must be, or what to do. */
const SAYS_WHAT_TO_DO =
  /must|required|allows? at most|at least|set |give|use |remove|correct|fix|run |pass /i;
let h: EngineHarness;
/** The instance the IDaaS inputs name: live mode without one names any well-formed id (no call is made). */
const instanceId = () => h.emulator.eiamInstanceId || "idaas_nolivecallismade";

beforeAll(async () => {
  h = await startEngine({ workDir: path.join(__dirname, "programs", "largest"), stackName: "e2e-largest" });
  await h.stack.setConfig("instanceId", { value: instanceId() });
}, 600_000);
afterAll(async () => h?.close(), 180_000);

/** One failing `up`: its whole output, and the error messages per resource name. */
async function failingUp(): Promise<{ output: string; byName: Map<string, string[]> }> {
  const sink = outputSink();
  const byName = new Map<string, string[]>();
  const onEvent = (e: EngineEvent) => {
    const d = e.diagnosticEvent;
    if (d?.severity !== "error") return;
    const name = d.urn?.split("::").at(-1) ?? "";
    byName.set(name, [...(byName.get(name) ?? []), d.message]);
  };
  const outcome = await h.stack.up({ continueOnError: true, onOutput: sink.onOutput, onEvent }).then(
    () => "succeeded",
    (e: Error) => e.message,
  );
  expect(outcome).not.toBe("succeeded");
  return { output: sink.lines.join(""), byName };
}

/** A failure as the engine prints it (pkg/resource/deploy: the value only for a top-level input). */
function printed(
  cls: string,
  name: string,
  news: Record<string, unknown>,
  f: { property: string; reason: string },
) {
  if (f.property === "") return `${TYPE}${cls} resource '${name}' has a problem: ${f.reason}`;
  const v = Object.hasOwn(news, f.property) ? news[f.property] : undefined;
  const shown = v === undefined ? "<nil>" : typeof v === "string" ? v : JSON.stringify(v);
  return `${TYPE}${cls} resource '${name}': property ${f.property} value {${shown}} has a problem: ${f.reason}`;
}

async function providerOf(cls: string) {
  for (const file of fs.readdirSync(RESOURCES).filter((f) => f.endsWith(".ts"))) {
    const mod = (await import(path.join(RESOURCES, file))) as Record<string, unknown>;
    const p = mod[`${cls}Provider`] as
      | { check(o: object, n: object): Promise<{ failures?: Array<{ property: string; reason: string }> }> }
      | undefined;
    if (p) return p;
  }
  throw new Error(`no provider for ${cls}`);
}

it("every resource's failing check prints at most 4 KB, what to do in its first 200 characters", async () => {
  const sizes: Record<string, number> = {};
  const modelled: Record<string, number> = {};
  for (const [cls, name, args] of largestArgs(instanceId(), false)) {
    const { failures = [] } = await (await providerOf(cls)).check({}, args);
    expect(failures.length, cls).toBeGreaterThan(0);
    const messages = failures.map((f) => printed(cls, name, args, f));
    // Twice: as it happens (`<type> <name>  error: `) and under Diagnostics (`error: `).
    modelled[name] = messages.reduce(
      (n, m) => n + 2 * (m.length + 12) + TYPE.length + cls.length + name.length + 8,
      0,
    );
    sizes[cls] = modelled[name];
    expect(modelled[name], cls).toBeLessThanOrEqual(4096);
    // Every failure, not only the first, and no input's value beside it.
    for (const m of messages) expect(m.slice(0, 200), cls).toMatch(SAYS_WHAT_TO_DO);
    expect(
      failures.every((f) => f.property === ""),
      cls,
    ).toBe(true);
  }
  const { output, byName } = await failingUp();
  expect(byName.size).toBeGreaterThan(0);
  for (const [name, messages] of byName) {
    const atEngine = output
      .split("\n")
      .filter((l) => messages.some((m) => l.includes(m.slice(0, 120))))
      .join("\n");
    expect(atEngine.length, name).toBeLessThanOrEqual(4096);
    sizes[`engine: ${name}`] = atEngine.length;
  }
  // The largest three as the engine prints them, each alone.
  const largest = Object.entries(modelled)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([name]) => name);
  try {
    for (const name of largest) {
      const cls = largestArgs(instanceId(), false).find(([, n]) => n === name)?.[0] ?? "";
      await h.stack.setConfig("only", { value: cls });
      const alone = await failingUp();
      const messages = alone.byName.get(name) ?? [];
      expect(messages.length, name).toBeGreaterThan(0);
      expect(messages[0]?.slice(0, 200), name).toMatch(SAYS_WHAT_TO_DO);
      const atEngine = alone.output
        .split("\n")
        .filter((l) => messages.some((m) => l.includes(m.slice(0, 120))))
        .join("\n");
      expect(atEngine.length, name).toBeLessThanOrEqual(4096);
      // The model that measured the others is within a tenth of what the engine prints.
      expect(Math.abs(atEngine.length - (modelled[name] ?? 0)), name).toBeLessThanOrEqual(
        (modelled[name] ?? 0) / 10,
      );
      sizes[`engine alone: ${name}`] = atEngine.length;
    }
  } finally {
    await h.stack.removeConfig("only");
  }
  await onEmulator(async () => expect(await h.emulator.requests()).toEqual([]));
  process.stdout.write(`printed bytes per resource: ${JSON.stringify(sizes)}\n`);
});

it("every input a Pulumi secret: no failing check of any resource prints any part of any of them", async () => {
  // Fragments every such value holds (largestArgs): a run of 30 x of a string, 20 y of a list item,
  // the digits of the numbers past every range. A reason may name the field and a length, never a
  // piece of the value.
  const fragments = ["x".repeat(30), "y".repeat(20), "1000000000000"];
  await h.stack.setConfig("secret", { value: "true" });
  try {
    for (const [cls, name] of largestArgs(instanceId(), false)) {
      await h.stack.setConfig("only", { value: cls });
      const { output, byName } = await failingUp();
      expect(byName.get(name)?.length ?? 0, cls).toBeGreaterThan(0);
      for (const f of fragments) {
        const at = output.indexOf(f);
        expect(at === -1 ? "" : output.slice(Math.max(0, at - 300), at + 60), `${cls}: ${f}`).toBe("");
      }
    }
  } finally {
    await h.stack.removeConfig("only");
    await h.stack.removeConfig("secret");
  }
});

it("10,000 people refused in the program: one error of at most 4 KB that says what to do first", async () => {
  await h.stack.setConfig("badPeople", { value: "true" });
  // The directory alone: with every class declared, how many others fail their checks before the
  // program's error ends the run depends on timing.
  await h.stack.setConfig("only", { value: "ScimDirectory" });
  const { output } = await failingUp();
  expect(output.length).toBeLessThanOrEqual(4096);
  const error = output.slice(output.indexOf("error: "));
  expect(error.slice(0, 200)).toMatch(/10000 problems, nothing was declared; correct them and run again/);
  expect(output).toContain("9992 more");
  process.stdout.write(`10,000 bad people: ${output.length} bytes printed\n`);
});
