/**
 * OidcRole at preview under the real engine: presets that trust more than one
 * workload say so loudly, and a role any subject could assume fails with a
 * field-named message before any API call.
 */
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { onEmulator } from "../target";
import { type EngineHarness, outputSink, prefixConfig, startEngine } from "./engine";

const PROGRAM = path.join(__dirname, "programs", "role");
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e-role",
    config: { preset: "github-main", ...prefixConfig("role") },
  });
}, 600_000);
afterAll(async () => h?.close());

async function preview(preset: string): Promise<{ ok: boolean; output: string }> {
  await h.stack.setConfig("preset", { value: preset });
  const sink = outputSink();
  const ok = await h.stack.preview({ onOutput: sink.onOutput }).then(
    () => true,
    (e: Error) => {
      sink.lines.push(e.message);
      return false;
    },
  );
  return { ok, output: sink.lines.join("") };
}

it("previews a branch-restricted preset quietly", async () => {
  const res = await preview("github-main");
  expect(res.ok, res.output).toBe(true);
  expect(res.output).not.toMatch(/warning: role: trusts/);
});

it("warns at preview that anyRef trusts every workflow of the repository", async () => {
  const res = await preview("github-any-ref");
  expect(res.ok, res.output).toBe(true);
  expect(res.output).toMatch(
    /warning: role: trusts every workflow of acme\/app: any branch, tag, environment and pull_request event/,
  );
});

it("warns at preview that an any-user Authing preset trusts every user", async () => {
  const res = await preview("authing-any-user");
  expect(res.ok, res.output).toBe(true);
  expect(res.output).toMatch(/warning: role: trusts every user of the Authing application/);
});

it("fails preview for a role with no subject condition, naming the field, with no API call for it", async () => {
  await h.emulator.clearRequests();
  const res = await preview("none");
  expect(res.ok).toBe(false);
  expect(res.output).toMatch(
    // The engine's own wording around our reason, which names the property (no value is printed).
    /resource 'role' has a problem: subjects: restrict subjects or subjectPatterns, or set allowAnySubject: true if that is really intended: with no subject condition, any identity the IdP issues tokens to could assume this role/,
  );
  // The refused role is looked up nowhere; the only calls are the new provider's name/issuer
  // look-up (after the account check), reads that a create's preview makes.
  await onEmulator(async () =>
    expect((await h.emulator.requests()).map((r) => r.action)).toEqual([
      "GetCallerIdentity",
      "ListOIDCProviders",
    ]),
  );
});
