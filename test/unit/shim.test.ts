import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { providerShim } from "../../provider/shim";

describe("providerShim", () => {
  it("is one object per export, so the SDK serializes it once for any number of resources", () => {
    expect(providerShim("ScimUserProvider")).toBe(providerShim("ScimUserProvider"));
    expect(providerShim("ScimUserProvider")).not.toBe(providerShim("OidcRoleProvider"));
  });

  it("serializes to a small text that captures only the export name and requires the package by name", async () => {
    const shim = providerShim("OidcProviderProvider");
    const sf = await pulumi.runtime.serializeFunction(() => shim);
    expect(sf.text.length).toBeLessThan(4096);
    expect(sf.text).toContain('require("alicloud-federation")[exportName]');
    expect(sf.text).toContain('exportName: "OidcProviderProvider"');
    expect(sf.text).not.toMatch(/shims|Map\(/);
  });
});
