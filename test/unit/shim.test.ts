import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type * as Providers from "../../provider/providers";
import { providerShim } from "../../provider/shim";

const ROOT = path.join(__dirname, "..", "..");
// The built package, as the engine's provider process loads it (its `require`s name .js files).
const built = createRequire(path.join(ROOT, "package.json"));
const entry = built("alicloud-federation") as Record<string, unknown>;
const { provider } = built("alicloud-federation/providers") as typeof Providers;

describe("providerShim", () => {
  it("is one object per export, so the SDK serializes it once for any number of resources", () => {
    expect(providerShim("ScimUserProvider")).toBe(providerShim("ScimUserProvider"));
    expect(providerShim("ScimUserProvider")).not.toBe(providerShim("OidcRoleProvider"));
  });

  it("serializes to a small text that captures only the export name and requires the package by name", async () => {
    const shim = providerShim("OidcProviderProvider");
    const sf = await pulumi.runtime.serializeFunction(() => shim);
    expect(sf.text.length).toBeLessThan(4096);
    expect(sf.text).toContain('require("alicloud-federation/providers").provider(exportName)');
    expect(sf.text).toContain('exportName: "OidcProviderProvider"');
    expect(sf.text).not.toMatch(/shims|Map\(/);
  });
});

describe("alicloud-federation/providers", () => {
  it("serves exactly the package entry's providers, each the same object the entry exports", () => {
    const names = Object.keys(entry).filter((k) => k.endsWith("Provider") && typeof entry[k] === "object");
    expect(names.length).toBe(18);
    for (const name of names) expect(provider(name), name).toBe(entry[name]);
    expect(() => provider("NoSuchProvider")).toThrow(/no provider named "NoSuchProvider".*install/);
    // Only own names: Object's members are not providers.
    expect(() => provider("toString")).toThrow(/no provider named/);
  });

  it("loads only the asked provider's module, not the other kinds', the SDKs or zod until a check", () => {
    const script = `
      const before = new Set(Object.keys(require.cache));
      const { provider } = require("alicloud-federation/providers");
      const ramPolicy = provider("RamPolicyProvider");
      const loaded = Object.keys(require.cache).filter((f) => !before.has(f));
      // zod comes with the first check, not with the module: refresh and destroy never check.
      ramPolicy.check({}, { policyName: "p", policyDocument: "{}" }).then((r) => {
        const zod = Object.keys(require.cache).some((f) => f.includes("/node_modules/zod/"));
        console.log(JSON.stringify({ loaded, failures: r.failures, zod }));
      });`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    const result = JSON.parse(out) as { loaded: string[]; failures: unknown[]; zod: boolean };
    const loaded = result.loaded.map((f) => path.relative(ROOT, f));
    expect(loaded.filter((f) => f.includes(`${path.sep}zod${path.sep}`))).toEqual([]);
    expect(result.zod).toBe(true);
    expect(result.failures.length).toBeGreaterThan(0);
    expect(result.failures).toEqual(
      result.failures.map(() =>
        expect.objectContaining({ property: "", reason: expect.stringMatching(/^policyDocument/) }),
      ),
    );
    expect(loaded).toContain(path.join("dist", "provider", "resources", "ramPolicy.js"));
    const ours = loaded.filter((f) => f.startsWith(path.join("dist", "provider", "resources")));
    expect(ours).toEqual([path.join("dist", "provider", "resources", "ramPolicy.js")]);
    expect(loaded.filter((f) => f.includes(`${path.sep}@alicloud${path.sep}`))).toEqual([]);
  });

  it("still serves state written before it existed, which names the package entry", () => {
    // Serialized providers in older state: require("alicloud-federation")[exportName].
    expect(entry.OidcRoleProvider).toBe(provider("OidcRoleProvider"));
  });
});

describe("the credential", () => {
  it("is made on first use, so a preview that calls nothing does not load the credentials SDK", () => {
    const script = `
      const { runtimeSettings } = require("./dist/provider/settings.js");
      const sdk = () => Object.keys(require.cache).some((f) => f.includes("/@alicloud/credentials/"));
      const settings = runtimeSettings();
      const before = sdk();
      const id = settings.credential.getCredential ? "made" : "none";
      console.log(JSON.stringify({ before, after: sdk(), id }));`;
    const env = {
      ...process.env,
      ALIBABA_CLOUD_ACCESS_KEY_ID: "id",
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: "secret",
    };
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env });
    expect(JSON.parse(out)).toEqual({ before: false, after: true, id: "made" });
  });
});

describe("the package entry", () => {
  it("loads no zod and no Alibaba SDK into a program, and still builds trustReportSchema when read", () => {
    // A program imports the entry for its resource classes; the trust report's schema, the only
    // zod the entry holds, is built when first read.
    const script = `
      const has = (part) => Object.keys(require.cache).some((f) => f.includes(part));
      const entry = require("alicloud-federation");
      const atLoad = { zod: has("/node_modules/zod/"), sdk: has("/node_modules/@alicloud/") };
      const parsed = entry.trustReportSchema.safeParse({ schemaVersion: 2 }).success;
      console.log(JSON.stringify({ atLoad, parsed, zod: has("/node_modules/zod/") }));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ atLoad: { zod: false, sdk: false }, parsed: false, zod: true });
  });
});
