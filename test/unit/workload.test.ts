/**
 * The one definition of "pins the workload" (`admitsAnyWorkload`) and every place that asks it:
 * OidcRole's check, the simulator's explanation, the presets, the inventory's and the report's
 * description of a grant.
 */
import { describe, expect, it } from "vitest";
import { checkOidcRoleInputs } from "../../provider/resources/oidcRole";
import { describeGrant, grantAdmitsAnyWorkload, summarizeFederatedTrust } from "../../provider/trust/admits";
import { evaluateTrust } from "../../provider/trust/evaluate";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { authing } from "../../provider/trust/presets";
import { admitsAnyWorkload } from "../../provider/trust/subjects";

const ARN = "acs:ram::1234567890123456:oidc-provider/ci";
const GITHUB = "https://token.actions.githubusercontent.com";
const GITLAB = "https://gitlab.com";
const ACK = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0123456789abcdef0123456789abcdef";

describe("admitsAnyWorkload", () => {
  it("names what is admitted in the issuer's own words", () => {
    expect(admitsAnyWorkload({}, GITHUB)?.words).toBe("any repository");
    expect(admitsAnyWorkload({}, GITLAB)?.words).toBe("any project");
    expect(admitsAnyWorkload({}, ACK)?.words).toBe("any service account");
    expect(admitsAnyWorkload({}, "https://acme.authing.cn/oidc")?.words).toBe("any user");
    expect(admitsAnyWorkload({}, "https://idp.example")?.words).toBe("any subject");
    expect(admitsAnyWorkload({})?.reason).toMatch(/^no subject condition/);
  });

  it("GitHub: owner and repository literal pin; a wildcard in either does not", () => {
    expect(admitsAnyWorkload({ like: ["repo:acme/app:*"] }, GITHUB)).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["repo:acme/*"] }, GITHUB)?.words).toBe("any repository");
    expect(admitsAnyWorkload({ like: ["repo:*/app:ref:refs/heads/main"] }, GITHUB)?.words).toBe(
      "any repository",
    );
    // One unpinned alternative is enough: they are ORed.
    expect(
      admitsAnyWorkload({ equals: ["repo:acme/app:pull_request"], like: ["repo:acme*/app:*"] }, GITHUB),
    ).toMatchObject({ words: "any repository" });
    // Exact subjects each name one workload.
    expect(admitsAnyWorkload({ equals: ["repo:*/*:*"] }, GITHUB)).toBeUndefined();
  });

  it("GitLab: the full project path; ACK: the exact service account; others: no leading wildcard", () => {
    expect(admitsAnyWorkload({ like: ["project_path:g/sub/app:*"] }, GITLAB)).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["project_path:g/*:*"] }, GITLAB)?.words).toBe("any project");
    expect(admitsAnyWorkload({ like: ["system:serviceaccount:ns:*"] }, ACK)?.words).toBe(
      "any service account",
    );
    expect(admitsAnyWorkload({ equals: ["system:serviceaccount:ns:app"] }, ACK)).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["user-*"] }, "https://idp.example")).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["*-admin"] }, "https://idp.example")?.words).toBe("any subject");
    // Without an issuer the pattern's own prefix picks the grammar.
    expect(admitsAnyWorkload({ like: ["repo:*"] })?.words).toBe("any repository");
  });

  it("with several issuers, any issuer it does not pin for decides", () => {
    expect(admitsAnyWorkload({ like: ["a*"] }, ["https://idp.example", ACK])?.words).toBe(
      "any service account",
    );
  });
});

describe("everyone asks the same definition", () => {
  const policy = (like: string[], issuerUrl = GITHUB) =>
    buildOidcTrustPolicy({
      providerArn: ARN,
      issuerUrl,
      audiences: ["sts.aliyuncs.com"],
      subjects: { like },
    });

  it("the simulator's explanation says when the deciding statement admits any workload", () => {
    const loose = evaluateTrust({
      policy: policy(["repo:acme*/app:*"]),
      providerArn: ARN,
      claims: { iss: GITHUB, aud: "sts.aliyuncs.com", sub: "repo:acme-evil/app:ref:refs/heads/main" },
    });
    expect(loose).toMatchObject({ allowed: true, anyWorkload: { words: "any repository" } });
    expect(loose.reason).toMatch(/^statement 1 allows it, and it admits any repository of the issuer: /);
    const pinned = evaluateTrust({
      policy: policy(["repo:acme/app:*"]),
      providerArn: ARN,
      claims: { iss: GITHUB, aud: "sts.aliyuncs.com", sub: "repo:acme/app:ref:refs/heads/main" },
    });
    expect(pinned).toMatchObject({ allowed: true, reason: "statement 1 allows it" });
    expect(pinned.anyWorkload).toBeUndefined();
  });

  it("the inventory's and report's grant line says ANY <workload> in the issuer's words", () => {
    const [loose] = summarizeFederatedTrust(policy(["repo:*"])).grants;
    expect(describeGrant(loose!)).toBe(
      `${ARN}: issuer '${GITHUB}', audience 'sts.aliyuncs.com', subject like 'repo:*' (ANY repository: it does not pin one workload)`,
    );
    const [none] = summarizeFederatedTrust(
      buildOidcTrustPolicy({ providerArn: ARN, audiences: ["sts.aliyuncs.com"] }),
    ).grants;
    // No oidc:iss in the policy: the provider's issuer names the workload.
    expect(describeGrant(none!, GITLAB)).toBe(`${ARN}: any issuer, audience 'sts.aliyuncs.com', ANY project`);
    expect(describeGrant(none!)).toBe(`${ARN}: any issuer, audience 'sts.aliyuncs.com', ANY subject`);
    expect(grantAdmitsAnyWorkload(none!, ACK)?.words).toBe("any service account");
  });

  it("OidcRole's check and the presets refuse what it does not pin, unless acknowledged", () => {
    const failures = (over: Record<string, unknown>) =>
      checkOidcRoleInputs({
        roleName: "r",
        providerArn: ARN,
        audiences: ["sts.aliyuncs.com"],
        issuerUrl: GITLAB,
        ...over,
      }).failures;
    expect(failures({ subjects: [] })[0]?.reason).toMatch(/\(any project of the issuer\)/);
    expect(failures({ subjectPatterns: ["project_path:g/*:*"] })[0]).toMatchObject({
      property: "subjectPatterns[0]",
    });
    expect(failures({ subjectPatterns: ["project_path:g/*:*"], allowAnySubject: true })).toEqual([]);
    expect(() => authing({ appHost: "a.authing.cn", appId: "64a1b2c3d4e5f6a7", allowAnyUser: true })).toThrow(
      /allowAnySubject/,
    );
  });
});
