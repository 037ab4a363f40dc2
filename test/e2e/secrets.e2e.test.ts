/**
 * No secret in any output, through the real engine: every resource input that holds a secret
 * (ScimDirectory's clientSecret, given directly or from a ScimApplication, and ScimUser's, from
 * the application) is driven into a failing check, a failing create, a failing update, a guard
 * refusal and a failing delete; after each, the engine's whole output (the provider's own output
 * included) and the state file are scanned for the secret's value, and for the provider's access
 * key secret (given in the stack's config).
 *
 * Live mode runs the first (a client the service does not know, and a failing check); the others
 * fail their steps with injected faults or read the emulator's state.
 */
import { generateKeyPairSync } from "node:crypto";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { emulatorOnly } from "../target";
import { type EngineHarness, outputSink, prefixConfig, startEngine } from "./engine";

vi.setConfig({ testTimeout: 300_000 });

const PROGRAM = path.join(__dirname, "programs", "secrets");
// A secret the emulator does not know: the token request fails with it.
const GIVEN = "Gv7-never-print-this-secret-2c9f";
let h: EngineHarness;
let appSecret = "";

beforeAll(async () => {
  // The access key in the stack's config (a Pulumi secret), so the provider's own credential is
  // scanned for too, in output and state, beside every resource's.
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e-secrets",
    config: prefixConfig("secrets"),
    credentialsVia: "config",
  });
  await h.stack.setConfig("useApp", { value: "false" });
  await h.stack.setConfig("clientId", { value: "4100000000000000099" });
  await h.stack.setConfig("clientSecret", { value: GIVEN, secret: true });
}, 600_000);
afterAll(async () => h?.close(), 180_000);

/**
 * The program's own Pulumi Node SDK traces each RegisterResource response at debug severity (the
 * event stream always carries it; the printed output only with `--debug`), dependencies' secret
 * outputs in plain text: the SDK's, not the provider's, and nothing a provider can change.
 */
const SDK_TRACE = /^RegisterResource RPC finished: /;

/**
 * Runs an engine command that must fail; returns everything it printed and every event the engine
 * streamed (every diagnostic, the provider's debug lines among them) but the SDK's trace above.
 */
async function failing(
  run: (opts: { onOutput: (s: string) => void; onEvent: (e: EngineEvent) => void }) => Promise<unknown>,
): Promise<string> {
  const sink = outputSink();
  const events: string[] = [];
  const outcome = await run({
    onOutput: sink.onOutput,
    onEvent: (e) => {
      if (!SDK_TRACE.test(e.diagnosticEvent?.message ?? "")) events.push(JSON.stringify(e));
    },
  }).then(
    () => "succeeded",
    (e: Error) => e.message,
  );
  expect(outcome).not.toBe("succeeded");
  expect(events.some((e) => e.includes("diagnosticEvent"))).toBe(true);
  return `${sink.lines.join("")}\n${events.join("\n")}\n${outcome}`;
}

function expectNoSecret(output: string, ...secrets: string[]): void {
  for (const s of [...secrets, h.emulator.accessKeySecret]) {
    expect(s.length).toBeGreaterThan(8);
    const at = output.indexOf(s);
    expect(
      at === -1 ? "" : output.slice(Math.max(0, at - 600), at + 100),
      "secret in the engine's output",
    ).toBe("");
    expect(h.stateFile().includes(s), "secret in the state file").toBe(false);
  }
}

it("a failing create and a failing check with the directory's own clientSecret", async () => {
  // The emulator knows no such client: the token request, and so the create, fails.
  const create = await failing((o) => h.stack.up(o));
  expect(create).toMatch(/ScimDirectory|people/);
  expectNoSecret(create, GIVEN);
  await h.stack.setConfig("concurrency", { value: "999" });
  const check = await failing((o) => h.stack.preview(o));
  expect(check).toMatch(/concurrency.*must be a whole number from 1 to 64/);
  expectNoSecret(check, GIVEN);
  await h.stack.removeConfig("concurrency");
});

emulatorOnly("injects SCIM server errors").test(
  "the application's secret: a failing update, a refusal and a failing delete",
  async () => {
    await h.stack.setConfig("useApp", { value: "true" });
    await h.stack.setConfig("maxDeletions", { value: "1" });
    const res = await h.stack.up();
    appSecret = String(res.outputs.clientSecret?.value ?? "");
    expect(res.outputs.clientSecret?.secret).toBe(true);
    expectNoSecret("", appSecret, GIVEN);
    // Update: every create fails (carol is new), the sync stops with partial state.
    await h.stack.setConfig("addCarol", { value: "true" });
    await h.emulator.injectFault({ service: "scim", action: "CreateUser", kind: "server-error", ratio: 1 });
    expectNoSecret(await failing((o) => h.stack.up(o)), appSecret);
    await h.emulator.clearFaults();
    // Refusal: two people, more than maxDeletions (1), and no allowDestroy recorded.
    const refused = await failing((o) => h.stack.destroy(o));
    expect(refused).toMatch(/Set allowDestroy: true on it and run pulumi up first/);
    expectNoSecret(refused, appSecret);
    // Delete: allowed now, and every SCIM delete fails.
    await h.stack.setConfig("allowDestroy", { value: "true" });
    await h.stack.up();
    await h.emulator.injectFault({ service: "scim", action: "DeleteUser", kind: "server-error", ratio: 1 });
    expectNoSecret(await failing((o) => h.stack.destroy(o)), appSecret);
    await h.emulator.clearFaults();
    await h.stack.destroy();
  },
);

emulatorOnly("reads the users from the emulator's state").test(
  "retainOnDelete on a directory over maxDeletions: destroy succeeds and leaves everyone in place",
  async () => {
    // Three people, maxDeletions 1, no allowDestroy: only retainOnDelete lets the destroy through.
    await h.stack.removeConfig("allowDestroy");
    await h.stack.setConfig("retain", { value: "true" });
    await h.stack.up();
    const users = async () => {
      const state = (await h.emulator.state()) as {
        services: { ram: { users: Array<{ userName: string }> } };
      };
      return state.services.ram.users.map((u) => u.userName.split("@")[0]).sort();
    };
    expect(await users()).toEqual(["alice", "bob", "carol", "dave"]);
    const res = await h.stack.destroy();
    expect(res.summary.result).toBe("succeeded");
    // The directory's people remain; dave (a ScimUser, not retained) is deleted.
    expect(await users()).toEqual(["alice", "bob", "carol"]);
    await h.stack.removeConfig("retain");
  },
);

emulatorOnly("injects EIAM server errors").test(
  "IDaaS: the client secret and IdaasClientConfig's inputs through a failing create, check, update and delete",
  async () => {
    await h.stack.setAllConfig({
      scim: { value: "false" },
      instanceId: { value: h.emulator.eiamInstanceId },
    });
    // Create: the valid config (its clientId a Pulumi secret) needs the instance's domain; that call fails.
    await h.emulator.injectFault({ service: "eiam", action: "GetInstance", kind: "server-error", ratio: 1 });
    const create = await failing((o) => h.stack.up(o));
    expect(create).toMatch(/IdaasClientConfig/);
    await h.emulator.clearFaults();
    const up = await h.stack.up();
    const idaasSecret = String(up.outputs.idaasSecret?.value ?? "");
    expect(up.outputs.idaasSecret?.secret).toBe(true);
    // The config whose clientId is a secret: a refresh stores as secrets exactly the outputs the
    // create did, so the drift gate finds nothing to change.
    await h.stack.preview({ refresh: true, expectNoChanges: true });
    expectNoSecret(create, idaasSecret);
    // Check: the client secret where its variable's name belongs (as a Pulumi secret, and pasted in
    // plain), and a private key where a certificate belongs.
    const plainSecret = `CS${"k7Qm2".repeat(7)}`;
    const privateKey = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const keyBody = privateKey.split("\n")[1] ?? "";
    for (const [kind, says] of [
      ["secret-as-name", "clientSecretEnvVarName: is a Pulumi secret"],
      ["plain-secret-as-name", "clientSecretEnvVarName: has the format of an IDaaS client secret"],
      ["key-as-certificate", "holds a private key"],
    ]) {
      await h.stack.setConfig("badConfig", {
        value: JSON.stringify({ kind, plainSecret, privateKey }),
        secret: true,
      });
      const check = await failing((o) => h.stack.preview(o));
      expect(check).toContain(says);
      expectNoSecret(check, idaasSecret, plainSecret, keyBody);
    }
    await h.stack.removeConfig("badConfig");
    // Update: a rotation whose new secret cannot be created.
    await h.stack.setConfig("secretVersion", { value: "2" });
    await h.emulator.injectFault({
      service: "eiam",
      action: "CreateApplicationClientSecret",
      kind: "server-error",
      ratio: 1,
    });
    expectNoSecret(await failing((o) => h.stack.up(o)), idaasSecret);
    await h.emulator.clearFaults();
    await h.stack.removeConfig("secretVersion");
    // Delete: the secret cannot be deleted.
    await h.emulator.injectFault({
      service: "eiam",
      action: "DeleteApplicationClientSecret",
      kind: "server-error",
      ratio: 1,
    });
    expectNoSecret(await failing((o) => h.stack.destroy(o)), idaasSecret);
    await h.emulator.clearFaults();
    await h.stack.destroy();
  },
);

emulatorOnly("attaches a policy by hand through the emulator's console").test(
  "a program's own secrets: a refresh and a failing destroy, which run no check, quote neither",
  async () => {
    const name = "Pn-never-print-policy-name-8d3k";
    const note = "never print this policy note 5f1q";
    await h.stack.removeConfig("instanceId");
    await h.stack.setAllConfig({
      scim: { value: "false" },
      policyName: { value: name, secret: true },
      policyNote: { value: note, secret: true },
    });
    const up = await h.stack.up();
    expect(up.summary.result).toBe("succeeded");
    // Attached by hand to a user the stack does not manage: RAM refuses the delete, and the
    // provider's explanation names the policy.
    await h.emulator.console("ram", "CreateUser", { UserName: "hand-made" });
    await h.emulator.console("ram", "AttachPolicyToUser", {
      UserName: "hand-made",
      PolicyType: "Custom",
      PolicyName: name,
    });
    const refresh = outputSink();
    await h.stack.refresh({ onOutput: refresh.onOutput });
    expectNoSecret(refresh.lines.join(""), name, note);
    const destroy = await failing((o) => h.stack.destroy(o));
    expect(destroy).toContain("is still attached to a RAM user, group or role");
    expectNoSecret(destroy, name, note);
    await h.emulator.console("ram", "DetachPolicyFromUser", {
      UserName: "hand-made",
      PolicyType: "Custom",
      PolicyName: name,
    });
    await h.stack.destroy();
    await h.stack.removeConfig("policyName");
    await h.stack.removeConfig("policyNote");
  },
);

emulatorOnly("a role and a provider in the emulated account").test(
  "a role named by a secret: up, the drift gate and a refresh keep its name, and the ARN made from it, out of state",
  async () => {
    const roleName = "never-print-role-name-3v8n";
    await h.stack.setAllConfig({ scim: { value: "false" }, roleName: { value: roleName, secret: true } });
    const up = outputSink();
    expect((await h.stack.up({ onOutput: up.onOutput })).summary.result).toBe("succeeded");
    expectNoSecret(up.lines.join(""), roleName);
    // The drift gate: the check carries the stable ARN, the refresh reads the role by its recorded
    // name (its id is opaque), and nothing shows as changed.
    const gate = outputSink();
    const preview = await h.stack.preview({ refresh: true, expectNoChanges: true, onOutput: gate.onOutput });
    expect(preview.changeSummary).not.toHaveProperty("update");
    expectNoSecret(gate.lines.join(""), roleName);
    const refresh = outputSink();
    await h.stack.refresh({ onOutput: refresh.onOutput });
    expectNoSecret(refresh.lines.join(""), roleName);
    expect((await h.stack.destroy()).summary.result).toBe("succeeded");
    await h.stack.removeConfig("roleName");
  },
);
