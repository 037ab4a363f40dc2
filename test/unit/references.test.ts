import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { API_FACTS, citedSections, findingsIn, findUnresolved, sectionsOf } from "./references";

const ROOT = join(__dirname, "..", "..");
const sections = sectionsOf(readFileSync(join(ROOT, API_FACTS), "utf8"));
const check = (file: string, text: string) => findingsIn(ROOT, file, text, sections).map((f) => f.reference);

describe("every reference in the repository resolves inside it", () => {
  it("finds no reference to a missing file, a missing section or a place outside the repository", () => {
    const findings = findUnresolved(ROOT).map((f) => `${f.file}:${f.line} ${f.reference}: ${f.problem}`);
    expect(findings).toEqual([]);
  });

  it("keeps the API facts document's section numbering, which code cites", () => {
    const expected = [
      ...["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2", "2.1", "2.2", "2.3", "3", "3.1", "3.2", "3.3"],
      ...["4", "4.1", "4.2", "4.3", "5", "5.1", "5.2", "5.3", "5.4", "5.5", "6", "6.1", "6.2", "6.3"],
      ...["6.4", "6.5", "6.6", "7", "7.1", "7.2", "7.3", "7.4", "8", "8.1", "8.2", "8.3", "8.4", "9"],
      ...Array.from({ length: 11 }, (_, i) => `9.${i + 1}`),
    ];
    expect([...sections].sort()).toEqual(expected.sort());
  });

  it("marks every guess in the API facts document as such, and gives every fact a public page", () => {
    const text = readFileSync(join(ROOT, API_FACTS), "utf8");
    expect(text.match(/\*\*Guess/g)?.length).toBeGreaterThanOrEqual(20);
    expect(
      text.match(/https:\/\/(?:www\.alibabacloud\.com|help\.aliyun\.com)\//g)?.length,
    ).toBeGreaterThanOrEqual(40);
  });
});

describe("the reference checker", () => {
  it("reads the section lists code writes after the document's name", () => {
    expect(citedSections(" §1.4 and §9.")).toEqual(["1.4", "9"]);
    expect(citedSections("` §8.1-8.2.")).toEqual(["8.1", "8.2"]);
    expect(citedSections(" §4-§5). Added")).toEqual(["4", "5"]);
    expect(citedSections(" §5.3/§9.6): answered")).toEqual(["5.3", "9.6"]);
    expect(citedSections("\n * §4.1-4.3, the rest")).toEqual(["4.1", "4.3"]);
    expect(citedSections(": see the table")).toEqual([]);
  });

  it("accepts references that resolve", () => {
    const ok = [
      "/** Limits (docs/alibaba-api.md §1.4, §9.2). */",
      'import { x } from "../../provider/limits";',
      "// as scripts/engine.ts does; output in dist/provider/index.js",
      "See `docs/alibaba-api.md` §8.1-8.2 and README.md.",
    ].join("\n");
    expect(check("test/unit/example.ts", ok)).toEqual([]);
    expect(check("docs/x.md", "[facts](alibaba-api.md#1-ims) and [readme](../README.md)")).toEqual([]);
  });

  it("reads package.json's export keys as subpath names, and still checks the files they map to", () => {
    const exports =
      '"./providers": {\n  "default": "./dist/provider/providers.js",\n  "x": "./nowhere.js"\n}';
    expect(check("package.json", exports)).toEqual(["./nowhere.js"]);
  });

  it("refuses each kind of reference that does not resolve inside the repository", () => {
    expect(check("provider/x.ts", "// docs/alibaba-api.md §10.1")).toEqual(["docs/alibaba-api.md §10.1"]);
    expect(check("provider/x.ts", "// docs/alibaba-api.md §1.4-1.9")).toEqual(["docs/alibaba-api.md §1.9"]);
    expect(check("provider/x.ts", "// alibaba-api.md §1.1")).toEqual(["alibaba-api.md"]);
    expect(check("provider/x.ts", "// from ../shared/reference/style.md")).toContain(
      "../shared/reference/style.md",
    );
    expect(check("provider/x.ts", "// written from /work/notes/api.md")).toContain("/work/notes/api.md");
    expect(check("provider/x.ts", 'import { a } from "./nowhere";')).toEqual(["./nowhere"]);
    expect(check("provider/x.ts", "// see ../../../outside/file.ts")).toEqual(["../../../outside/file.ts"]);
    expect(check("provider/x.ts", "// see provider/missing.ts")).toEqual(["provider/missing.ts"]);
    expect(check("provider/x.ts", "// see pulumi-engine.md")).toEqual(["pulumi-engine.md"]);
    expect(check("README.md", "[guide](docs/missing.md)")).toEqual(["docs/missing.md", "docs/missing.md"]);
    expect(check("README.md", "[up](../sibling/README.md)")).toEqual([
      "../sibling/README.md",
      "../sibling/README.md",
    ]);
  });
});

describe("relative paths in code", () => {
  it("are read in comments and module specifiers, not in other strings", () => {
    expect(check("provider/x.ts", 'writeFileSync(join(dir, "tsconfig.json"), "./nowhere");')).toEqual([]);
    expect(check("provider/x.ts", '// see ./nowhere.ts\nconst a = require("./missing");')).toEqual([
      "./nowhere.ts",
      "./missing",
    ]);
  });
});
