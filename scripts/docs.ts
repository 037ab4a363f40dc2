/**
 * Generates the reference pages in docs/reference/ from the TSDoc of the package's exports: one
 * page per resource (every exported class extending `pulumi.dynamic.Resource`), with its
 * arguments (type, constraints, links), outputs, an example, and its adoption and replacement
 * behaviour, plus an index. Uses only the TypeScript compiler API.
 *
 * `npm run docs` writes the pages; test/unit/docs.test.ts fails when the committed pages are not
 * what this generates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { renderActionsTable } from "../provider/permissions";

const ROOT = findRoot(__dirname);
export const REFERENCE_DIR = "docs/reference";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "provider", "index.ts"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no provider/index.ts above ${start}`);
  }
}

interface Member {
  name: string;
  type: string;
  optional: boolean;
  doc: string;
  links: string[];
}

export interface ResourceDoc {
  name: string;
  /** Repository-relative source file. */
  source: string;
  summary: string;
  moduleDoc: string;
  example: string | undefined;
  links: string[];
  args: Member[];
  outputs: Member[];
}

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
export const pageOf = (resource: string) => `${REFERENCE_DIR}/${kebab(resource)}.md`;

/** Comment text and `@see` links of a symbol or declaration. */
function docOf(checker: ts.TypeChecker, symbol: ts.Symbol): { text: string; links: string[] } {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const links: string[] = [];
  for (const tag of symbol.getJsDocTags(checker)) {
    const value = ts.displayPartsToString(tag.text).trim();
    if (tag.name === "see" && value) links.push(value.replace(/^\{@link\s+|\}$/g, ""));
  }
  return { text, links };
}

/** `pulumi.Input<T>` and `pulumi.Output<T>` read as `T`: what a user writes or receives. */
function plainType(text: string): string {
  let out = text.replace(/\s+/g, " ").trim();
  for (let i = 0; i < 5; i++) out = out.replace(/pulumi\.(?:Input|Output)<((?:[^<>]|<[^<>]*>)*)>/g, "$1");
  return out;
}

function typeTextOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) && decl.type) {
    return plainType(decl.type.getText());
  }
  return plainType(checker.typeToString(checker.getTypeOfSymbol(symbol)));
}

/** The first leading JSDoc block of a file (what the module is and how it behaves). */
function moduleDocOf(sf: ts.SourceFile): string {
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(sf.getFullText());
  if (!m) return "";
  return m[1]!
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim();
}

function isDynamicResource(decl: ts.ClassDeclaration): boolean {
  return (decl.heritageClauses ?? []).some((h) =>
    h.types.some((t) => /dynamic\.Resource$/.test(t.expression.getText())),
  );
}

/** Reads every exported resource of provider/index.ts. */
export function readResources(root = ROOT): ResourceDoc[] {
  const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const entry = path.join(root, "provider", "index.ts");
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const resources: ResourceDoc[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol.declarations?.find(ts.isClassDeclaration);
    if (!decl || !isDynamicResource(decl)) continue;
    const sf = decl.getSourceFile();
    const classDoc = docOf(checker, symbol);
    const fence = /```ts\n([\s\S]*?)```/.exec(classDoc.text);
    const summary = classDoc.text.replace(/```ts\n[\s\S]*?```/g, "").trim();

    const ctor = decl.members.find(ts.isConstructorDeclaration);
    const argsParam = ctor?.parameters[1];
    const args: Member[] = [];
    if (argsParam?.type) {
      const argsType = checker.getTypeFromTypeNode(argsParam.type);
      for (const prop of checker.getPropertiesOfType(argsType)) {
        const d = docOf(checker, prop);
        args.push({
          name: prop.name,
          type: typeTextOf(checker, prop),
          optional: (prop.flags & ts.SymbolFlags.Optional) !== 0,
          doc: d.text,
          links: d.links,
        });
      }
    }
    const outputs: Member[] = [];
    for (const member of decl.members) {
      if (!ts.isPropertyDeclaration(member) || !member.type || !/pulumi\.Output</.test(member.type.getText()))
        continue;
      const prop = checker.getSymbolAtLocation(member.name);
      if (!prop) continue;
      const d = docOf(checker, prop);
      outputs.push({
        name: prop.name,
        type: typeTextOf(checker, prop),
        optional: false,
        doc: d.text,
        links: d.links,
      });
    }
    // Outputs documented on the resource's `<Name>Outputs` interface, where the class is silent.
    const outputsSymbol = checker
      .getExportsOfModule(moduleSymbol)
      .find((e) => e.name === `${symbol.name}Outputs`);
    if (outputsSymbol) {
      const target =
        outputsSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(outputsSymbol) : outputsSymbol;
      const type = checker.getDeclaredTypeOfSymbol(target);
      for (const o of outputs) {
        if (o.doc) continue;
        const prop = type.getProperty(o.name);
        if (prop) {
          const d = docOf(checker, prop);
          o.doc = d.text;
          o.links = d.links;
        }
      }
    }
    resources.push({
      name: symbol.name,
      source: path.relative(root, sf.fileName).split(path.sep).join("/"),
      summary,
      moduleDoc: moduleDocOf(sf),
      example: fence?.[1],
      links: classDoc.links,
      args,
      outputs,
    });
  }
  return resources.sort((a, b) => a.name.localeCompare(b.name));
}

/** A Markdown table cell: one line, pipes escaped. */
const cell = (s: string) =>
  s
    .replace(/\r?\n\s*/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
const linkList = (links: string[]) => links.map((l) => (/^https?:/.test(l) ? `<${l}>` : l)).join(", ");

/** Sentences of `text` that match `re`. */
function sentences(text: string, re: RegExp): string[] {
  return (text.replace(/\s+/g, " ").match(/[^.!?]+(?:[.!?](?=\s|$)|$)/g) ?? [])
    .map((s) => s.trim())
    .filter((s) => re.test(s));
}

/** An example for a resource whose TSDoc has none: the README's or an example program's, else the required arguments. */
function exampleFor(r: ResourceDoc, root: string): { code: string; from: string } {
  if (r.example) return { code: r.example, from: "its TSDoc" };
  const uses = new RegExp(`new ${r.name}\\(`);
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  for (const m of readme.matchAll(/```ts\n([\s\S]*?)```/g))
    if (uses.test(m[1]!)) return { code: m[1]!, from: "the README" };
  const examples = path.join(root, "examples");
  for (const dir of fs.existsSync(examples) ? fs.readdirSync(examples).sort() : []) {
    const file = path.join(examples, dir, "index.ts");
    if (fs.existsSync(file) && uses.test(fs.readFileSync(file, "utf8"))) {
      return { code: fs.readFileSync(file, "utf8"), from: `examples/${dir}/index.ts` };
    }
  }
  const required = r.args.filter((a) => !a.optional).map((a) => `  ${a.name}: /* ${a.type} */,`);
  return {
    code: `import { ${r.name} } from "alicloud-federation";\n\nnew ${r.name}("name", {\n${required.join("\n")}\n});\n`,
    from: "its required arguments",
  };
}

/** The Markdown page of one resource. */
export function renderResource(r: ResourceDoc, root = ROOT): string {
  const out: string[] = [];
  const fromRef = (p: string) => path.posix.relative(REFERENCE_DIR, p);
  out.push(`# ${r.name}`, "");
  out.push(
    `<!-- Generated by scripts/docs.ts from the TSDoc of ${r.source}: run \`npm run docs\`, do not edit. -->`,
    "",
  );
  if (r.summary) out.push(r.summary, "");
  if (r.links.length > 0) out.push(`API: ${linkList(r.links)}`, "");
  out.push(`Source: [${r.source}](${fromRef(r.source)})`, "");
  if (r.moduleDoc && r.moduleDoc !== r.summary) out.push("## Behaviour", "", r.moduleDoc, "");

  const ex = exampleFor(r, root);
  out.push("## Example", "", `From ${ex.from}:`, "", "```ts", ex.code.trimEnd(), "```", "");

  out.push(
    "## Arguments",
    "",
    "| argument | type | required | constraints and meaning |",
    "|---|---|---|---|",
  );
  for (const a of r.args) {
    const see = a.links.length > 0 ? ` See ${linkList(a.links)}.` : "";
    out.push(
      `| \`${a.name}\` | \`${cell(a.type)}\` | ${a.optional ? "no" : "yes"} | ${cell((a.doc || "(undocumented)") + see)} |`,
    );
  }
  out.push("");

  out.push("## Outputs", "", "| output | type | meaning |", "|---|---|---|");
  const argDoc = new Map(r.args.map((a) => [a.name, a.doc]));
  for (const o of r.outputs) {
    const doc = o.doc || (argDoc.has(o.name) ? "as given (the argument above, normalized)" : "");
    out.push(`| \`${o.name}\` | \`${cell(o.type)}\` | ${cell(doc || "(undocumented)")} |`);
  }
  out.push("");

  out.push("## Replacement", "");
  const replacing = r.args
    .map((a) => ({ a, said: sentences(a.doc, /replac/i) }))
    .filter((x) => x.said.length > 0);
  if (replacing.length === 0)
    out.push("No argument is documented as replacing the resource: changes are made in place.", "");
  else for (const { a, said } of replacing) out.push(`- \`${a.name}\`: ${said.join(" ")}`);
  if (replacing.length > 0) out.push("");

  out.push("## Adoption", "");
  const adopt = r.args.find((a) => a.name === "adopt");
  const told = sentences(`${r.summary} ${r.moduleDoc}`, /\badopt|take[sn]? over|takeover|already exist/i);
  if (adopt) out.push(`\`adopt\`: ${cell(adopt.doc)}`, "");
  else out.push("This resource has no `adopt` argument.", "");
  if (told.length > 0) out.push(...told.map((s) => `- ${s}`), "");
  return `${out.join("\n").trimEnd()}\n`;
}

/** The index page. */
export function renderIndex(resources: ResourceDoc[]): string {
  const out = [
    "# Reference",
    "",
    "<!-- Generated by scripts/docs.ts: run `npm run docs`, do not edit. -->",
    "",
    "One page per resource, generated from the TSDoc in the source: arguments with their",
    "constraints and API links, outputs, an example, replacement and adoption behaviour.",
    "The API facts they rely on: [alibaba-api.md](../alibaba-api.md).",
    "",
    "| resource | what it is |",
    "|---|---|",
  ];
  for (const r of resources) {
    const first = r.summary.split(/\n\s*\n/)[0] ?? "";
    out.push(`| [${r.name}](${path.posix.basename(pageOf(r.name))}) | ${cell(first)} |`);
  }
  return `${out.join("\n")}\n`;
}

/** Every generated page, keyed by repository-relative path. */
export function generate(root = ROOT): Map<string, string> {
  const resources = readResources(root);
  const pages = new Map<string, string>();
  for (const r of resources) pages.set(pageOf(r.name), renderResource(r, root));
  pages.set(`${REFERENCE_DIR}/README.md`, renderIndex(resources));
  return pages;
}

function main(): void {
  const pages = generate();
  const dir = path.join(ROOT, REFERENCE_DIR);
  fs.mkdirSync(dir, { recursive: true });
  for (const stale of fs.readdirSync(dir)) {
    if (!pages.has(`${REFERENCE_DIR}/${stale}`)) fs.rmSync(path.join(dir, stale));
  }
  for (const [file, text] of pages) fs.writeFileSync(path.join(ROOT, file), text);
  // The README's least-privilege table, rendered from the one in code (provider/permissions.ts).
  const readmePath = path.join(ROOT, "README.md");
  const readme = fs.readFileSync(readmePath, "utf8");
  const [start, end] = ["<!-- ram-actions:start -->", "<!-- ram-actions:end -->"];
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error("README.md: the ram-actions markers are missing");
  fs.writeFileSync(
    readmePath,
    `${readme.slice(0, a + start.length)}\n${renderActionsTable()}\n${readme.slice(b)}`,
  );
  process.stdout.write(`docs: ${pages.size} pages in ${REFERENCE_DIR}, the README's action table\n`);
}

if (require.main === module) main();
