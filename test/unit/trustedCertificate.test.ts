import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { createTestCertificates } from "../../emulator";
import { TrustedCertificate } from "../../provider/trust/discovery";

const der = (pem: string) => new X509Certificate(pem).raw;

describe("TrustedCertificate's name filter (chain discovery parses only what it lets through)", () => {
  // Node's own roots: every encoding of names the field actually uses.
  const roots = rootCertificates.map((pem) => new X509Certificate(pem));

  it("never rules out the issuer: for every pair of Node's roots, a certificate it rules out did not issue", () => {
    expect(roots.length).toBeGreaterThan(100);
    let ruledOut = 0;
    for (const parent of roots) {
      const t = new TrustedCertificate(parent.raw);
      for (const child of roots) {
        if (t.mayHaveIssued(child)) continue;
        ruledOut++;
        expect(child.checkIssued(parent), `${parent.subject} / ${child.subject}`).toBe(false);
      }
      // A root issued itself: its own name is always let through.
      expect(t.mayHaveIssued(parent), parent.subject).toBe(true);
    }
    // And it filters: nine pairs in ten are ruled out without parsing (94% with Node 20's roots).
    expect(ruledOut).toBeGreaterThan(0.9 * roots.length ** 2);
  });

  it("lets through the root of a test chain and rules out an unrelated one; parses only on demand", () => {
    const certs = createTestCertificates({ label: "filter" });
    const intermediate = new X509Certificate(certs.intermediateCaPem);
    const own = new TrustedCertificate(der(certs.rootCaPem));
    const other = new TrustedCertificate(der(createTestCertificates({ label: "unrelated" }).rootCaPem));
    expect(own.mayHaveIssued(intermediate)).toBe(true);
    expect(other.mayHaveIssued(intermediate)).toBe(false);
    expect(own.cert?.fingerprint).toBe(new X509Certificate(certs.rootCaPem).fingerprint);
    expect(new TrustedCertificate(Buffer.from("not a certificate")).cert).toBeUndefined();
  });

  it("does not filter on a name it cannot look for (not ASCII, or printed escaped)", () => {
    const anything = new TrustedCertificate(Buffer.from("unrelated bytes"));
    for (const label of ["Zürich", 'a "quoted" name', "a\\backslash"]) {
      const child = new X509Certificate(createTestCertificates({ label }).intermediateCaPem);
      expect(anything.mayHaveIssued(child), label).toBe(true);
    }
  });
});
