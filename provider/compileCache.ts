/**
 * V8's code cache for what a provider process loads on first use: zod, openapi-core with its
 * dependencies, and our own resource modules. The engine starts a fresh provider process for every
 * command, and compiling those modules' sources again each time was about a third of loading them
 * (about 40 of 130 ms of CPU for openapi-core and zod, measured on Node 20 and 24).
 *
 * - Node 22.1 and later: Node's own cache, `module.enableCompileCache`, flushed to disk once the
 *   load is done (the engine ends a provider process without letting it exit normally).
 *   https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
 * - Node 20 has no such API: each CommonJS module loaded inside {@link loadCached} is compiled
 *   with `vm.Script` and its `cachedData`, as Node 22 does internally. V8 checks that a cache
 *   entry was made by the same V8 version and flags and for a source of the same length, and
 *   rejects it otherwise (`cachedDataRejected`); an entry is also keyed by a hash of the source, so
 *   an edit of the same length is never served stale bytecode.
 *   https://nodejs.org/api/vm.html#new-vmscriptcode-options
 *
 * The cache lives inside this package's own directory (`dist/.compile-cache`), never in a shared
 * temporary directory: whoever can write there can already change the code it caches. When the
 * directory cannot be written (a read-only install), modules load as they always did.
 * `NODE_DISABLE_COMPILE_CACHE` (set to anything), Node's own switch, turns both off.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";

import Module = require("node:module");

import * as path from "node:path";
import * as vm from "node:vm";

/** Where the cache lives: beside the built package (`dist/.compile-cache`). */
export const COMPILE_CACHE_DIR = path.join(__dirname, "..", ".compile-cache");

/**
 * Only the built package keeps a cache: run from its sources (the repository's tests), this module
 * is not under `dist/`, and a cache beside the sources would land in the working tree.
 */
const BUILT = path.basename(path.dirname(__dirname)) === "dist";

type Compile = (this: NodeJS.Module, content: string, filename: string, format?: string) => unknown;

interface ModuleInternals {
  prototype: { _compile: Compile };
  wrap(source: string): string;
  _resolveFilename(request: string, parent: NodeJS.Module, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: NodeJS.Module): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeJS.Module>;
  enableCompileCache?: (dir?: string) => { status: number };
  flushCompileCache?: () => void;
}

const internals = Module as unknown as ModuleInternals;
/** The process's main module, as Node gives every module's `require.main`. */
const mainModule = require.main;
// Node reads the variable as set whatever its value (even empty); so do we.
const disabled = () => process.env.NODE_DISABLE_COMPILE_CACHE !== undefined;

let nodeCacheEnabled = false;
let depth = 0;
let pending: Array<{ file: string; script: vm.Script }> = [];
let writeScheduled = false;

/**
 * `load()`, with the CommonJS modules it loads for the first time compiled from (and into) the
 * code cache. Nested calls share one hook. Anything unexpected (a module that is ESM, a cache
 * entry V8 refuses, a directory that cannot be written) falls back to Node's own loading.
 *
 * @internal
 */
export function loadCached<T>(load: () => T): T {
  if (!BUILT || disabled()) return load();
  if (typeof internals.enableCompileCache === "function") return withNodeCache(load);
  const dir = cacheDir();
  if (!dir || depth > 0) return load();
  const original = internals.prototype._compile;
  internals.prototype._compile = function (content, filename, format) {
    const result = compileCached(this, content, filename, format, dir);
    return result === NOT_HANDLED ? original.call(this, content, filename, format) : result;
  };
  depth++;
  try {
    return load();
  } finally {
    depth--;
    internals.prototype._compile = original;
    scheduleWrite();
  }
}

/** Node 22.1+: its own cache, enabled once, flushed after each load (see the module comment). */
function withNodeCache<T>(load: () => T): T {
  if (!nodeCacheEnabled) {
    nodeCacheEnabled = true;
    try {
      internals.enableCompileCache?.(COMPILE_CACHE_DIR);
    } catch {
      // Not writable, or refused: load as usual.
    }
  }
  try {
    return load();
  } finally {
    if (typeof internals.flushCompileCache === "function")
      setImmediate(() => internals.flushCompileCache?.());
  }
}

let checkedDir: string | null | undefined;

/** This Node's and V8's own subdirectory of the cache, made if missing; null when it cannot be. */
function cacheDir(): string | null {
  if (checkedDir !== undefined) return checkedDir;
  const dir = path.join(COMPILE_CACHE_DIR, `${process.version}-${process.arch}-${process.versions.v8}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    checkedDir = dir;
  } catch {
    checkedDir = null;
  }
  return checkedDir;
}

const NOT_HANDLED = Symbol("not handled");

/**
 * Compiles and runs one CommonJS module the way Node's `Module.prototype._compile` does, with
 * the cache; NOT_HANDLED when the module is not one to handle here (Node then compiles it).
 */
function compileCached(
  mod: NodeJS.Module,
  content: string,
  filename: string,
  format: string | undefined,
  dir: string,
): unknown {
  if (format === "module" || !/\.c?js$/.test(filename)) return NOT_HANDLED;
  const key = crypto.createHash("sha256").update(filename).update("\0").update(content).digest("hex");
  const file = path.join(dir, `${key}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    // Not cached yet.
  }
  let script: vm.Script;
  try {
    script = new vm.Script(internals.wrap(content), {
      filename,
      ...(cachedData ? { cachedData } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    // ESM syntax in a .js file, or anything else Node handles its own way.
    return NOT_HANDLED;
  }
  if (!cachedData || script.cachedDataRejected) pending.push({ file, script });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (
    exports: unknown,
    require: NodeJS.Require,
    module: NodeJS.Module,
    filename: string,
    dirname: string,
  ) => unknown;
  return wrapper.call(mod.exports, mod.exports, requireFor(mod), mod, filename, path.dirname(filename));
}

/** The `require` a module body gets, as Node makes it for that module. */
function requireFor(mod: NodeJS.Module): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    internals._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = mainModule;
  require.extensions = internals._extensions;
  require.cache = internals._cache;
  return require;
}

/**
 * Writes the entries made by this load once the current request has been answered: the engine
 * may end the process at any time after that, and an entry written late is only a cache miss.
 * Each file is written whole under a temporary name and renamed, so a process reading it never
 * sees half an entry.
 */
function scheduleWrite(): void {
  if (writeScheduled || pending.length === 0) return;
  writeScheduled = true;
  setImmediate(() => {
    writeScheduled = false;
    const batch = pending;
    pending = [];
    removeStaleTemporaries(path.dirname(batch[0]?.file ?? ""));
    for (const { file, script } of batch) {
      const tmp = `${file}.${process.pid}.tmp`;
      // Off the main thread but for the serialization itself. A failure (full disk, read-only
      // directory) leaves only a miss: the next process compiles again.
      fs.promises
        .writeFile(tmp, script.createCachedData(), { mode: 0o600 })
        .then(() => fs.promises.rename(tmp, file))
        .catch(() => fs.promises.rm(tmp, { force: true }).catch(() => undefined));
    }
  });
}

/**
 * Deletes temporary files a process left when the engine ended it between writing an entry and
 * renaming it (a minute old: no live writer takes that long). Run only by a process that writes.
 */
function removeStaleTemporaries(dir: string): void {
  if (!dir) return;
  fs.promises
    .readdir(dir)
    .then((names) =>
      Promise.all(
        names
          .filter((n) => n.endsWith(".tmp"))
          .map(async (n) => {
            const file = path.join(dir, n);
            const { mtimeMs } = await fs.promises.stat(file);
            if (Date.now() - mtimeMs > 60_000) await fs.promises.rm(file, { force: true });
          }),
      ),
    )
    .catch(() => undefined);
}
