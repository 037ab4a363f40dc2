/**
 * The one definition of "pins the workload" (`admitsAnyWorkload`) and every place that asks it:
 * OidcRole's check, the simulator's explanation, the presets, the inventory's and the report's
 * description of a grant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkOidcRoleInputs } from "../../provider/resources/oidcRole";
import { describeGrant, grantAdmitsAnyWorkload, summarizeFederatedTrust } from "../../provider/trust/admits";
import { evaluateTrust } from "../../provider/trust/evaluate";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { authing } from "../../provider/trust/presets";
import { admitsAnyWorkload, canMatchPrefix, unpinnedSubjectReason } from "../../provider/trust/subjects";

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

  it("GitLab: the full project path; ACK: the exact service account; others: no wildcard at all", () => {
    expect(admitsAnyWorkload({ like: ["project_path:g/sub/app:*"] }, GITLAB)).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["project_path:g/*:*"] }, GITLAB)?.words).toBe("any project");
    expect(admitsAnyWorkload({ like: ["system:serviceaccount:ns:*"] }, ACK)?.words).toBe(
      "any service account",
    );
    expect(admitsAnyWorkload({ equals: ["system:serviceaccount:ns:app"] }, ACK)).toBeUndefined();
    // No grammar says which part of an opaque subject names the workload: any wildcard may admit
    // users nobody chose ('6*' is most of Authing's users, '00u*' every Okta user).
    expect(admitsAnyWorkload({ like: ["user-*"] }, "https://idp.example")).toMatchObject({
      words: "any subject",
      reason: expect.stringMatching(/has a wildcard, and the issuer's subjects have no shape known here/),
    });
    expect(admitsAnyWorkload({ like: ["00u*"] }, "https://acme.okta.com")?.words).toBe("any subject");
    expect(admitsAnyWorkload({ like: ["6*"] }, "https://acme.authing.cn/oidc")?.words).toBe("any user");
    expect(admitsAnyWorkload({ like: ["6?"] }, "https://acme.authing.cn/oidc")?.reason).toMatch(
      /does not pin one Authing user/,
    );
    expect(
      admitsAnyWorkload({ equals: ["6123456789abcdef01234567"] }, "https://acme.authing.cn/oidc"),
    ).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["*-admin"] }, "https://idp.example")?.words).toBe("any subject");
    // Without an issuer the pattern's own prefix picks the grammar.
    expect(admitsAnyWorkload({ like: ["repo:*"] })?.words).toBe("any repository");
  });

  it("with several issuers, any issuer it does not pin for decides", () => {
    expect(admitsAnyWorkload({ like: ["repo:acme/app:*"] }, [GITHUB, ACK])?.words).toBe(
      "any service account",
    );
    expect(admitsAnyWorkload({ like: ["repo:acme/app:*"] }, [GITHUB])).toBeUndefined();
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

describe("an issuer whose grammar is unknown (a bare provider ARN, GitHub Enterprise, self-managed GitLab)", () => {
  it("judges a pattern by every grammar whose subjects it can match, fail safe", () => {
    for (const pattern of ["rep?:*", "r*", "re*o:acme/app:*", "repo*", "repo:acme?app:*"])
      expect(admitsAnyWorkload({ like: [pattern] })?.words, pattern).toBe("any repository");
    expect(admitsAnyWorkload({ like: ["p*:g/app:*"] })?.words).toBe("any project");
    expect(admitsAnyWorkload({ like: ["sys?em:serviceaccount:ns:*"] })?.words).toBe("any service account");
    // The same on an issuer host we do not know the grammar of.
    expect(admitsAnyWorkload({ like: ["rep?:*"] }, "https://ghe.example.com/_services/token")?.words).toBe(
      "any repository",
    );
    // Still pinned: a literal owner and name.
    expect(admitsAnyWorkload({ like: ["repo:acme/app:*"] })).toBeUndefined();
    expect(admitsAnyWorkload({ like: ["project_path:g/app:*"] })).toBeUndefined();
    // A pattern no fixed grammar's subject can match pins nothing with a wildcard, fail safe.
    for (const pattern of ["user-*", "repository_owner:*", "job_workflow_ref:*", "x*"])
      expect(admitsAnyWorkload({ like: [pattern] })?.words, pattern).toBe("any subject");
    // A leading wildcard matches subjects of any shape, whatever grammar they belong to.
    expect(admitsAnyWorkload({ like: ["?epo:acme/app:*"] })).toMatchObject({ words: "any subject" });
    expect(admitsAnyWorkload({ like: ["*"] })?.reason).toMatch(/starts with a wildcard/);
  });

  it("OidcRole refuses such a pattern for a role given only the provider's ARN", () => {
    const { failures } = checkOidcRoleInputs({
      roleName: "r",
      providerArn: ARN,
      audiences: ["sts.aliyuncs.com"],
      subjectPatterns: ["rep?:*"],
    });
    expect(failures[0]).toMatchObject({ property: "subjectPatterns[0]" });
    expect(failures[0]?.reason).toMatch(/does not pin one GitHub repository/);
  });

  it("the inventory's grant line of such a role says ANY repository without the provider's issuer", () => {
    const [grant] = summarizeFederatedTrust(
      buildOidcTrustPolicy({
        providerArn: ARN,
        audiences: ["sts.aliyuncs.com"],
        subjects: { like: ["rep?:*"] },
      }),
    ).grants;
    expect(describeGrant(grant!)).toMatch(/ANY repository/);
  });
});

/** RAM's StringLike: `*` any run of characters, `?` exactly one. */
const globMatches = (pattern: string, subject: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\/]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "s",
  ).test(subject);

describe("pinned means one workload (property, a small universe of subjects)", () => {
  // Every subject of a few workloads per grammar; a pattern judged pinned must not match two workloads.
  const universe: Record<string, Array<{ workload: string; subject: string }>> = {
    github: ["acme/app", "acme/ap", "acm/app", "evil/app", "acme/app2"].flatMap((w) =>
      ["ref:refs/heads/main", "pull_request", "environment:prod"].map((c) => ({
        workload: w,
        subject: `repo:${w}:${c}`,
      })),
    ),
    gitlab: ["g/app", "g/sub/app", "g/ap", "h/app"].flatMap((w) =>
      ["ref_type:branch:ref:main", "ref_type:tag:ref:v1"].map((c) => ({
        workload: w,
        subject: `project_path:${w}:${c}`,
      })),
    ),
    ack: ["ns:app", "ns:ap", "ns2:app"].map((w) => ({ workload: w, subject: `system:serviceaccount:${w}` })),
  };
  const issuerOf: Record<string, string> = { github: GITHUB, gitlab: GITLAB, ack: ACK };
  const all = Object.values(universe).flat();

  /** A pattern made from a real subject: some characters or runs replaced by `*` or `?`. */
  const patternArb = fc
    .tuple(
      fc.constantFrom(...all.map((s) => s.subject)),
      fc.array(fc.tuple(fc.nat(60), fc.nat(6), fc.constantFrom("*", "?")), { minLength: 1, maxLength: 3 }),
    )
    .map(([subject, edits]) => {
      let out = subject;
      for (const [at, len, wild] of edits) {
        const i = at % (out.length + 1);
        out = out.slice(0, i) + wild + out.slice(i + (wild === "?" ? 1 : len));
      }
      return out;
    });

  it("holds for a known issuer and for an unknown one", () => {
    fc.assert(
      fc.property(patternArb, (pattern) => {
        for (const [grammar, subjects] of Object.entries(universe)) {
          const workloads = new Set(
            subjects.filter((s) => globMatches(pattern, s.subject)).map((s) => s.workload),
          );
          if (workloads.size < 2) continue;
          expect(unpinnedSubjectReason(pattern, issuerOf[grammar]), `${pattern} (${grammar})`).toBeDefined();
          expect(unpinnedSubjectReason(pattern), `${pattern} (no issuer)`).toBeDefined();
          expect(
            unpinnedSubjectReason(pattern, "https://idp.example"),
            `${pattern} (other host)`,
          ).toBeDefined();
        }
      }),
      { seed: 24, numRuns: 3000 },
    );
  });

  it("canMatchPrefix agrees with matching the prefix followed by anything", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[rep?*o:]{0,8}$/),
        fc.constantFrom("repo:", "re", ""),
        (pattern, prefix) => {
          // Brute force over short tails from the same alphabet.
          const tails = ["", "o", ":", "po:", "x", "o:x", "epo:"];
          if (tails.some((t) => globMatches(pattern, prefix + t)))
            expect(canMatchPrefix(pattern, prefix), `${pattern} / ${prefix}`).toBe(true);
          // And never for a pattern whose literal start differs from the prefix's.
          const literal = /^[^*?]*/.exec(pattern)?.[0] ?? "";
          const n = Math.min(literal.length, prefix.length);
          if (literal.slice(0, n) !== prefix.slice(0, n)) expect(canMatchPrefix(pattern, prefix)).toBe(false);
        },
      ),
      { seed: 24, numRuns: 2000 },
    );
  });
});
