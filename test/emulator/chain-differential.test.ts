/**
 * Differential: the library's discovery (provider/trust/discovery.ts) and the emulated STS
 * (emulator/outbound.ts) rebuild the verified chain independently (the emulator imports nothing
 * from provider/); for the same server and trust they must name the same certificates in the same
 * roles, or the library would recommend pins the emulated STS refuses.
 */
import type { AddressInfo } from "node:net";
import { createServer as createTlsServer } from "node:tls";
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
  it("leaf + intermediate, leaf + intermediate + root, after an intermediate rotation, beside an unrelated CA and a same-named one", async () => {
    const unrelated = createTestCertificates({ label: "unrelated" }).rootCaPem;
    // The IdP's root is "test IdP root CA"; this one has the same name and another key. The library
    // parses only trusted certificates that carry the issuer's name: both, and the signature decides.
    const sameName = createTestCertificates({ label: "test IdP" }).rootCaPem;
    for (const [idp, rotate] of [
      [short, false],
      [full, false],
      [short, true],
    ] as const) {
      if (rotate) await idp.rotateIntermediate();
      for (const ca of [[idp.rootCaPem], [unrelated, idp.rootCaPem], [sameName, unrelated, idp.rootCaPem]]) {
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

  it("finds a root whose name is not plain ASCII, which the name filter cannot look for", async () => {
    const certs = createTestCertificates({ label: 'Zürich ✓ "quoted"' });
    const server = createTlsServer({ cert: certs.leafPem + certs.intermediateCaPem, key: certs.leafKeyPem });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const ca = [createTestCertificates({ label: "unrelated" }).rootCaPem, certs.rootCaPem];
      const lib = await verifiedChain("127.0.0.1", port, { ca, allowPrivateIssuer: true });
      expect(lib.chain.map((c) => c.fingerprint)).toEqual([
        certs.leafFingerprint,
        certs.intermediateFingerprint,
        certs.rootFingerprint,
      ]);
      expect(lib.chain.at(-1)?.subject).toContain("Zürich");
    } finally {
      server.close();
    }
  });
});
