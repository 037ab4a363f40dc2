/**
 * Cells of the fault matrix under the real Pulumi engine: an `up` that dies at a create (its
 * answer lost, the service unreachable after), then a second `up`: exactly one object, and
 * `preview --refresh --expect-no-changes` is clean. The engine's own partial-state handling
 * (created-but-failed, then update) is what carries the first run's knowledge to the second.
 */
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EngineHarness, startEngine } from "./engine";

const PROGRAM = path.join(__dirname, "programs", "oidc");
const fp = (n: number) => n.toString(16).padStart(40, "0");

let h: EngineHarness;

type Live = { OIDCProviderName: string };
async function liveProviders(): Promise<Live[]> {
  const body = (await h.emulator.console("ims", "ListOIDCProviders", {})) as {
    OIDCProviders?: { OIDCProvider?: Live[] };
  };
  return body.OIDCProviders?.OIDCProvider ?? [];
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => "passed",
    (e: Error) => e.message,
  );

beforeAll(async () => {
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "crash",
    config: { fingerprints: JSON.stringify([fp(1)]) },
  });
}, 600_000);
afterAll(async () => h?.close());

describe("an up that dies at a create, then another up", () => {
  beforeEach(async () => {
    await h.emulator.clearFaults();
    await h.stack.destroy();
    expect(await liveProviders()).toEqual([]);
  });

  it("answer lost, then the service unreachable: the second up adopts the one provider the first made", async () => {
    await h.emulator.injectFault({ action: "CreateOIDCProvider", kind: "lost", count: 1 });
    // The service that lost the answer stays down (STS's account check, made first, still answers).
    await h.emulator.injectFault({ service: "ims", kind: "server-error", count: 1000 });
    const first = await failure(h.stack.up());
    expect(first).toMatch(/Whether the object was created is unknown/);
    expect(await liveProviders()).toHaveLength(1);
    await h.emulator.clearFaults();
    const second = await h.stack.up();
    expect(second.summary.resourceChanges).toMatchObject({ update: 1 });
    expect((await liveProviders()).map((p) => p.OIDCProviderName)).toEqual(["e2e-idp"]);
    const clean = await h.stack.preview({ refresh: true, expectNoChanges: true });
    expect(clean.changeSummary).toMatchObject({ same: 2 });
  }, 300_000);

  it("answer lost once: the same up finds the provider it made and finishes, with one provider", async () => {
    await h.emulator.injectFault({ action: "CreateOIDCProvider", kind: "lost", count: 1 });
    const res = await h.stack.up();
    expect(res.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(await liveProviders()).toHaveLength(1);
    const clean = await h.stack.preview({ refresh: true, expectNoChanges: true });
    expect(clean.changeSummary).toMatchObject({ same: 2 });
  }, 300_000);
});
