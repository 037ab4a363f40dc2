import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planFingerprintSteps } from "../../provider/plan";

const LIMITS = { min: 1, max: 5 };
const fp = (n: number) => n.toString(16).padStart(40, "0");

/** Applies a plan and records the count after every step. */
function simulate(current: string[], steps: ReturnType<typeof planFingerprintSteps>) {
  const set = new Set(current);
  const counts: number[] = [];
  for (const s of steps) {
    if (s.op === "add") {
      expect(set.has(s.fingerprint)).toBe(false);
      set.add(s.fingerprint);
    } else {
      expect(set.has(s.fingerprint)).toBe(true);
      set.delete(s.fingerprint);
    }
    counts.push(set.size);
  }
  return { final: [...set].sort(), counts };
}

describe("planFingerprintSteps", () => {
  it("rotates all 5 of 5 in 10 calls, alternating remove/add, never leaving 1..5", () => {
    const cur = [1, 2, 3, 4, 5].map(fp);
    const want = [6, 7, 8, 9, 10].map(fp);
    const steps = planFingerprintSteps(cur, want, LIMITS);
    expect(steps.map((s) => s.op)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? "add" : "remove")));
    const { final, counts } = simulate(cur, steps);
    expect(final).toEqual(want);
    expect(Math.min(...counts)).toBe(4);
    expect(Math.max(...counts)).toBe(5);
  });

  it("adds the new fingerprint before removing the old one when there is room", () => {
    const steps = planFingerprintSteps([fp(1)], [fp(2)], LIMITS);
    expect(steps).toEqual([
      { op: "add", fingerprint: fp(2) },
      { op: "remove", fingerprint: fp(1) },
    ]);
  });

  it("plans nothing when the sets are equal", () => {
    expect(planFingerprintSteps([fp(1), fp(2)], [fp(2), fp(1)], LIMITS)).toEqual([]);
  });

  it("refuses a desired set outside the limits", () => {
    expect(() => planFingerprintSteps([fp(1)], [], LIMITS)).toThrow(RangeError);
    expect(() => planFingerprintSteps([fp(1)], [1, 2, 3, 4, 5, 6].map(fp), LIMITS)).toThrow(RangeError);
  });

  it("for any sets within 1..5: reaches the target in exactly |added|+|removed| calls, within 1..5 at every step", () => {
    const setArb = fc
      .uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 })
      .map((a) => a.map(fp));
    fc.assert(
      fc.property(setArb, setArb, (cur, want) => {
        const steps = planFingerprintSteps(cur, want, LIMITS);
        const added = want.filter((f) => !cur.includes(f)).length;
        const removed = cur.filter((f) => !want.includes(f)).length;
        expect(steps).toHaveLength(added + removed);
        const { final, counts } = simulate(cur, steps);
        expect(final).toEqual([...want].sort());
        for (const c of counts) {
          expect(c).toBeGreaterThanOrEqual(1);
          expect(c).toBeLessThanOrEqual(5);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is deterministic: the same inputs in any order give the same plan", () => {
    const setArb = fc
      .uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 })
      .map((a) => a.map(fp));
    fc.assert(
      fc.property(setArb, setArb, (cur, want) => {
        const a = planFingerprintSteps(cur, want, LIMITS);
        const b = planFingerprintSteps([...cur].reverse(), [...want].reverse(), LIMITS);
        expect(b).toEqual(a);
      }),
    );
  });
});
