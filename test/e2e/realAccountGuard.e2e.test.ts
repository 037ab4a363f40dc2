/**
 * `pulumi up` at the repository root (Pulumi.yaml runs examples/github-actions-oidc) with no
 * emulator endpoint and none of the settings that grant access: it stops at preview, explaining
 * the two choices, and registers no resource, so no call can be made. With the settings given, the
 * guard lets it through to the provider.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { REPO_ROOT } from "../../scripts/engine";
import { onEmulator } from "../target";
import { type EngineHarness, outputSink, startEngine } from "./engine";

// Each engine run takes seconds, more on a busy machine; several run per test here.
vi.setConfig({ testTimeout: 180_000 });

let h: EngineHarness;

beforeAll(async () => {
  // Credentials through stack config, no endpoint anywhere: what a user's shell with a real
  // Alibaba profile looks like (the keys here are the emulator's, which no real service knows).
  h = await startEngine({ workDir: REPO_ROOT, stackName: "e2e-root-guard", credentialsVia: "config" });
  await h.stack.removeConfig("alicloud-federation:endpoint");
  // The engine inherits this process's environment too; live mode pointed at an emulator names
  // it there for the whole run (this file's worker is its own process).
  delete process.env.ALICLOUD_FEDERATION_ENDPOINT;
}, 600_000);
afterAll(async () => h?.close());

const resourceSteps = (events: EngineEvent[]) =>
  events.filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.type !== "pulumi:pulumi:Stack");

it("with no endpoint and no repository/cliUsers, up stops at preview with the two choices, registering nothing", async () => {
  const events: EngineEvent[] = [];
  const sink = outputSink();
  const err = await h.stack.up({ onEvent: (e) => void events.push(e), onOutput: sink.onOutput }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err).toBeDefined();
  const text = `${err?.message}\n${sink.lines.join("")}`;
  expect(text).toContain(
    "This stack targets a real Alibaba Cloud account (no emulator endpoint is set), and repository and cliUsers are not set.",
  );
  expect(text).toContain("1. Try it against the local emulator");
  expect(text).toContain("2. Use it on your account, deliberately");
  expect(text).toContain("Nothing was created or changed");
  expect(resourceSteps(events)).toEqual([]);
  await onEmulator(async () => expect(await h.emulator.requests()).toEqual([]));
  // The stack holds nothing but itself.
  const held = ((await h.stack.exportStack()).deployment.resources ?? []) as Array<{ type: string }>;
  expect(held.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
});

it("with the settings that grant access given explicitly, the program registers its resources", async () => {
  await h.stack.setConfig("repository", { value: "my-org/infra" });
  await h.stack.setConfig("cliUsers", { value: "[]" });
  await h.stack.setConfig("fingerprints", {
    value: JSON.stringify(["6ecaae3f2a354f6a0749ce0e8e56c41260169e11"]),
  });
  const events: EngineEvent[] = [];
  // Preview only: nothing here may write. A preview of new objects does read (the caller's
  // account for the name look-up, the issuer's certificate chain for the given pin); with no
  // endpoint those reads would go to the public service, which this machine cannot resolve, so
  // they fail quietly and add no error. The emulator, which has no endpoint here, sees nothing.
  await h.stack.preview({ onEvent: (e) => void events.push(e) });
  expect(resourceSteps(events).map((e) => e.resourcePreEvent?.metadata.op)).toContain("create");
  await onEmulator(async () => expect(await h.emulator.requests()).toEqual([]));
});
