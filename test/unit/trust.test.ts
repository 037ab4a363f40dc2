import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateTrust, stringLike, undecidableParts } from "../../provider/trust/evaluate";
import {
  buildOidcTrustPolicy,
  canonicalTrustPolicy,
  PolicyParseError,
  parseTrustPolicy,
  trustPoliciesEqual,
} from "../../provider/trust/policy";

const ARN = "acs:ram::1234567890123456:oidc-provider/github";
const ISS = "https://token.actions.githubusercontent.com";
const policy = buildOidcTrustPolicy({
  providerArn: ARN,
  issuerUrl: ISS,
  audiences: ["sts.aliyuncs.com"],
  subjects: { equals: ["repo:acme/app:ref:refs/heads/main"] },
});
const claims = { iss: ISS, aud: "sts.aliyuncs.com", sub: "repo:acme/app:ref:refs/heads/main" };

/** Reshapes a document the ways RAM is known or suspected to: key order, scalars to arrays, a lone statement. */
function reshape(doc: string, seed: number): string {
  let state = seed;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) {
      const items = v.map((x) => walk(x));
      if (items.length === 1 && key !== "Statement" && rnd(2) === 0) return items[0];
      return rnd(2) === 0 ? items.reverse() : items;
    }
    if (v && typeof v === "object") {
      const entries = Object.entries(v).map(([k, x]) => [k, walk(x, k)] as const);
      if (rnd(2) === 0) entries.reverse();
      return Object.fromEntries(entries);
    }
    // Only a property's value becomes a one-element array; RAM never nests lists.
    if (typeof v === "string" && key !== undefined && key !== "Effect" && key !== "Version" && rnd(3) === 0)
      return [v];
    return v;
  };
  const out = walk(JSON.parse(doc)) as { Statement: unknown[] };
  if (out.Statement.length === 1 && rnd(2) === 0)
    (out as { Statement: unknown }).Statement = out.Statement[0];
  return JSON.stringify(out, null, rnd(2) ? 2 : 0);
}

describe("trust policy comparison", () => {
  it("any reshaping RAM applies (key order, scalars as arrays, a lone statement) compares equal", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const reshaped = reshape(policy, seed);
        expect(trustPoliciesEqual(policy, reshaped)).toBe(true);
        expect(canonicalTrustPolicy(reshaped)).toBe(canonicalTrustPolicy(policy));
      }),
      { numRuns: 300 },
    );
  });

  it("a real change does not compare equal", () => {
    const other = buildOidcTrustPolicy({
      providerArn: ARN,
      issuerUrl: ISS,
      audiences: ["sts.aliyuncs.com"],
      subjects: { equals: ["repo:acme/app:ref:refs/heads/dev"] },
    });
    expect(trustPoliciesEqual(policy, other)).toBe(false);
  });

  it("merges repeated values; condition keys compare as written (RAM does not say they fold case)", () => {
    const a = {
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: ARN },
          Condition: { StringEquals: { "oidc:aud": ["x", "x"] } },
        },
      ],
    };
    const b = {
      Version: "1",
      Statement: {
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Principal: { Federated: [ARN] },
        Condition: { StringEquals: { "oidc:aud": "x" } },
      },
    };
    expect(trustPoliciesEqual(a, b)).toBe(true);
    const upper = { ...b, Statement: { ...b.Statement, Condition: { StringEquals: { "OIDC:AUD": "x" } } } };
    expect(trustPoliciesEqual(a, upper)).toBe(false);
  });

  it("a document member beside Version and Statement compares as written, and makes the policy undetermined", () => {
    const widened = { ...JSON.parse(policy), Statement2: [] };
    expect(trustPoliciesEqual(policy, widened)).toBe(false);
    expect(canonicalTrustPolicy(widened)).toContain('"Statement2":[]');
    expect(undecidableParts(JSON.stringify(widened))).toEqual([
      { statement: 0, reason: "it has Statement2 beside Version and Statement, which is not evaluated" },
    ]);
    expect(evaluateTrust({ policy, providerArn: ARN, claims }).outcome).toBe("allowed");
    expect(evaluateTrust({ policy: JSON.stringify(widened), providerArn: ARN, claims })).toMatchObject({
      allowed: false,
      outcome: "undetermined",
      reason: expect.stringMatching(
        /^undetermined: the document has Statement2 beside Version and Statement/,
      ),
    });
  });

  it("refuses malformed documents with a reason", () => {
    expect(() => parseTrustPolicy("{")).toThrow(PolicyParseError);
    expect(() => parseTrustPolicy({ Statement: [] })).toThrow(/must not be empty/);
    expect(() => parseTrustPolicy({ Statement: [{ Effect: "Maybe", Action: "x", Principal: {} }] })).toThrow(
      /Effect/,
    );
  });
});

describe("evaluateTrust", () => {
  it("allows the exact subject", () => {
    expect(evaluateTrust({ policy, providerArn: ARN, claims })).toMatchObject({
      allowed: true,
      reason: "statement 1 allows it",
    });
  });

  it("refuses each wrong claim and says which", () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { sub: "repo:acme/app:pull_request" },
        /oidc:sub 'repo:acme\/app:pull_request' does not match StringEquals/,
      ],
      [{ sub: "repo:fork/app:ref:refs/heads/main" }, /oidc:sub/],
      [{ aud: "other" }, /oidc:aud 'other' does not match/],
      [{ iss: "https://evil.example.com" }, /oidc:iss/],
      [{ sub: undefined }, /the token has no sub claim/],
    ];
    for (const [over, why] of cases) {
      const d = evaluateTrust({ policy, providerArn: ARN, claims: { ...claims, ...over } });
      expect(d.allowed, JSON.stringify(over)).toBe(false);
      expect(d.reason).toMatch(why);
    }
  });

  it("refuses another provider", () => {
    const d = evaluateTrust({ policy, providerArn: `${ARN}-2`, claims });
    expect(d).toMatchObject({ allowed: false });
    expect(d.reason).toMatch(/trusts 'acs:ram::1234567890123456:oidc-provider\/github', not/);
  });

  it("accepts an aud array when any value is allowed", () => {
    expect(
      evaluateTrust({ policy, providerArn: ARN, claims: { ...claims, aud: ["x", "sts.aliyuncs.com"] } })
        .allowed,
    ).toBe(true);
  });

  it("ORs exact subjects and patterns given together", () => {
    const p = buildOidcTrustPolicy({
      providerArn: ARN,
      audiences: ["sts.aliyuncs.com"],
      subjects: { equals: ["repo:acme/app:environment:prod"], like: ["repo:acme/app:ref:refs/tags/v*"] },
    });
    const allowed = (sub: string) =>
      evaluateTrust({ policy: p, providerArn: ARN, claims: { ...claims, sub } }).allowed;
    expect(allowed("repo:acme/app:environment:prod")).toBe(true);
    expect(allowed("repo:acme/app:ref:refs/tags/v1.2.0")).toBe(true);
    expect(allowed("repo:acme/app:ref:refs/heads/main")).toBe(false);
  });

  it("lets an explicit Deny win over an Allow", () => {
    const doc = JSON.parse(policy);
    doc.Statement.push({
      Effect: "Deny",
      Action: "sts:*",
      Principal: { Federated: ARN },
      Condition: { StringLike: { "oidc:sub": "*:pull_request" } },
    });
    expect(evaluateTrust({ policy: JSON.stringify(doc), providerArn: ARN, claims }).allowed).toBe(true);
    const pr = evaluateTrust({
      policy: JSON.stringify(doc),
      providerArn: ARN,
      claims: { ...claims, sub: "repo:acme/app:pull_request" },
    });
    expect(pr).toMatchObject({ allowed: false });
  });

  it("sts:AssumeRoleWithOIDC (the API's name, not a documented action) is undetermined, never allowed", () => {
    const doc = JSON.parse(policy);
    doc.Statement[0].Action = "sts:AssumeRoleWithOIDC";
    expect(evaluateTrust({ policy: JSON.stringify(doc), providerArn: ARN, claims })).toMatchObject({
      allowed: false,
      outcome: "undetermined",
      undetermined: { statement: 1 },
    });
  });

  it("evaluates the same whatever shape RAM stored the policy in", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), (seed, good) => {
        const c = good ? claims : { ...claims, sub: "repo:acme/app:pull_request" };
        expect(evaluateTrust({ policy: reshape(policy, seed), providerArn: ARN, claims: c }).allowed).toBe(
          good,
        );
      }),
    );
  });
});

describe("stringLike", () => {
  it("matches * and ? and nothing else specially", () => {
    expect(stringLike("repo:a/b:*", "repo:a/b:ref:refs/heads/x")).toBe(true);
    expect(stringLike("v?.0", "v1.0")).toBe(true);
    expect(stringLike("v?.0", "v10.0")).toBe(false);
    expect(stringLike("a.b", "axb")).toBe(false);
    expect(stringLike("(x)+[y]", "(x)+[y]")).toBe(true);
  });
  it("a pattern without wildcards matches exactly itself", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/[*?]/.test(s)),
        fc.string(),
        (p, v) => {
          expect(stringLike(p, v)).toBe(p === v);
          expect(stringLike(p, p)).toBe(true);
        },
      ),
    );
  });
});
