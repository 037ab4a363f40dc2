import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// The built module, copied into a scratch `dist/provider` so that its cache (`.compile-cache` in the
// parent of the module's directory) is in the scratch directory, and each test starts from nothing. Each run is its own Node
// process: a cache is only ever read by a later process.
const BUILT = path.join(__dirname, "..", "..", "dist", "provider", "compileCache.js");
const nodeHasOwnCache =
  typeof (require("node:module") as { enableCompileCache?: unknown }).enableCompileCache === "function";

let root: string;
let cacheRoot: string;

/** A package of CommonJS files exercising what a module body may rely on from Node's loader. */
function writeFixture(): void {
  const pkg = path.join(root, "node_modules", "fixture");
  fs.mkdirSync(pkg, { recursive: true });
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "fixture", main: "index.js" }),
    "data.json": JSON.stringify({ answer: 42 }),
    // a.js and b.js require each other: the partial exports of a circular require must be seen.
    "a.js":
      "exports.early = 'a-early';\nconst b = require('fixture/b');\nexports.late = 'a-late';\nexports.fromB = Object.keys(b).length > 0 ? b.sawA : 'partial';\n",
    "b.js": "const a = require('fixture/a');\nexports.sawA = a.early + '/' + Object.keys(a).join(',');\n",
    "index.js": [
      "'use strict';",
      "const a = require('fixture/a');",
      "module.exports = {",
      "  circular: a.fromB,",
      "  json: require('fixture/data.json').answer,",
      "  resolved: require.resolve('fixture/b'),",
      "  paths: Array.isArray(require.resolve.paths('x')),",
      "  dirname: __dirname,",
      "  filename: __filename,",
      "  thisIsExports: this === module.exports,",
      "  cacheHasSelf: require.cache[__filename] === module,",
      "  main: require.main === process.mainModule,",
      "  builtin: typeof require('node:path').join,",
      "};",
    ].join("\n"),
    "broken.js": "exports.before = 1;\nthrow new Error('broken on purpose');\n",
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(pkg, name), text);
}

/** Runs `body` in a new Node process with `loadCached` in scope; returns what it prints as JSON. */
function run(body: string, env: NodeJS.ProcessEnv = {}): unknown {
  const script = [
    `const { loadCached } = require(${JSON.stringify(path.join(root, "dist", "provider", "compileCache.js"))});`,
    `const fixture = ${JSON.stringify(path.join(root, "node_modules", "fixture"))};`,
    body,
  ].join("\n");
  const base = { ...process.env };
  // Node reads either as set whatever its value: the runs start with neither.
  delete base.NODE_DISABLE_COMPILE_CACHE;
  delete base.NODE_COMPILE_CACHE;
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: root,
    env: { ...base, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out);
}

const LOAD_INDEX = "console.log(JSON.stringify(loadCached(() => require(fixture))));";

/** The cache entries written so far, with their modification times (ours: one file per module). */
function entries(): Map<string, number> {
  const out = new Map<string, number>();
  if (!fs.existsSync(cacheRoot)) return out;
  for (const sub of fs.readdirSync(cacheRoot, { recursive: true, withFileTypes: true }))
    if (sub.isFile()) {
      const file = path.join(sub.parentPath, sub.name);
      out.set(file, fs.statSync(file).mtimeMs);
    }
  return out;
}

/** What the fixture's index reports when Node's loader runs it (checked against Node itself below). */
function expected(root: string) {
  const pkg = path.join(root, "node_modules", "fixture");
  return {
    circular: "a-early/early",
    json: 42,
    resolved: path.join(pkg, "b.js"),
    paths: true,
    dirname: pkg,
    filename: path.join(pkg, "index.js"),
    thisIsExports: true,
    cacheHasSelf: true,
    main: true,
    builtin: "function",
  };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "af-compile-cache-"));
  fs.mkdirSync(path.join(root, "dist", "provider"), { recursive: true });
  fs.copyFileSync(BUILT, path.join(root, "dist", "provider", "compileCache.js"));
  cacheRoot = path.join(root, "dist", ".compile-cache");
  writeFixture();
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("loadCached", () => {
  it("is checked against Node's own loader", () => {
    expect(run("console.log(JSON.stringify(require(fixture)));")).toEqual(expected(root));
  });

  it("gives a module everything Node's loader gives it, on the first load and from the cache", () => {
    expect(run(LOAD_INDEX)).toEqual(expected(root));
    const written = entries();
    // Node 20: one entry per CommonJS module the load compiled (index, a, b; not the JSON file).
    // Node 22.1+: Node's own cache in the same directory, in its own layout.
    if (nodeHasOwnCache) expect(written.size).toBeGreaterThan(0);
    else expect([...written.keys()].filter((f) => f.endsWith(".bin")).length).toBe(3);
    expect(run(LOAD_INDEX)).toEqual(expected(root));
    if (!nodeHasOwnCache) {
      // Read, not written again: V8 accepted every entry.
      expect(entries()).toEqual(written);
    }
  });

  it("caches only what is loaded inside it", () => {
    run("require(fixture + '/b.js'); console.log(JSON.stringify(loadCached(() => 1)));");
    expect(nodeHasOwnCache || entries().size === 0).toBe(true);
  });

  it.runIf(!nodeHasOwnCache)("never serves bytecode made for another source of the same length", () => {
    run(LOAD_INDEX);
    const b = path.join(root, "node_modules", "fixture", "b.js");
    const before = fs.readFileSync(b, "utf8");
    const after = before.replace("a.early + '/'", "a.early + '|'");
    expect(after.length).toBe(before.length);
    fs.writeFileSync(b, after);
    expect(run(LOAD_INDEX)).toEqual({ ...expected(root), circular: "a-early|early" });
  });

  it.runIf(!nodeHasOwnCache)("recompiles, and replaces, an entry V8 refuses", () => {
    run(LOAD_INDEX);
    const [first] = [...entries().keys()];
    fs.writeFileSync(first as string, Buffer.from("not V8 code cache at all"));
    expect(run(LOAD_INDEX)).toEqual(expected(root));
    expect(fs.readFileSync(first as string).toString()).not.toBe("not V8 code cache at all");
  });

  it("loads as usual, writing nothing, when the cache cannot be made or Node's switch is off", () => {
    fs.writeFileSync(cacheRoot, "a file where the cache directory would be");
    expect(run(LOAD_INDEX)).toEqual(expected(root));
    fs.rmSync(cacheRoot);
    // Set at all, even empty, is off, as Node reads it.
    for (const value of ["1", ""]) {
      expect(run(LOAD_INDEX, { NODE_DISABLE_COMPILE_CACHE: value })).toEqual(expected(root));
      expect(fs.existsSync(cacheRoot)).toBe(false);
    }
  });

  it("keeps no cache when the module does not run from a built dist/ (the repository's sources)", () => {
    const lib = path.join(root, "lib");
    fs.mkdirSync(lib);
    fs.copyFileSync(BUILT, path.join(lib, "compileCache.js"));
    const script = [
      `const { loadCached } = require(${JSON.stringify(path.join(lib, "compileCache.js"))});`,
      `console.log(JSON.stringify(loadCached(() => require(${JSON.stringify(path.join(root, "node_modules", "fixture"))}))));`,
    ].join("\n");
    execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    expect(fs.existsSync(path.join(root, ".compile-cache"))).toBe(false);
  });

  it.runIf(!nodeHasOwnCache)("removes a temporary file a killed writer left, once it is a minute old", () => {
    run(LOAD_INDEX);
    const dir = path.dirname([...entries().keys()][0] as string);
    const stale = path.join(dir, "x.bin.99999.tmp");
    const fresh = path.join(dir, "y.bin.99998.tmp");
    fs.writeFileSync(stale, "");
    fs.writeFileSync(fresh, "");
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(stale, old, old);
    // A process that writes (the fixture edited, so one entry is new) sweeps them.
    fs.appendFileSync(path.join(root, "node_modules", "fixture", "b.js"), "\n");
    run(LOAD_INDEX);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });

  it("lets a module's error through with its file named, and leaves Node's loader as it was", () => {
    const out = run(
      [
        "const Module = require('node:module');",
        "const compile = Module.prototype._compile;",
        "let message = '', stack = '';",
        "try { loadCached(() => require(fixture + '/broken.js')); } catch (e) { message = e.message; stack = e.stack; }",
        "console.log(JSON.stringify({ message, named: stack.includes('broken.js'),",
        "  restored: Module.prototype._compile === compile,",
        "  dropped: !(require.resolve(fixture + '/broken.js') in require.cache) }));",
      ].join("\n"),
    );
    expect(out).toEqual({ message: "broken on purpose", named: true, restored: true, dropped: true });
  });
});
