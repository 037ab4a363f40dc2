/**
 * Keeps the published declarations (dist/provider, dist/emulator, dist/testing) self-contained:
 * a user's `tsc` with Pulumi's project template (`strict`, no `skipLibCheck`, no
 * `esModuleInterop`) must not fail inside packages it never imports. zod's and the Alibaba SDKs'
 * declarations do (`export =` modules imported by default, `ws` types missing), so after `tsc`
 * this rewrites every import of a package other than `@pulumi/pulumi` and Node's built-ins:
 * zod's to a structural copy of the types we mention (scripts/public-types/zod.d.ts.txt), the
 * SDKs' to opaque types (users never touch those objects). Run by `npm run build`.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const PUBLISHED = ["provider", "emulator", "testing"];
const SHIMS = path.join(DIST, "external-types");

/** Packages a consumer of this package has (and whose declarations compile under strict). */
export function allowedInPublicTypes(specifier: string): boolean {
  if (specifier.startsWith(".")) return true;
  if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return true;
  return specifier === "@pulumi/pulumi" || specifier.startsWith("@pulumi/pulumi/");
}

const IMPORT = /^import\s+(type\s+)?(.+?)\s+from\s+"([^"]+)";\s*$/gm;

/** Rewrites one declaration file's text; `shimDir` is the shims' folder relative to the file. */
export function rewriteDeclarations(text: string, shimDir: string, file: string): string {
  const reexport = /^export\s+.*\s+from\s+"([^"]+)";/gm;
  for (const m of text.matchAll(reexport)) {
    if (!allowedInPublicTypes(m[1]!))
      throw new Error(`${file}: re-exports from ${m[1]}, whose types cannot be published: wrap them`);
  }
  let usesOpaque = false;
  let out = text.replace(IMPORT, (line, _type: string | undefined, clause: string, from: string) => {
    if (allowedInPublicTypes(from)) return line;
    if (from === "zod") return `import type { z } from "${shimDir}/zod";`;
    usesOpaque = true;
    const decls: string[] = [];
    const namespace = /^\*\s+as\s+([\w$]+)$/.exec(clause);
    if (namespace) {
      const name = namespace[1]!;
      const members = new Set([...text.matchAll(new RegExp(`\\${name}\\.([\\w$]+)`, "g"))].map((x) => x[1]!));
      const inner = [...members].map((mbr) => `type ${mbr} = Opaque<"${from}.${mbr}">;`).join(" ");
      decls.push(`declare namespace ${name} { ${inner} }`);
    } else {
      const named = /\{([^}]*)\}/.exec(clause);
      const defaultName = clause
        .replace(/\{[^}]*\}/, "")
        .replace(/,\s*$/, "")
        .trim();
      if (defaultName) decls.push(`type ${defaultName} = Opaque<"${from}">;`);
      for (const part of named?.[1]?.split(",") ?? []) {
        const spec = part.trim().replace(/^type\s+/, "");
        if (!spec) continue;
        const [orig, alias] = spec.split(/\s+as\s+/);
        decls.push(`type ${alias ?? orig} = Opaque<"${from}.${orig}">;`);
      }
    }
    return decls.join("\n");
  });
  if (usesOpaque) out = `import type { Opaque } from "${shimDir}/opaque";\n${out}`;
  for (const m of out.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) {
    if (!allowedInPublicTypes(m[1]!))
      throw new Error(`${file}: inline import("${m[1]}") in a published type`);
  }
  return out;
}

function declarationFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? declarationFiles(p) : p.endsWith(".d.ts") ? [p] : [];
  });
}

function main(): void {
  fs.mkdirSync(SHIMS, { recursive: true });
  fs.copyFileSync(
    path.join(ROOT, "scripts", "public-types", "zod.d.ts.txt"),
    path.join(SHIMS, "zod-members.d.ts"),
  );
  const members = "./zod-members";
  fs.writeFileSync(path.join(SHIMS, "zod.d.ts"), `export * as z from "${members}";\n`);
  fs.writeFileSync(
    path.join(SHIMS, "opaque.d.ts"),
    [
      "/** A value of a dependency's type that this package's users never handle (an SDK client, ...). */",
      "export interface Opaque<Name extends string> {",
      "  readonly __opaque: Name;",
      "}",
      "",
    ].join("\n"),
  );
  let rewritten = 0;
  for (const sub of PUBLISHED) {
    for (const file of declarationFiles(path.join(DIST, sub))) {
      const text = fs.readFileSync(file, "utf8");
      let rel = path.relative(path.dirname(file), SHIMS).split(path.sep).join("/");
      if (!rel.startsWith(".")) rel = `./${rel}`;
      const out = rewriteDeclarations(text, rel, path.relative(ROOT, file));
      if (out !== text) {
        fs.writeFileSync(file, out);
        rewritten++;
      }
    }
  }
  process.stdout.write(`public-types: ${rewritten} declaration files kept free of zod and SDK types\n`);
}

if (require.main === module) main();
