/**
 * Differential: the library's discovery (provider/trust/discovery.ts) and the emulated STS
 * (emulator/outbound.ts) rebuild the verified chain independently (the emulator imports nothing
 * from provider/); for the same server and trust they must name the same certificates in the same
 * roles, or the library would recommend pins the emulated STS refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCertificates, startTestIdp, type TestIdp } from "../../emulator";
import { verifiedChainOf } from "../../emulator/outbound";
import { verifiedChain } from "../../provider/trust/discovery";

let short: TestIdp;
let full: TestIdp;
beforeAll(async () => {
  [short, full] = await Promise.all([startTestIdp(), startTestIdp({ presentRoot: true })]);
});
afterAll(async () => {
  await short?.close();
  await full?.close();
});

async function both(idp: TestIdp, ca: string[]) {
  const { hostname, port } = new URL(idp.issuer);
  const lib = await verifiedChain(hostname, Number(port), { ca, allowPrivateIssuer: true });
  const emu = await verifiedChainOf(`${idp.issuer}/jwks`, { ca, timeoutMs: 5000 });
  return {
    lib: lib.chain.map((c) => [c.role, c.fingerprint, c.subject]),
    emu: emu.chain.map((c) => [c.role, c.sha1, c.subject]),
    recommended: lib.recommended,
  };
}

describe("library discovery and emulated STS agree on the verified chain", () => {
  it("leaf + intermediate, leaf + intermediate + root, after an intermediate rotation, beside an unrelated CA", async () => {
    const unrelated = createTestCertificates({ label: "unrelated" }).rootCaPem;
    for (const [idp, rotate] of [
      [short, false],
      [full, false],
      [short, true],
    ] as const) {
      if (rotate) await idp.rotateIntermediate();
      for (const ca of [[idp.rootCaPem], [unrelated, idp.rootCaPem]]) {
        const r = await both(idp, ca);
        expect(r.lib).toEqual(r.emu);
        expect(r.lib.map((c) => c[0])).toEqual(["leaf", "intermediate", "anchor"]);
        expect(r.lib.map((c) => c[1])).toEqual([
          idp.leafFingerprint,
          idp.intermediateFingerprint,
          idp.rootFingerprint,
        ]);
        // Every recommended pin is one the emulated STS accepts (above the leaf).
        const accepted = r.emu.filter((c) => c[0] !== "leaf").map((c) => c[1]);
        for (const pin of r.recommended) expect(accepted).toContain(pin);
      }
    }
  });
});
