import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { allowedInPublicTypes, rewriteDeclarations } from "../../scripts/public-types";

const ROOT = join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const packages: Record<string, LockEntry> = lock.packages;

/** Where npm would find `name` from the package installed at `at` (nested first, then up). */
function locate(at: string, name: string): string | undefined {
  let dir = at;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === "") return undefined;
    const up = dir.lastIndexOf("/node_modules/");
    dir = up < 0 ? "" : dir.slice(0, up);
  }
}

describe("package-lock.json", () => {
  it("pins the dependencies package.json declares", () => {
    expect(packages[""]!.dependencies).toEqual(pkg.dependencies);
    expect(packages[""]!.devDependencies).toEqual(pkg.devDependencies);
  });

  it("has a root entry that matches package.json, so npm install on a fresh clone rewrites nothing", () => {
    // npm copies these package.json fields into the lock's root entry and rewrites the lock when
    // one differs (a `bin` added without re-locking once did exactly that).
    const fields = [
      "name",
      "version",
      "license",
      "bin",
      "engines",
      "os",
      "cpu",
      "workspaces",
      "dependencies",
      "devDependencies",
      "optionalDependencies",
      "peerDependencies",
      "peerDependenciesMeta",
    ];
    const root = packages[""] as Record<string, unknown>;
    for (const field of fields) expect({ field, value: root[field] }).toEqual({ field, value: pkg[field] });
    expect(lock.name).toBe(pkg.name);
    expect(lock.version).toBe(pkg.version);
  });

  it("holds every platform's optional binaries, so npm ci works and npm install does not rewrite it anywhere", () => {
    const missing: string[] = [];
    let optional = 0;
    for (const [at, entry] of Object.entries(packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        optional++;
        if (!locate(at, name)) missing.push(`${at || "(root)"} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
    // e.g. biome's and rollup's per-platform packages: macOS and Windows contributors get them too
    expect(optional).toBeGreaterThan(30);
    expect(locate("node_modules/@biomejs/biome", "@biomejs/cli-darwin-x64")).toBeDefined();
    expect(locate("node_modules/@biomejs/biome", "@biomejs/cli-win32-x64")).toBeDefined();
  });
});

describe("the published package", () => {
  it("is licensed as package.json says, with the license's full text", () => {
    expect(pkg.license).toBe("Apache-2.0");
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(license).toContain("Apache License");
    expect(license).toContain("Version 2.0, January 2004");
    expect(license).toContain("END OF TERMS AND CONDITIONS");
  });

  it("packs what a user needs and nothing from the repository's tooling", () => {
    // Built by `npm test`'s pretest; `npm pack --dry-run` lists exactly what `npm publish` would ship.
    // A provider process's compile cache (compileCache.ts) lives in dist/ and is never shipped.
    const cached = join(ROOT, "dist", ".compile-cache", "probe.bin");
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(cached, "");
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    rmSync(cached);
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    for (const needed of ["LICENSE", "README.md", "package.json", "docs/alibaba-api.md"]) {
      expect(files).toContain(needed);
    }
    // every entry point package.json names is in the tarball
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>)];
    for (const entry of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) {
      targets.push(...(typeof entry === "string" ? [entry] : Object.values(entry)));
    }
    for (const target of targets) expect(files).toContain(target.replace(/^\.\//, ""));
    const foreign = files.filter(
      (f) =>
        /^dist\/(scripts|test|bench|examples)\//.test(f) ||
        /^(test|bench|scripts|tools|examples|provider|emulator|\.ci)\//.test(f) ||
        /\.map$|\.test\.|tsconfig|biome\.json|vitest|\.compile-cache/.test(f),
    );
    expect(foreign).toEqual([]);
  });
});

describe("the published declarations", () => {
  /** Every package a declaration file reachable from an entry point imports, by importer. */
  function externalImports(): Map<string, string[]> {
    const seen = new Set<string>();
    const out = new Map<string, string[]>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) {
          const base = join(dirname(file), spec);
          const next = [`${base}.d.ts`, join(base, "index.d.ts")].find((f) => existsSync(f));
          if (next) visit(next);
        } else out.set(spec, [...(out.get(spec) ?? []), relative(ROOT, file)]);
      }
    };
    for (const entry of ["provider", "emulator", "testing"]) visit(join(ROOT, "dist", entry, "index.d.ts"));
    return out;
  }

  it("import nothing but @pulumi/pulumi and Node's built-ins, whose types a user's project has", () => {
    const foreign = [...externalImports()].filter(([spec]) => !allowedInPublicTypes(spec));
    expect(foreign).toEqual([]);
    expect([...externalImports().keys()]).toContain("@pulumi/pulumi");
  });

  it("rewrites a dependency's types to structural or opaque ones, and refuses what it cannot", () => {
    const shims = "../external-types";
    const out = rewriteDeclarations(
      [
        'import { z } from "zod";',
        'import Ims from "@alicloud/ims20190815";',
        'import * as $dara from "@darabonba/typescript";',
        'import * as pulumi from "@pulumi/pulumi";',
        "export declare const s: z.ZodString;",
        "export interface S { ims: Ims; runtime: $dara.RuntimeOptions; out: pulumi.Output<string> }",
      ].join("\n"),
      shims,
      "x.d.ts",
    );
    expect(out).toContain(`import type { z } from "${shims}/zod";`);
    expect(out).toContain('type Ims = Opaque<"@alicloud/ims20190815">;');
    expect(out).toContain(
      'declare namespace $dara { type RuntimeOptions = Opaque<"@darabonba/typescript.RuntimeOptions">; }',
    );
    expect(out).toContain('import * as pulumi from "@pulumi/pulumi";');
    expect(() => rewriteDeclarations('export { z } from "zod";', ".", "y.d.ts")).toThrow(
      /re-exports from zod/,
    );
  });
});

describe("the library's fixed cost", () => {
  it("loads no Alibaba SDK until an API call needs one, and never the IMS or RAM product SDK", () => {
    // A fresh process, as each engine command's provider process is: load the library, make a
    // session, then use each client (what the first call of each service does), and list which SDK
    // modules are in memory. IMS and RAM are called through openapi-core (callModel), so their
    // product SDKs (a few hundred ms of CPU each to load) stay out of the process.
    const script = `
      const loaded = (re) => Object.keys(require.cache).filter((k) => re.test(k)).length;
      const product = () => loaded(/node_modules\\/@alicloud\\/(ims20190815|ram20150501)\\//);
      const core = () => loaded(/node_modules\\/@alicloud\\/openapi-core\\//);
      require(${JSON.stringify(join(ROOT, "provider", "index.ts"))});
      const atLoad = loaded(/node_modules\\/@(alicloud|darabonba)\\//);
      const { session, withOptions } = require(${JSON.stringify(join(ROOT, "provider", "client", "session.ts"))});
      const s = session();
      const atSession = core() + product();
      const sts = s.sts;
      const afterSts = core();
      const derived = withOptions(s, { retryAmbiguous: false });
      const shared = derived.ims === s.ims && derived.sts === sts && derived.retryAmbiguous === false && s.retryAmbiguous === undefined;
      const spread = { ...s };
      console.log(JSON.stringify({ atLoad, atSession, afterSts, shared, spreadHasRam: spread.ram === s.ram, products: product() }));`;
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        ALICLOUD_FEDERATION_ENDPOINT: "http://127.0.0.1:9",
        ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI5tBench0000000000000",
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: "x".repeat(30),
      },
    });
    const r = JSON.parse(out.trim().split("\n").pop() ?? "{}");
    expect(r.atLoad).toBe(0);
    // Settings resolve the credential (the credentials SDK); no client is made yet.
    expect(r.atSession).toBe(0);
    expect(r.afterSts).toBeGreaterThan(0);
    // A derived session (a create's options) shares the clients and leaves the base unchanged.
    expect(r.shared).toBe(true);
    // A spread copy has every client; none of them loaded a product SDK.
    expect(r.spreadHasRam).toBe(true);
    expect(r.products).toBe(0);
  });
});
