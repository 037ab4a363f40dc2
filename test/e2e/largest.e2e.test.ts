/**
 * Short refusals at any size, through the real engine: every resource with inputs far past what
 * each allows (programs/largest/args.ts); with 10,000 people refused in the program, the error the
 * engine prints (it was 900 KB, every bad person listed).
 */
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type EngineHarness, outputSink, startEngine } from "./engine";

vi.setConfig({ testTimeout: 300_000 });

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngine({ workDir: path.join(__dirname, "programs", "largest"), stackName: "e2e-largest" });
  await h.stack.setConfig("instanceId", { value: h.emulator.eiamInstanceId });
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

it("10,000 people refused in the program: one error of at most 4 KB that says what to do first", async () => {
  await h.stack.setConfig("badPeople", { value: "true" });
  const { output } = await failingUp();
  expect(output.length).toBeLessThanOrEqual(4096);
  const error = output.slice(output.indexOf("error: "));
  expect(error.slice(0, 200)).toMatch(/10000 problems, nothing was declared; correct them and run again/);
  expect(output).toContain("9992 more");
  process.stdout.write(`10,000 bad people: ${output.length} bytes printed\n`);
});
