/**
 * Every guess about the real service names what settles it: in docs/alibaba-api.md every item
 * marked **Guess**, and in emulator/README.md every item of "Behaviour that is a guess", carries
 * "Settled by:" with one or more references, each either `snapshot <step id>` (a step of the live
 * scenario, whose answer live mode records in test/live/snapshots.json) or `live "<test name>"` (a
 * test in test/live/*.live.ts). A guess without one, or with a reference to nothing, fails here.
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
const liveTests = new Set(
  readdirSync(join(ROOT, "test", "live"))
    .filter((f) => f.endsWith(".live.ts"))
    .flatMap((f) =>
      [...read(`test/live/${f}`).matchAll(/test(?:\.skipIf\([^)]*\))?\(\s*"([^"]+)"/g)].map(
        (m) => m[1] ?? "",
      ),
    ),
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
      const name = r[2];
      if (![...liveTests].some((t) => t.startsWith(name)))
        out.push(`live "${name}": no live test has this name`);
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
});
