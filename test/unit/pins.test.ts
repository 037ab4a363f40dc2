/** judgePins: the pure verdict on pinned fingerprints against a live chain. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChainCertificate } from "../../provider/trust/discovery";
import { EXPIRY_WARNING_DAYS, judgePins } from "../../provider/trust/pins";

const NOW = Date.parse("2026-05-01T00:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const at = (ms: number) => new Date(ms).toISOString();
const fp = (c: string) => c.repeat(40);

function chainOf(intermediateExpires = NOW + 400 * DAY): ChainCertificate[] {
  return [
    {
      role: "leaf",
      fingerprint: fp("1"),
      subject: "CN=idp.example",
      notAfter: at(NOW + 60 * DAY),
      presented: true,
    },
    {
      role: "intermediate",
      fingerprint: fp("2"),
      subject: "CN=Example CA1",
      notAfter: at(intermediateExpires),
      presented: true,
    },
    {
      role: "anchor",
      fingerprint: fp("3"),
      subject: "CN=Example Root",
      notAfter: at(NOW + 3000 * DAY),
      presented: false,
    },
  ];
}
const live = (chain = chainOf()) => ({
  chain,
  recommended: [fp("3"), fp("2")],
  host: "idp.example",
  port: 443,
});

describe("judgePins", () => {
  it("fails exactly when no pin is a certificate above the leaf; warns exactly when a match leaves the anchor unpinned", () => {
    const pool = [fp("1"), fp("2"), fp("3"), fp("4")];
    fc.assert(
      fc.property(fc.subarray(pool, { minLength: 1 }), (pins) => {
        const v = judgePins(pins, live(), NOW);
        const matches = pins.includes(fp("2")) || pins.includes(fp("3"));
        expect(v.failure !== undefined).toBe(!matches);
        const noAnchor = v.warnings.some((w) => w.startsWith("no pinned fingerprint is the trust anchor"));
        expect(noAnchor).toBe(matches && !pins.includes(fp("3")));
      }),
    );
  });

  it(`expiry: exactly ${EXPIRY_WARNING_DAYS} days away warns, one millisecond more does not`, () => {
    const edge = judgePins([fp("2"), fp("3")], live(chainOf(NOW + 30 * DAY)), NOW);
    expect(edge.warnings).toEqual([
      `the pinned intermediate ${fp("2")} 'CN=Example CA1' expires on 2026-05-31, in 30 days: logins keep working through the other pin (${fp("3")}); add its successor when the issuer publishes it`,
    ]);
    expect(judgePins([fp("2"), fp("3")], live(chainOf(NOW + 30 * DAY + 1)), NOW).warnings).toEqual([]);
  });

  it("an expired-tomorrow intermediate pinned alone: both warnings, the second saying nothing outlives it", () => {
    const v = judgePins([fp("2")], live(chainOf(NOW + DAY)), NOW);
    expect(v.failure).toBeUndefined();
    expect(v.warnings).toHaveLength(2);
    expect(v.warnings[1]).toContain("in 1 days: no other pin outlives it");
  });
});
