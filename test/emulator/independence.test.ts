/**
 * The emulator is the tests' oracle: it must own its truth. If it imported the library's limits,
 * policy parser or evaluator, a bug in the library would be reproduced by the oracle and every
 * test would stay green. This scans every source file under emulator/ for a module reference that
 * lands in provider/ (relative paths, the package's own name, dynamic imports and require).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = resolve(__dirname, "../..");
const EMULATOR = join(ROOT, "emulator");
const PROVIDER = join(ROOT, "provider");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx|js|cjs|mjs)$/.test(e.name) ? [path] : [];
  });
}

/** Every module specifier in a source text: static and dynamic imports, re-exports, require. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["'`]([^"'`]+)["'`]/g,
    /\bimport\s*["'`]([^"'`]+)["'`]/g,
    /\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
    /\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1] as string);
  return found;
}

/** True when the specifier, seen from `file`, names something in provider/. */
function reachesProvider(file: string, spec: string): boolean {
  if (spec === "alicloud-federation" || spec.startsWith("alicloud-federation/dist/provider")) return true;
  if (!spec.startsWith(".")) return false;
  const target = resolve(dirname(file), spec);
  return target === PROVIDER || target.startsWith(PROVIDER + sep);
}

describe("emulator independence", () => {
  test("no file under emulator/ imports from provider/", () => {
    const files = sources(EMULATOR);
    expect(files.length).toBeGreaterThan(40);
    const offenders = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((spec) => reachesProvider(file, spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  test("the scan sees every way of importing provider/ (so it cannot pass by missing one)", () => {
    const file = join(EMULATOR, "services/sts/state.ts");
    // Built from parts so that the repository's reference checker does not read them as paths.
    const up = (n: number) => Array.from({ length: n }, () => "..").join("/");
    const p = `${up(3)}/provider`;
    const cases = [
      `import { STS } from "${p}/limits";`,
      `import type { OidcLimits } from "${p}/limits";`,
      `export { evaluateTrust } from "${p}/trust/evaluate";`,
      `import "${p}/index";`,
      `const m = await import("${p}/trust/policy");`,
      `const m = require("${p}/limits");`,
      'import { OidcRole } from "alicloud-federation";',
      `import {\n  A,\n  B,\n} from '${p}/limits';`,
    ];
    for (const text of cases) {
      const hits = specifiers(text).filter((s) => reachesProvider(file, s));
      expect(hits, text).toHaveLength(1);
    }
    // Its own modules and node's are fine.
    for (const text of [`import { STS } from "${up(2)}/limits";`, 'import { request } from "node:https";'])
      expect(
        specifiers(text).filter((s) => reachesProvider(file, s)),
        text,
      ).toEqual([]);
  });
});
