import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { claimAdmits, describeGrant, summarizeFederatedTrust } from "../../provider/trust/admits";
import { evaluateTrust } from "../../provider/trust/evaluate";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";

const ARN = "acs:ram::1234567890123456:oidc-provider/github";
const ISS = "https://token.actions.githubusercontent.com";

describe("summarizeFederatedTrust", () => {
  it("reads the issuer, audiences and subjects of a generated OIDC trust", () => {
    const s = summarizeFederatedTrust(
      buildOidcTrustPolicy({
        providerArn: ARN,
        issuerUrl: ISS,
        audiences: ["sts.aliyuncs.com"],
        subjects: { equals: ["repo:acme/app:ref:refs/heads/main"], like: ["repo:acme/app:environment:*"] },
      }),
    );
    expect(s).toMatchObject({ federated: true, determined: true, problems: [], denyStatements: 0 });
    expect(s.grants.map((g) => describeGrant(g)).sort()).toEqual([
      `${ARN}: issuer '${ISS}', audience 'sts.aliyuncs.com', subject 'repo:acme/app:ref:refs/heads/main'`,
      `${ARN}: issuer '${ISS}', audience 'sts.aliyuncs.com', subject like 'repo:acme/app:environment:*'`,
    ]);
  });

  it("says ANY subject when there is no subject condition or the pattern matches everything", () => {
    for (const like of [[], ["*"], ["**"]]) {
      const s = summarizeFederatedTrust(
        buildOidcTrustPolicy({ providerArn: ARN, audiences: ["a"], subjects: { like } }),
      );
      expect(s.grants[0]?.anySubject).toBe(true);
    }
    const narrow = summarizeFederatedTrust(
      buildOidcTrustPolicy({ providerArn: ARN, audiences: ["a"], subjects: { like: ["*:main"] } }),
    );
    expect(narrow.grants[0]?.anySubject).toBe(false);
  });

  it("is not federated for roles trusting RAM principals or services only", () => {
    const doc = JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { RAM: ["acs:ram::1:root"], Service: ["ecs.aliyuncs.com"] },
        },
      ],
    });
    expect(summarizeFederatedTrust(doc)).toMatchObject({ federated: false, determined: true, grants: [] });
  });

  it("counts SAML principals and Deny statements, and keeps other conditions visible", () => {
    const doc = JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: "acs:ram::1:saml-provider/okta" },
          Condition: { StringEquals: { "saml:recipient": "https://signin.aliyun.com/saml-role/sso" } },
        },
        { Effect: "Deny", Action: "sts:AssumeRole", Principal: { Federated: ARN } },
      ],
    });
    const s = summarizeFederatedTrust(doc);
    expect(s.denyStatements).toBe(1);
    expect(s.grants).toHaveLength(1);
    expect(s.grants[0]).toMatchObject({
      kind: "saml",
      otherConditions: ["StringEquals saml:recipient [https://signin.aliyun.com/saml-role/sso]"],
    });
  });

  it("fails safe: an unreadable document is federated and undetermined", () => {
    for (const doc of ["{not json", JSON.stringify({ Statement: [{ Effect: "Maybe" }] })]) {
      const s = summarizeFederatedTrust(doc);
      expect(s).toMatchObject({ federated: true, determined: false });
      expect(s.problems[0]).toMatch(/could not be read/);
    }
  });

  it("fails safe on a wildcard Federated principal", () => {
    const doc = JSON.stringify({
      Version: "1",
      Statement: [
        { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Federated: "acs:ram::*:oidc-provider/*" } },
      ],
    });
    expect(summarizeFederatedTrust(doc)).toMatchObject({ federated: true, determined: false });
  });

  it("admits exactly what the trust simulator allows, for generated trusts and tokens", () => {
    const word = fc.stringMatching(/^[a-c:*?]{1,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-c]{1,3}$/), { minLength: 1, maxLength: 3 }),
        fc.array(word, { maxLength: 3 }),
        fc.array(word, { maxLength: 3 }),
        fc.stringMatching(/^[a-c]{1,3}$/),
        fc.stringMatching(/^[a-c:]{0,6}$/),
        (audiences, equals, like, aud, sub) => {
          const doc = buildOidcTrustPolicy({
            providerArn: ARN,
            issuerUrl: ISS,
            audiences,
            subjects: { equals, like },
          });
          const s = summarizeFederatedTrust(doc);
          const admitted = s.grants.some(
            (g) => g.issuers.includes(ISS) && claimAdmits(g.audiences, aud) && claimAdmits(g.subjects, sub),
          );
          const decided = evaluateTrust({
            policy: doc,
            providerArn: ARN,
            claims: { iss: ISS, aud, sub },
          }).allowed;
          expect(admitted).toBe(decided);
        },
      ),
      { seed: 15, numRuns: 300 },
    );
  });
});

describe("what may admit a federated token is never left out", () => {
  const st = (over: Record<string, unknown>) =>
    JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...over }] });

  it("an Allow with NotPrincipal, or a principal kind RAM does not document, counts as federated and undetermined", () => {
    for (const doc of [
      st({ Principal: {}, NotPrincipal: { RAM: "acs:ram::1:root" } }),
      st({ Principal: { OIDC: ARN } }),
      st({ Principal: { Service: "ecs.aliyuncs.com", AWS: "x" } }),
    ])
      expect(summarizeFederatedTrust(doc), doc).toMatchObject({ federated: true, determined: false });
  });

  it("a service role with a condition the evaluator does not model still trusts no federated principal", () => {
    const doc = st({
      Principal: { Service: "ecs.aliyuncs.com" },
      Condition: { StringEquals: { "sts:ExternalId": "x" } },
    });
    expect(summarizeFederatedTrust(doc)).toMatchObject({ federated: false, grants: [] });
  });

  it("a document that names a member twice is unreadable: federated, undetermined, never narrow", () => {
    const one = buildOidcTrustPolicy({
      providerArn: ARN,
      issuerUrl: ISS,
      audiences: ["sts.aliyuncs.com"],
      subjects: { equals: ["repo:acme/app:ref:refs/heads/main"] },
    });
    const twice = one.replace('"Effect":"Allow"', '"Effect":"Allow","Effect":"Allow"');
    expect(twice).not.toBe(one);
    const s = summarizeFederatedTrust(twice);
    expect(s).toMatchObject({ federated: true, determined: false, grants: [] });
    expect(s.problems.join()).toMatch(/Statement\[0\]\.Effect is given twice/);
    expect(
      evaluateTrust({
        policy: twice,
        providerArn: ARN,
        claims: { iss: ISS, aud: "sts.aliyuncs.com", sub: "repo:acme/app:ref:refs/heads/main" },
      }),
    ).toMatchObject({ allowed: false, outcome: "undetermined" });
  });
});

describe("the simulator's 'admits any workload' looks at every Allow that lets the token in", () => {
  const SUB = "repo:acme/app:ref:refs/heads/main";
  const claims = { iss: ISS, aud: "sts.aliyuncs.com", sub: SUB };
  const st = (condition: Record<string, unknown>) => ({
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Principal: { Federated: ARN },
    Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com", ...condition } },
  });
  const narrow = st({ "oidc:sub": SUB });
  const wides = [
    {
      ...narrow,
      Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com" }, StringLike: { "oidc:sub": "repo:*" } },
    },
    st({}),
  ];

  it.each(wides.map((w, i) => [i, w] as const))(
    "a narrow statement beside a wide one (%i), in either order",
    (_i, wide) => {
      for (const statements of [
        [narrow, wide],
        [wide, narrow],
      ]) {
        const d = evaluateTrust({
          policy: JSON.stringify({ Version: "1", Statement: statements }),
          providerArn: ARN,
          claims,
        });
        expect(d.outcome).toBe("allowed");
        expect(d.anyWorkload?.words).toBe("any repository");
        expect(d.reason).toMatch(/admits any repository of the issuer/);
      }
    },
  );

  it("a narrow statement alone is not called wide", () => {
    const d = evaluateTrust({
      policy: JSON.stringify({ Version: "1", Statement: [narrow] }),
      providerArn: ARN,
      claims,
    });
    expect(d).toMatchObject({ outcome: "allowed" });
    expect(d.anyWorkload).toBeUndefined();
  });
});
