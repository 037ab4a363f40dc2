/**
 * Every provider lifecycle and end-to-end test file is either run by live mode or left to the
 * emulator with a reason (test/live/suites.ts), never neither or both; and every live suite gets
 * its target from test/target.ts, so live mode cannot end up running one against an emulator of
 * its own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { EMULATOR_ONLY_SUITES, LIVE_SUITES } from "./suites";

const ROOT = join(__dirname, "..", "..");
const files = ["test/provider", "test/e2e"].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `${dir}/${f}`),
);

test("each suite is live or emulator-only, with a reason", () => {
  const problems: string[] = [];
  for (const f of files) {
    const live = LIVE_SUITES.includes(f);
    const only = f in EMULATOR_ONLY_SUITES;
    if (live === only)
      problems.push(`${f}: ${live ? "in both lists" : "in neither list"} of test/live/suites.ts`);
    if (only && !EMULATOR_ONLY_SUITES[f]?.trim()) problems.push(`${f}: emulator-only without a reason`);
  }
  for (const f of [...LIVE_SUITES, ...Object.keys(EMULATOR_ONLY_SUITES)])
    if (!files.includes(f)) problems.push(`${f}: listed in test/live/suites.ts but no such test file`);
  expect(problems).toEqual([]);
});

test("every live suite reaches its target through test/target.ts", () => {
  const direct = LIVE_SUITES.filter((f) => /\bstartEmulator\(/.test(readFileSync(join(ROOT, f), "utf8")));
  expect(direct).toEqual([]);
});

test("every provider lifecycle file is decided: converted, or left to the emulator with its true reason", () => {
  const undecided = Object.entries(EMULATOR_ONLY_SUITES)
    .filter(([f, why]) => f.startsWith("test/provider/") && /not converted yet/i.test(why))
    .map(([f]) => f);
  expect(undecided).toEqual([]);
});
