/**
 * The library's `evaluateTrust` and the emulator's own evaluator (what its STS decides with) are
 * written separately from RAM's documentation; here they are held to the same documentation table
 * and to each other on random policies. A bug in one is caught by the other, not reproduced.
 * A million cases: `npm run fuzz:trust`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globMatch } from "../../emulator/services/ram/glob";
import { stringLike } from "../../provider/trust/evaluate";
import {
  emulatorDecision,
  INHERITED_NAMES,
  libraryDecision,
  randomCase,
  seeded,
} from "../../scripts/trustCases";
import { ARN, rows } from "./trustTable";

describe("the documentation table", () => {
  it("has at least 150 rows, each named once", () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    expect({ library: libraryDecision(row, ARN), emulator: emulatorDecision(row, ARN) }).toEqual({
      library: row.expected,
      emulator: row.expected,
    });
  });

  it("covers every decision class", () => {
    const classes = new Set(rows.map((r) => r.expected));
    expect([...classes].sort()).toEqual([
      "allow",
      "explicit-deny",
      "implicit-deny",
      "malformed",
      "undetermined",
    ]);
  });
});

describe("differential: library evaluateTrust against the emulator's STS evaluator", () => {
  it("agree on 10,000 random policies and claim sets (same decision, same reason class)", () => {
    const seen = new Map<string, number>();
    const inherited = new Map<string, number>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const c = randomCase(seeded(seed), "https://idp.example", "sts.aliyuncs.com");
        for (const name of INHERITED_NAMES)
          if (c.policy.includes(`"${name}"`)) inherited.set(name, (inherited.get(name) ?? 0) + 1);
        const library = libraryDecision(c);
        seen.set(library, (seen.get(library) ?? 0) + 1);
        expect(emulatorDecision(c), `${c.policy} with ${JSON.stringify(c.claims)}`).toBe(library);
      }),
      { numRuns: 10_000, seed: 20261130 },
    );
    // The generator reaches every class often enough for the agreement to mean something.
    for (const cls of ["allow", "explicit-deny", "implicit-deny", "undetermined", "malformed"])
      expect(seen.get(cls) ?? 0, cls).toBeGreaterThan(150);
    // Names every JavaScript object inherits, as operators and keys, are in the slice.
    for (const name of INHERITED_NAMES) expect(inherited.get(name) ?? 0, name).toBeGreaterThan(10);
  });
});

describe("wildcards in bounded time (no backtracking)", () => {
  const adversarial: Array<[string, string]> = [
    [`${"*a".repeat(10)}*b`, "a".repeat(40)],
    [`${"*a".repeat(50)}*b`, "a".repeat(2_000)],
    [`${"*a".repeat(200)}*b`, "a".repeat(20_000)],
    [`${"*?".repeat(100)}*b`, "a".repeat(10_000)],
    [`a${"*".repeat(500)}b`, `a${"x".repeat(10_000)}`],
  ];

  it.each(adversarial.map(([p, t]) => [p.length, t.length, p, t] as const))(
    "pattern of %i against %i characters: library steps <= (p+1)(t+1), emulator <= 2(p+1)(t+1)",
    (_pl, _tl, pattern, text) => {
      const lib = { steps: 0 };
      const emu = { steps: 0 };
      expect(stringLike(pattern, text, lib)).toBe(false);
      expect(globMatch(pattern, text, emu)).toBe(false);
      const bound = (pattern.length + 1) * (text.length + 1);
      // Both count their work; a matcher that does not cannot prove a bound.
      expect(lib.steps).toBeGreaterThan(0);
      expect(emu.steps).toBeGreaterThan(0);
      expect(lib.steps).toBeLessThanOrEqual(bound);
      expect(emu.steps).toBeLessThanOrEqual(2 * bound);
      // The library's piecewise scan is linear in the text for these inputs: each piece is found
      // at once, and only the last one fails.
      expect(lib.steps).toBeLessThanOrEqual(4 * (pattern.length + text.length));
    },
  );

  it("the issue's case ('*a' x10 + '*b' against 40 characters) takes a few dozen steps, not ~46 s", () => {
    const lib = { steps: 0 };
    const emu = { steps: 0 };
    expect(stringLike(`${"*a".repeat(10)}*b`, "a".repeat(40), lib)).toBe(false);
    expect(globMatch(`${"*a".repeat(10)}*b`, "a".repeat(40), emu)).toBe(false);
    expect(lib.steps).toBeGreaterThan(0);
    expect(lib.steps).toBeLessThanOrEqual(60);
    expect(emu.steps).toBeGreaterThan(0);
    expect(emu.steps).toBeLessThanOrEqual(2 * 22 * 41);
  });

  it("both matchers agree with each other and stay within the bound on random inputs", () => {
    const alphabet = fc.constantFrom("a", "b", "*", "?", "ß", "😀");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), fc.array(alphabet, { maxLength: 30 }), (p, t) => {
        const pattern = p.join("");
        const text = t.join("").replace(/[*?]/g, "a");
        const lib = { steps: 0 };
        const emu = { steps: 0 };
        expect(stringLike(pattern, text, lib)).toBe(globMatch(pattern, text, emu));
        const bound = (Array.from(pattern).length + 1) * (Array.from(text).length + 1);
        expect(lib.steps).toBeLessThanOrEqual(bound);
        expect(emu.steps).toBeLessThanOrEqual(2 * bound);
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });
});
