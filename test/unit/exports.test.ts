// biome-ignore-all lint/performance/noDynamicNamespaceImportAccess: this test enumerates the public surface by name.
import { describe, expect, it } from "vitest";
import * as pkg from "../../provider";

describe("the package entry", () => {
  it("exports each resource class and its provider implementation with the full lifecycle", () => {
    for (const name of [
      "OidcProvider",
      "OidcRole",
      "OfficialCliApplication",
      "ApplicationAssignment",
      "ScimApplication",
      "ScimUser",
      "IdaasM2mApplication",
      "IdaasClientSecret",
      "IdaasResourceServer",
      "IdaasFederatedCredentialProvider",
      "IdaasApplicationFederatedCredential",
      "IdaasClientPublicKey",
      "IdaasClientConfig",
    ] as const) {
      expect(typeof pkg[name], name).toBe("function");
      const impl = pkg[`${name}Provider`] as Record<string, unknown>;
      for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
        expect(typeof impl[method], `${name}Provider.${method}`).toBe("function");
      }
    }
  });

  it("exports the trust tools the README documents", () => {
    for (const name of [
      "evaluateTrust",
      "buildOidcTrustPolicy",
      "trustPoliciesEqual",
      "discoverOidcFingerprint",
      "planFingerprintSteps",
      "AlicloudApiError",
    ] as const) {
      expect(typeof pkg[name], name).toBe("function");
    }
    expect(Object.keys(pkg.trustPresets).sort()).toEqual(["ackRrsa", "authing", "githubActions", "gitlabCi"]);
  });
});
