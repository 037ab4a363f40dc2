/**
 * Every guess about the real service names what settles it: in docs/alibaba-api.md every item
 * marked **Guess**, and in emulator/README.md every item of "Behaviour that is a guess", carries
 * "Settled by:" with one or more references, each either `snapshot <step id>` (a step of the live
 * scenario, whose answer live mode records in test/live/snapshots.json) or `live "<words>"`: words
 * of exactly one test's name in test/live/*.live.ts, so a reference can name the clause that states
 * the point ("role names unique case-insensitively") rather than a whole test. A test named must
 * assert something. A guess without a reference, or with one that names nothing or more than one
 * test, fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { scenario } from "../live/scenario";

const ROOT = join(__dirname, "..", "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

/** The items (list entries or paragraphs) of a Markdown text, with their first line number. */
function items(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let current: { line: number; text: string } | undefined;
  text.split("\n").forEach((raw, i) => {
    const starts = /^\s*(-|\d+\.)\s/.test(raw) || /^#/.test(raw) || raw.trim() === "" || /^\|/.test(raw);
    if (starts) {
      if (current) out.push(current);
      current = raw.trim() === "" || /^#/.test(raw) ? undefined : { line: i + 1, text: raw };
    } else if (current) current.text += `\n${raw}`;
    else current = { line: i + 1, text: raw };
  });
  if (current) out.push(current);
  return out;
}

const stepIds = new Set(
  scenario({ prefix: "x-", accountId: "1", eiamInstanceId: "i", officialCli: true }).map((s) => s.id),
);
/** Every live test's name and its source text (up to the next test). */
const liveTests = new Map(
  readdirSync(join(ROOT, "test", "live"))
    .filter((f) => f.endsWith(".live.ts"))
    .flatMap((f) => {
      const src = read(`test/live/${f}`);
      const found = [...src.matchAll(/test(?:\.skipIf\([^)]*\))?\(\s*"([^"]+)"/g)];
      return found.map((m, i) => [m[1] ?? "", src.slice(m.index, found[i + 1]?.index)] as const);
    }),
);

/** What is wrong with an item's "Settled by:" (empty when it names only things that exist). */
function problems(item: string): string[] {
  const m = /Settled by:\s*([\s\S]*)$/.exec(item);
  if (!m?.[1])
    return ["names no settling test or snapshot (add 'Settled by: snapshot <step> | live \"<test>\"')"];
  const refs = [...m[1].matchAll(/snapshot `([^`]+)`|live "([^"]+)"/g)];
  if (refs.length === 0) return ["'Settled by:' names neither a snapshot step nor a live test"];
  const out: string[] = [];
  for (const r of refs) {
    if (r[1] !== undefined && !stepIds.has(r[1])) out.push(`snapshot ${r[1]}: no scenario step has this id`);
    if (r[2] !== undefined) {
      const words = r[2];
      const named = [...liveTests].filter(([t]) => t.includes(words));
      if (named.length === 0) out.push(`live "${words}": no live test has this name`);
      else if (named.length > 1)
        out.push(`live "${words}": ${named.length} live tests have these words; name one`);
      else if (!/\bexpect\(/.test(named[0]?.[1] ?? "")) out.push(`live "${words}": the test asserts nothing`);
    }
  }
  return out;
}

test("every guess in docs/alibaba-api.md names the live test or snapshot that settles it", () => {
  const guesses = items(read("docs/alibaba-api.md")).filter((i) =>
    /\*\*Guess(\.\*\*|:\*\*|\*\* \()/.test(i.text),
  );
  expect(guesses.length).toBeGreaterThan(20);
  const bad = guesses.flatMap((g) => problems(g.text).map((p) => `docs/alibaba-api.md:${g.line}: ${p}`));
  expect(bad).toEqual([]);
});

test("every guess in emulator/README.md names the live test or snapshot that settles it", () => {
  const readme = read("emulator/README.md");
  const start = readme.indexOf("## Behaviour that is a guess");
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const offset = readme.slice(0, start).split("\n").length - 1;
  const guesses = items(section).filter((i) => /^\s*-\s/.test(i.text));
  expect(guesses.length).toBeGreaterThan(30);
  const bad = guesses.flatMap((g) =>
    problems(g.text).map((p) => `emulator/README.md:${g.line + offset}: ${p}`),
  );
  expect(bad).toEqual([]);
});

test("a guess without a settling reference, or with a dangling one, is caught", () => {
  expect(problems("- **Guess.** nothing")).toHaveLength(1);
  expect(problems('- **Guess.** x. Settled by: live "no such test"')).toEqual([
    'live "no such test": no live test has this name',
  ]);
  expect(problems("- **Guess.** x. Settled by: snapshot `ram.Nope`")).toEqual([
    "snapshot ram.Nope: no scenario step has this id",
  ]);
  expect(problems("- **Guess.** x. Settled by: snapshot `ram.GetRole`")).toEqual([]);
  // Words of one test's name settle; words several names share do not.
  expect(problems('- **Guess.** x. Settled by: live "role names unique case-insensitively"')).toEqual([]);
  expect(problems('- **Guess.** x. Settled by: live "SCIM"')).toEqual([
    'live "SCIM": 2 live tests have these words; name one',
  ]);
});
