/**
 * Endpoint and credentials from stack config instead of the environment:
 * they reach the provider through `configure`, and the secret never lands in
 * state, in the stack's config file, or in the serialized provider.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { named, namedIssuer, onEmulator } from "../target";
import { type EngineHarness, startEngine, writeCalls } from "./engine";

const PROGRAM = path.join(__dirname, "programs", "oidc");
const NAME = named("from-config");
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e-config",
    credentialsVia: "config",
    config: {
      fingerprints: JSON.stringify(["a".repeat(40)]),
      name: NAME,
      issuerUrl: namedIssuer("https://idp.example.com"),
    },
  });
}, 600_000);
afterAll(async () => h?.close());

it("reaches the emulator with keys from stack config, and keeps the secret out of state and config", async () => {
  expect(h.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET).toBeUndefined();
  expect(h.env.ALICLOUD_FEDERATION_ENDPOINT).toBeUndefined();
  await h.emulator.clearRequests();
  await h.stack.up();
  await onEmulator(async () => expect(await writeCalls(h.emulator)).toEqual(["CreateOIDCProvider"]));
  expect(await h.emulator.console("ims", "GetOIDCProvider", { OIDCProviderName: NAME })).toBeDefined();
  const secret = h.emulator.accessKeySecret;
  expect(h.stateFile()).not.toContain(secret);
  expect(fs.readFileSync(path.join(PROGRAM, `Pulumi.${h.stackName}.yaml`), "utf8")).not.toContain(secret);
  await h.stack.destroy();
  await onEmulator(async () =>
    expect(await writeCalls(h.emulator)).toEqual(["CreateOIDCProvider", "DeleteOIDCProvider"]),
  );
  const gone = await h.emulator.console("ims", "GetOIDCProvider", { OIDCProviderName: NAME }).then(
    () => "still there",
    (e: Error) => e.message,
  );
  expect(gone).toMatch(/EntityNotExist/);
});
