import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/normalize";
import { checkOidcRoleInputs, diffOidcRole, type OidcRoleOutputs } from "../../provider/resources/oidcRole";
import { evaluateTrust } from "../../provider/trust/evaluate";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { ackRrsa, authing, githubActions, gitlabCi, PresetError } from "../../provider/trust/presets";

const ARN = "acs:ram::1234567890123456:oidc-provider/github";

/** Would a token with this subject be trusted by the preset's policy? */
function allows(preset: ReturnType<typeof githubActions>, sub: string, aud = preset.audiences[0]): boolean {
  const policy = buildOidcTrustPolicy({
    providerArn: ARN,
    issuerUrl: preset.issuerUrl,
    audiences: preset.audiences,
    subjects: preset.subjects,
  });
  return evaluateTrust({ policy, providerArn: ARN, claims: { iss: preset.issuerUrl, aud, sub } }).allowed;
}

describe("githubActions", () => {
  it("trusts exactly the named branch, with GitHub's subject grammar", () => {
    const p = githubActions({ repository: "acme/app", branches: ["main"] });
    expect(p.subjects).toEqual({ equals: ["repo:acme/app:ref:refs/heads/main"], like: [] });
    expect(p.issuerUrl).toBe("https://token.actions.githubusercontent.com");
    expect(p.audiences).toEqual(["sts.aliyuncs.com"]);
    expect(allows(p, "repo:acme/app:ref:refs/heads/main")).toBe(true);
    expect(allows(p, "repo:acme/app:ref:refs/heads/dev")).toBe(false);
    expect(allows(p, "repo:acme/app:pull_request")).toBe(false);
    expect(allows(p, "repo:fork/app:ref:refs/heads/main")).toBe(false);
    expect(allows(p, "repo:ACME/app:ref:refs/heads/main")).toBe(false);
    expect(allows(p, "repo:acme/app:ref:refs/heads/main", "other")).toBe(false);
    expect(p.warnings).toEqual([]);
  });

  it("uses pull_request with an underscore, and warns that it covers forks", () => {
    const p = githubActions({ repository: "acme/app", pullRequests: true });
    expect(allows(p, "repo:acme/app:pull_request")).toBe(true);
    expect(allows(p, "repo:acme/app:pull-request")).toBe(false);
    expect(p.warnings.join()).toMatch(/including pull requests from forks/);
  });

  it("turns wildcards into StringLike patterns and exact names into StringEquals", () => {
    const p = githubActions({
      repository: "acme/app",
      branches: ["main", "release/*"],
      tags: ["v*"],
      environments: ["prod"],
    });
    expect(p.subjects).toEqual({
      equals: ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"],
      like: ["repo:acme/app:ref:refs/heads/release/*", "repo:acme/app:ref:refs/tags/v*"],
    });
    expect(allows(p, "repo:acme/app:ref:refs/heads/release/1.2")).toBe(true);
    expect(allows(p, "repo:acme/app:ref:refs/tags/v2.0.0")).toBe(true);
    expect(allows(p, "repo:acme/app:environment:prod")).toBe(true);
    expect(allows(p, "repo:acme/app:environment:staging")).toBe(false);
  });

  it("warns for wildcard environments and tags as for wildcard branches, naming what each admits", () => {
    const p = githubActions({
      repository: "acme/app",
      branches: ["*", "main"],
      tags: ["*", "v*"],
      environments: ["*", "prod", "prod-?"],
    });
    expect(p.warnings).toEqual([
      "branches: '*' trusts workflows on every branch of acme/app, including ones anyone with push access creates",
      "tags: '*' trusts workflows for every tag of acme/app, including ones anyone with push access creates unless a tag ruleset protects them",
      "tags: 'v*' trusts workflows for every tag matching 'v*' of acme/app, including ones anyone with push access creates unless a tag ruleset protects them",
      "environments: '*' trusts jobs in every environment of acme/app, including environments created later and ones without protection rules",
      "environments: 'prod-?' trusts jobs in every environment matching 'prod-?' of acme/app, including environments created later and ones without protection rules",
    ]);
    // Still one repository: the result pins the workload, so no acknowledgement is needed.
    expect(p.allowAnySubject).toBe(false);
    expect(allows(p, "repo:acme/app:environment:anything")).toBe(true);
    expect(allows(p, "repo:other/app:environment:anything")).toBe(false);
    expect(githubActions({ repository: "acme/app", environments: ["prod"], tags: ["v1"] }).warnings).toEqual(
      [],
    );
    expect(gitlabCi({ project: "g/app", branches: ["*"], tags: ["v*"] }).warnings).toEqual([
      "branches: '*' trusts pipelines on every branch of g/app, including ones any developer creates",
      "tags: 'v*' trusts pipelines for every tag matching 'v*' of g/app, including ones any developer creates unless they are protected tags",
    ]);
  });

  it("says loudly that anyRef trusts every workflow", () => {
    const p = githubActions({ repository: "acme/app", anyRef: true });
    expect(p.warnings[0]).toMatch(/trusts every workflow of acme\/app/);
    expect(allows(p, "repo:acme/app:pull_request")).toBe(true);
    expect(allows(p, "repo:acme/other:pull_request")).toBe(false);
  });

  it("supports an enterprise issuer", () => {
    expect(
      githubActions({ repository: "acme/app", branches: ["main"], enterpriseSlug: "acme-corp" }).issuerUrl,
    ).toBe("https://token.actions.githubusercontent.com/acme-corp");
  });

  it("reports every bad argument at once, each naming its field", () => {
    let err: unknown;
    try {
      githubActions({ repository: "acme", branches: ["refs/heads/main", "bad name"], environments: [""] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PresetError);
    expect((err as PresetError).problems).toEqual([
      "repository: 'acme' must be owner/name",
      "branches[0]: give the name only ('main'), not the full ref",
      "branches[1]: 'bad name' is not a valid git ref name",
      "environments[0]: must be 1 to 255 characters",
    ]);
  });

  it("keeps its error short at any size: what to do first, 8 problems, quoted values cut", () => {
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as PresetError;
      }
      throw new Error("no error");
    };
    // One problem quoting a 100,000-character value: the rule follows the value, not 100 KB later.
    const one = thrown(() => githubActions({ repository: "x".repeat(100_000), branches: ["main"] }));
    expect(one.message.length).toBeLessThanOrEqual(240);
    expect(one.message).toMatch(
      /^trustPresets\.githubActions: repository: 'x+…' \(100000 characters\) must be owner\/name$/,
    );
    expect(one.problems[0]).toHaveLength(100_000 + "repository: '' must be owner/name".length);
    // 5,000 bad environments and a bad repository: what to do first, 8 lines, then the count.
    const many = thrown(() =>
      githubActions({ repository: "acme", environments: Array.from({ length: 5000 }, () => "") }),
    );
    expect(many.problems).toHaveLength(5001);
    expect(many.message.slice(0, 200)).toMatch(/correct these 5001 problems and run again/);
    expect(many.message.split("\n")).toHaveLength(1 + 8 + 1);
    expect(many.message).toMatch(/\.\.\.and 4993 more, not shown to keep this short$/);
    expect(many.message.length).toBeLessThanOrEqual(2048);
  });

  it("refuses a preset that names nothing to trust", () => {
    expect(() => githubActions({ repository: "acme/app" })).toThrow(/choose what may assume the role/);
  });
});

describe("gitlabCi", () => {
  it("builds project_path subjects for branches and tags", () => {
    const p = gitlabCi({ project: "group/sub/app", branches: ["main"], tags: ["v*"] });
    expect(p.issuerUrl).toBe("https://gitlab.com");
    expect(p.subjects).toEqual({
      equals: ["project_path:group/sub/app:ref_type:branch:ref:main"],
      like: ["project_path:group/sub/app:ref_type:tag:ref:v*"],
    });
  });
  it("takes a self-managed GitLab URL and refuses a bad project path", () => {
    expect(
      gitlabCi({ project: "g/p", branches: ["main"], gitlabUrl: "https://gitlab.acme.io/" }).issuerUrl,
    ).toBe("https://gitlab.acme.io");
    expect(() => gitlabCi({ project: "app", branches: ["main"] })).toThrow(
      /project: 'app' must be the full path/,
    );
  });
});

describe("ackRrsa", () => {
  const clusterId = `c${"0123456789abcdef".repeat(2)}`;
  it("derives the issuer from region and cluster, and the service-account subject", () => {
    const p = ackRrsa({ clusterId, region: "cn-hangzhou", namespace: "prod", serviceAccount: "uploader" });
    expect(p.issuerUrl).toBe(`https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/${clusterId}`);
    expect(p.subjects.equals).toEqual(["system:serviceaccount:prod:uploader"]);
  });
  it("refuses names Kubernetes would refuse", () => {
    expect(() =>
      ackRrsa({ clusterId, region: "cn-hangzhou", namespace: "Prod", serviceAccount: "a_b" }),
    ).toThrow(/namespace: 'Prod'[\s\S]*serviceAccount: 'a_b'/);
    expect(() =>
      ackRrsa({ clusterId: "c1", region: "cn-hangzhou", namespace: "a", serviceAccount: "b" }),
    ).toThrow(/clusterId/);
  });
});

describe("authing", () => {
  it("uses the app host's /oidc issuer and the App ID as audience", () => {
    const p = authing({ appHost: "acme.authing.cn", appId: "64a1b2c3d4e5f6a7b8c9d0e1", userIds: ["u1"] });
    expect(p).toMatchObject({
      issuerUrl: "https://acme.authing.cn/oidc",
      audiences: ["64a1b2c3d4e5f6a7b8c9d0e1"],
    });
  });
  it("requires users, or a loud opt-in to any user", () => {
    expect(() => authing({ appHost: "acme.authing.cn", appId: "64a1b2c3d4e5f6a7b8c9d0e1" })).toThrow(
      /userIds/,
    );
    // allowAnyUser alone no longer acknowledges it: every preset asks for allowAnySubject.
    expect(() =>
      authing({ appHost: "acme.authing.cn", appId: "64a1b2c3d4e5f6a7b8c9d0e1", allowAnyUser: true }),
    ).toThrow(/userIds: .*allowAnySubject: true/);
    const any = authing({
      appHost: "acme.authing.cn",
      appId: "64a1b2c3d4e5f6a7b8c9d0e1",
      allowAnySubject: true,
    });
    expect(any.allowAnySubject).toBe(true);
    expect(any.warnings).toEqual([
      "trusts every user of the Authing application 64a1b2c3d4e5f6a7b8c9d0e1 on acme.authing.cn",
      "admits any user of https://acme.authing.cn/oidc (allowAnySubject: true)",
    ]);
    const some = authing({ appHost: "acme.authing.cn", appId: "64a1b2c3d4e5f6a7b8c9d0e1", userIds: ["u1"] });
    expect(some).toMatchObject({ allowAnySubject: false, warnings: [] });
  });
});

describe("OidcRole check", () => {
  const base = {
    roleName: "github-deployer",
    providerArn: ARN,
    audiences: ["sts.aliyuncs.com"],
    subjects: ["repo:acme/app:ref:refs/heads/main"],
  };
  const failures = (over: Record<string, unknown>) => checkOidcRoleInputs({ ...base, ...over }).failures;

  it("accepts a restricted role and computes the canonical trust policy", () => {
    const { inputs, failures: f } = checkOidcRoleInputs(base);
    expect(f).toEqual([]);
    expect(inputs).toMatchObject({
      maxSessionDuration: 3600,
      description: "",
      policies: [],
      allowAnySubject: false,
    });
    const doc = JSON.parse(inputs.trustPolicy as string);
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]).toEqual({
      Action: ["sts:AssumeRole"],
      Condition: {
        StringEquals: { "oidc:aud": ["sts.aliyuncs.com"], "oidc:sub": ["repo:acme/app:ref:refs/heads/main"] },
      },
      Effect: "Allow",
      Principal: { Federated: [ARN] },
    });
  });

  it("refuses a role any subject could assume, unless acknowledged", () => {
    expect(failures({ subjects: [] })[0]).toMatchObject({ property: "subjects" });
    expect(failures({ subjects: [], subjectPatterns: ["*"] })[0]).toMatchObject({
      property: "subjectPatterns[0]",
    });
    expect(failures({ subjects: [], allowAnySubject: true })).toEqual([]);
  });

  it("refuses an audience the provider does not list, naming what it does list", () => {
    expect(
      failures({ providerClientIds: ["sts.aliyuncs.com"], audiences: ["sts.aliyuncs.com", "other"] }),
    ).toEqual([
      {
        property: "audiences[1]",
        reason:
          "use one of the provider's client IDs, or add 'other' to the provider's clientIds: it is not one of them " +
          "('sts.aliyuncs.com'), so STS would refuse every token",
      },
    ]);
    // However many client IDs the provider has, what to do comes first and at most three are named.
    const many = Array.from(
      { length: 50 },
      (_, i) => `client-${String(i).padStart(2, "0")}-${"x".repeat(110)}`,
    );
    const [f] = failures({ providerClientIds: many, audiences: ["other"] });
    expect(f?.reason.startsWith("use one of the provider's client IDs, or add 'other'")).toBe(true);
    expect(f?.reason).toMatch(/, 47 more\), so STS would refuse every token$/);
    expect(f?.reason.length).toBeLessThan(600);
  });

  it("refuses an issuer that is not the provider's", () => {
    expect(
      failures({
        issuerUrl: "https://gitlab.com",
        providerIssuerUrl: "https://token.actions.githubusercontent.com",
      })[0]?.property,
    ).toBe("issuerUrl");
  });

  it("checks every RAM limit at the edge and one past", () => {
    expect(failures({ roleName: "r".repeat(64) })).toEqual([]);
    expect(failures({ roleName: "r".repeat(65) })[0]?.reason).toBe(
      "must be at most 64 characters for a RAM role name, but has 65",
    );
    expect(failures({ roleName: "has_underscore" })[0]?.reason).toMatch(/not allowed/);
    expect(failures({ maxSessionDuration: 3600 })).toEqual([]);
    expect(failures({ maxSessionDuration: 43200 })).toEqual([]);
    expect(failures({ maxSessionDuration: 3599 })[0]?.property).toBe("maxSessionDuration");
    expect(failures({ maxSessionDuration: 43201 })[0]?.property).toBe("maxSessionDuration");
    expect(failures({ description: "d".repeat(1024) })).toEqual([]);
    expect(failures({ description: "d".repeat(1025) })[0]?.property).toBe("description");
    const sys = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "System", name: `P${i}` }));
    const custom = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "Custom", name: `c${i}` }));
    expect(failures({ policies: [...sys(20), ...custom(10)] })).toEqual([]);
    expect(failures({ policies: sys(21) })[0]?.reason).toBe(
      "has 21 system policies, but a RAM role allows at most 20",
    );
    expect(failures({ policies: custom(11) })[0]?.reason).toBe(
      "has 11 custom policies, but a RAM role allows at most 10",
    );
    expect(failures({ policies: [{ type: "Inline", name: "x" }] })[0]?.property).toBe("policies[0].type");
    expect(failures({ providerArn: "acs:ram::1:role/x" })[0]?.property).toBe("providerArn");
  });

  it("lets unknown values through at preview", () => {
    const { failures: f } = checkOidcRoleInputs({
      ...base,
      providerArn: UNKNOWN,
      providerClientIds: UNKNOWN,
    });
    expect(f).toEqual([]);
  });

  it("shows no trust-policy diff for the same conditions in another order", () => {
    const a = checkOidcRoleInputs({
      ...base,
      subjects: ["b", "a"],
      audiences: ["x", "sts.aliyuncs.com"],
    }).inputs;
    const b = checkOidcRoleInputs({
      ...base,
      subjects: ["a", "b", "a"],
      audiences: ["sts.aliyuncs.com", "x"],
    }).inputs;
    const olds = { ...a, arn: "", roleId: "", createDate: "", updateDate: "" } as unknown as OidcRoleOutputs;
    expect(diffOidcRole(olds, b)).toEqual({ replaces: [], changes: [] });
    expect(diffOidcRole(olds, { ...b, roleName: "other" }).replaces).toEqual(["roleName"]);
  });
});
