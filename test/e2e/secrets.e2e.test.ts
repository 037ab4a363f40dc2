/**
 * No secret in any output, through the real engine: every resource input that holds a secret
 * (ScimDirectory's clientSecret, given directly or from a ScimApplication, and ScimUser's, from
 * the application) is driven into a failing check, a failing create, a failing update, a guard
 * refusal and a failing delete; after each, the engine's whole output (the provider's own output
 * included) and the state file are scanned for the secret's value.
 */
import * as path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type EngineHarness, outputSink, startEngine } from "./engine";

vi.setConfig({ testTimeout: 300_000 });

const PROGRAM = path.join(__dirname, "programs", "secrets");
// A secret the emulator does not know: the token request fails with it.
const GIVEN = "Gv7-never-print-this-secret-2c9f";
let h: EngineHarness;
let appSecret = "";

beforeAll(async () => {
  h = await startEngine({ workDir: PROGRAM, stackName: "e2e-secrets" });
  await h.stack.setConfig("useApp", { value: "false" });
  await h.stack.setConfig("clientId", { value: "4100000000000000099" });
  await h.stack.setConfig("clientSecret", { value: GIVEN, secret: true });
}, 600_000);
afterAll(async () => h?.close(), 180_000);

/** Runs an engine command that must fail; returns everything it printed. */
async function failing(run: (onOutput: (s: string) => void) => Promise<unknown>): Promise<string> {
  const sink = outputSink();
  const outcome = await run(sink.onOutput).then(
    () => "succeeded",
    (e: Error) => e.message,
  );
  expect(outcome).not.toBe("succeeded");
  return `${sink.lines.join("")}\n${outcome}`;
}

function expectNoSecret(output: string, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(s.length).toBeGreaterThan(8);
    expect(output.includes(s), "secret in the engine's output").toBe(false);
    expect(h.stateFile().includes(s), "secret in the state file").toBe(false);
  }
}

it("a failing create and a failing check with the directory's own clientSecret", async () => {
  // The emulator knows no such client: the token request, and so the create, fails.
  const create = await failing((onOutput) => h.stack.up({ onOutput }));
  expect(create).toMatch(/ScimDirectory|people/);
  expectNoSecret(create, GIVEN);
  await h.stack.setConfig("concurrency", { value: "999" });
  const check = await failing((onOutput) => h.stack.preview({ onOutput }));
  expect(check).toMatch(/concurrency.*must be a whole number from 1 to 64/);
  expectNoSecret(check, GIVEN);
  await h.stack.removeConfig("concurrency");
});

it("the application's secret: a failing update, a refusal and a failing delete", async () => {
  await h.stack.setConfig("useApp", { value: "true" });
  await h.stack.setConfig("maxDeletions", { value: "1" });
  const res = await h.stack.up();
  appSecret = String(res.outputs.clientSecret?.value ?? "");
  expect(res.outputs.clientSecret?.secret).toBe(true);
  expectNoSecret("", appSecret, GIVEN);
  // Update: every create fails (carol is new), the sync stops with partial state.
  await h.stack.setConfig("addCarol", { value: "true" });
  await h.emulator.injectFault({ service: "scim", action: "CreateUser", kind: "server-error", ratio: 1 });
  expectNoSecret(await failing((onOutput) => h.stack.up({ onOutput })), appSecret);
  await h.emulator.clearFaults();
  // Refusal: two people, more than maxDeletions (1), and no allowDestroy recorded.
  const refused = await failing((onOutput) => h.stack.destroy({ onOutput }));
  expect(refused).toMatch(/first set allowDestroy: true/);
  expectNoSecret(refused, appSecret);
  // Delete: allowed now, and every SCIM delete fails.
  await h.stack.setConfig("allowDestroy", { value: "true" });
  await h.stack.up();
  await h.emulator.injectFault({ service: "scim", action: "DeleteUser", kind: "server-error", ratio: 1 });
  expectNoSecret(await failing((onOutput) => h.stack.destroy({ onOutput })), appSecret);
  await h.emulator.clearFaults();
  await h.stack.destroy();
});
