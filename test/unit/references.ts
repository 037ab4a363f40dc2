/**
 * Finds references in the repository's code and documents that do not resolve inside it: the
 * repository must stand alone, so a reader can follow every pointer from a clone.
 *
 * Checked:
 * - relative paths (`./x`, `../x`, in imports, comments and prose) must exist and stay inside;
 * - Markdown links to local files must exist;
 * - paths named from the repository root (`provider/…`, `docs/…`, `scripts/…`) must exist;
 * - `docs/alibaba-api.md §x.y` citations must name a section the document has;
 * - nothing may point at the machine the repository was written on (`/work/…`, a `shared/` tree).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export interface Finding {
  file: string;
  line: number;
  reference: string;
  problem: string;
}

/** The API facts document code cites by section. */
export const API_FACTS = "docs/alibaba-api.md";

const TEXT_FILE = /\.(ts|cts|mts|js|cjs|mjs|md|sh|py|yaml|yml|json|toml|txt)$|(^|\/)(run|Dockerfile)$/;
/**
 * Generated or vendored files (not written here), and this checker and its test, which hold the
 * very patterns they look for as examples.
 */
const SKIPPED = /(^|\/)(package-lock\.json|go\.sum)$|^test\/unit\/references(\.test)?\.ts$/;
/** Top-level directories a root-relative path may start with. */
const ROOTS = ["provider", "emulator", "test", "scripts", "examples", "docs", "bench", "tools", ".ci"];

/** Files tracked or about to be (untracked but not ignored), as repository-relative paths. */
export function repositoryFiles(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
  });
  return out
    .split("\0")
    .filter((f) => f !== "" && TEXT_FILE.test(f) && !SKIPPED.test(f) && existsSync(join(root, f)))
    .sort();
}

/** Section numbers of the API facts document: `## 3.` gives "3", `### 3.2` gives "3.2". */
export function sectionsOf(markdown: string): Set<string> {
  const sections = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s/gm)) sections.add(m[1]!);
  return sections;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Comment continuations (`\n * `, `\n // `, `\n # `) read as one line of prose. */
function joinContinuations(text: string): string {
  return text.replace(/\s*\n\s*(?:\*(?!\/)|\/\/|#)?\s*/g, " ");
}

/**
 * The section numbers cited right after a mention of the API facts document:
 * `§1.4`, `§8.1-8.2`, `§4-§5`, `§5.3/§9.6`, `§5 and §6.3`.
 */
export function citedSections(after: string): string[] {
  const head = joinContinuations(after.slice(0, 200));
  const m = /^[`'"]?\s*(?:,\s*)?(§\s?\d+(?:\.\d+)*(?:\s*(?:-|–|\/|,|and|or)\s*§?\s?\d+(?:\.\d+)*)*)/.exec(
    head,
  );
  if (!m) return [];
  return [...m[1]!.matchAll(/\d+(?:\.\d+)*/g)].map((n) => n[0]);
}

function inside(root: string, absolute: string): boolean {
  const rel = relative(root, absolute);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * A path as written resolves when the file exists, or a module of that name does. Build output
 * (`dist/x.js`, `dist/x.d.ts`) resolves to its source, so a fresh clone passes before a build.
 */
function resolves(root: string, absolute: string): boolean {
  const rel = relative(root, absolute).split(sep).join("/");
  if (/^(?:.*\/)?dist\//.test(rel)) {
    const source = join(root, rel.replace(/^(?:.*\/)?dist\//, "").replace(/(?:\.d)?\.(?:js|ts)$/, ""));
    if (resolves(root, source) || existsSync(source)) return true;
  }
  const candidates = [absolute, `${absolute}.ts`, `${absolute}.js`, join(absolute, "index.ts")];
  if (absolute.endsWith(".js")) candidates.push(absolute.replace(/\.js$/, ".ts"));
  return candidates.some((c) => existsSync(c));
}

const CODE_FILE = /\.(ts|cts|mts|js|cjs|mjs)$/;

/**
 * The text of a code file with everything but comments and module specifiers (`from "x"`,
 * `import("x")`, `require("x")`) blanked, line breaks kept so line numbers stay right.
 */
export function commentsAndSpecifiers(code: string): string {
  const keep = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|(?:\bfrom|\bimport|\brequire)\s*\(?\s*(["'])[^"'\n]*\1/g;
  let out = "";
  let last = 0;
  for (const m of code.matchAll(keep)) {
    out += code.slice(last, m.index).replace(/[^\n]/g, " ") + m[0];
    last = m.index + m[0].length;
  }
  return out + code.slice(last).replace(/[^\n]/g, " ");
}

const trimPath = (p: string) => p.replace(/[.,:;)`'"\]]+$/, "").replace(/#.*$/, "");

/** Every unresolvable reference in one file's text. */
export function findingsIn(root: string, file: string, text: string, sections: Set<string>): Finding[] {
  const findings: Finding[] = [];
  const here = dirname(join(root, file));
  const add = (index: number, reference: string, problem: string) =>
    findings.push({ file, line: lineOf(text, index), reference, problem });

  // Pointers at the machine the repository was written on, or at a reference tree beside it.
  for (const m of text.matchAll(
    /\/work\/[\w./-]*|(?:\.\.\/)+shared\/[\w./-]*|shared\/reference\b[\w./-]*/g,
  )) {
    add(m.index, m[0], "points outside the repository");
  }

  // Relative paths: `./x`, `../x`. Not after a word character, so `a/../b` and URLs are skipped.
  // In code, only comments and module specifiers: other strings are paths relative to wherever the
  // program points them (a generated project, a temporary folder), not to the file.
  // In package.json, the keys of `exports` ("./providers": {...}) name subpaths of the package, not files.
  const prose = CODE_FILE.test(file)
    ? commentsAndSpecifiers(text)
    : file.endsWith("package.json")
      ? text.replace(/"\.\/[\w-]+"(?=\s*:\s*\{)/g, (key) => " ".repeat(key.length))
      : text;
  for (const m of prose.matchAll(/(?<![\w.:/-])(\.{1,2}\/[\w@.-][\w@./-]*)/g)) {
    const written = trimPath(m[1]!);
    if (written.includes("*") || /\$\{|<|>/.test(written)) continue;
    const absolute = resolve(here, written);
    if (!inside(root, absolute)) add(m.index, written, "points outside the repository");
    else if (!resolves(root, absolute)) add(m.index, written, `does not exist (resolved from ${file})`);
  }

  // Markdown links to local files.
  if (file.endsWith(".md")) {
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^(?:[a-z]+:|#)/i.test(target)) continue;
      const written = target.replace(/#.*$/, "");
      const absolute = resolve(here, written);
      if (!inside(root, absolute)) add(m.index, target, "links outside the repository");
      else if (!existsSync(absolute)) add(m.index, target, "links to a file that does not exist");
    }
  }

  // Paths named from the repository root: `provider/limits.ts`, `docs/alibaba-api.md`.
  const rootPath = new RegExp(
    `(?<![\\w./@-])((?:${ROOTS.map((r) => r.replace(".", "\\.")).join("|")})/[\\w./-]*)`,
    "g",
  );
  for (const m of text.matchAll(rootPath)) {
    const written = trimPath(m[1]!);
    if (!/\.[a-z]{1,4}$/.test(written) && !written.endsWith("/")) continue; // a word, not a path
    const fromRoot = join(root, written);
    const fromHere = resolve(here, written);
    if (!resolves(root, fromRoot) && !resolves(root, fromHere))
      add(m.index, written, "does not exist in the repository");
  }

  // A document named without a directory must be one of ours.
  for (const m of text.matchAll(/(?<![\w./@-])([\w-]+\.md)\b/g)) {
    const name = m[1]!;
    if (
      !resolves(root, resolve(here, name)) &&
      !resolves(root, join(root, name)) &&
      !existsSync(join(root, "docs", name))
    ) {
      add(m.index, name, "names a document the repository does not have");
    }
  }

  // Citations of the API facts document by section.
  for (const m of text.matchAll(/alibaba-api\.md/g)) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const cited = citedSections(text.slice(m.index + m[0].length));
    // A section citation names the document by its path from the root, as code comments do.
    if (cited.length > 0 && !/docs\/$/.test(before)) add(m.index, m[0], `cite it as ${API_FACTS}`);
    for (const section of cited) {
      if (!sections.has(section)) add(m.index, `${API_FACTS} §${section}`, "no such section");
    }
  }
  // Inside the facts document, its own cross-references.
  if (file === API_FACTS) {
    for (const m of text.matchAll(/§(\d+(?:\.\d+)*)/g)) {
      if (!sections.has(m[1]!)) add(m.index, m[0], "no such section in this document");
    }
  }
  return findings;
}

/** Every unresolvable reference in the repository at `root`. */
export function findUnresolved(root: string): Finding[] {
  const facts = join(root, API_FACTS);
  const sections = existsSync(facts) ? sectionsOf(readFileSync(facts, "utf8")) : new Set<string>();
  const findings: Finding[] = [];
  for (const file of repositoryFiles(root)) {
    if (statSync(join(root, file)).size > 2_000_000) continue;
    findings.push(...findingsIn(root, file, readFileSync(join(root, file), "utf8"), sections));
  }
  return findings;
}
