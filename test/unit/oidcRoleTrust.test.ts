/**
 * OidcRole's check() on trust: `allowAnySubject` means what it says (a pattern that does not pin
 * the issuer's workload is refused, however its wildcards are spelled), and a trust policy with a
 * part no evaluator can decide is refused unless `allowUndeterminedTrust` opts in.
 */
import { describe, expect, it } from "vitest";
import { checkOidcRoleInputs, diffOidcRole } from "../../provider/resources/oidcRole";
import { evaluateTrust } from "../../provider/trust/evaluate";

const ARN = "acs:ram::1234567890123456:oidc-provider/ci";
const GITHUB = "https://token.actions.githubusercontent.com";
const GITLAB = "https://gitlab.com";
const ACK = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0123456789abcdef0123456789abcdef";
const base = { roleName: "deployer", providerArn: ARN, audiences: ["sts.aliyuncs.com"] };
const check = (over: Record<string, unknown>) => checkOidcRoleInputs({ ...base, ...over });
const failures = (over: Record<string, unknown>) => check(over).failures;

describe("allowAnySubject: patterns that do not pin the workload are refused", () => {
  const githubRefused = [
    "repo:*",
    "*:*",
    "*",
    "**",
    "?*",
    "repo:acme/*",
    "repo:*/app:*",
    "repo:acme/app*",
    "repo:acme/ap?:ref:refs/heads/main",
    "repo:acm?/app:*",
    "repo:acme*",
    "*repo:acme/app:*",
    "repo:acme/*:ref:refs/heads/main",
  ];
  it.each(githubRefused)("GitHub: %s", (pattern) => {
    for (const where of [{ issuerUrl: GITHUB }, { providerIssuerUrl: GITHUB }, {}]) {
      const f = failures({ ...where, subjectPatterns: [pattern] });
      expect(f, JSON.stringify(where)).toHaveLength(1);
      expect(f[0]?.property).toBe("subjectPatterns[0]");
      expect(f[0]?.reason).toMatch(/allowAnySubject: true/);
      expect(failures({ ...where, subjectPatterns: [pattern], allowAnySubject: true })).toEqual([]);
    }
  });

  it.each([
    "repo:acme/app:*",
    "repo:acme/app:ref:refs/heads/*",
    "repo:acme/app:ref:refs/tags/v?.*",
    "repo:acme/app:environment:prod*",
  ])("GitHub: %s pins the repository", (pattern) => {
    expect(failures({ issuerUrl: GITHUB, subjectPatterns: [pattern] })).toEqual([]);
  });

  it("GitHub names the failing pattern by its position as written", () => {
    expect(
      failures({ issuerUrl: GITHUB, subjectPatterns: ["repo:acme/app:*", "repo:acme/*"] }).map(
        (f) => f.property,
      ),
    ).toEqual(["subjectPatterns[1]"]);
  });

  it.each([
    "project_path:*",
    "project_path:acme/*",
    "project_path:acme/*:ref_type:branch:ref:main",
    "*:*",
    "project_path:acme:*",
  ])("GitLab: %s is refused", (pattern) => {
    expect(failures({ issuerUrl: GITLAB, subjectPatterns: [pattern] })[0]?.property).toBe(
      "subjectPatterns[0]",
    );
  });
  it("GitLab: a whole project path pins it", () => {
    expect(failures({ issuerUrl: GITLAB, subjectPatterns: ["project_path:acme/sub/app:*"] })).toEqual([]);
  });

  it.each(["system:serviceaccount:*", "system:serviceaccount:prod:*", "system:serviceaccount:*:app", "*"])(
    "ACK RRSA: %s is refused",
    (pattern) => {
      expect(failures({ issuerUrl: ACK, subjectPatterns: [pattern] })[0]?.property).toBe(
        "subjectPatterns[0]",
      );
    },
  );
  it("ACK RRSA: the exact subject passes", () => {
    expect(failures({ issuerUrl: ACK, subjects: ["system:serviceaccount:prod:app"] })).toEqual([]);
  });

  it("any other issuer (Authing, Okta, Google...): any wildcard is refused, an exact subject is not", () => {
    for (const [issuerUrl, pattern] of [
      ["https://idp.example.com", "*@example.com"],
      ["https://idp.example.com", "user-*"],
      ["https://acme.authing.cn/oidc", "6*"],
      ["https://acme.okta.com", "00u*"],
      ["https://accounts.google.com", "1*"],
    ]) {
      const f = failures({ issuerUrl, subjectPatterns: [pattern] });
      expect(
        f.map((x) => x.property),
        pattern,
      ).toEqual(["subjectPatterns[0]"]);
      expect(failures({ issuerUrl, subjectPatterns: [pattern], allowAnySubject: true })).toEqual([]);
    }
    expect(
      failures({ issuerUrl: "https://acme.authing.cn/oidc", subjects: ["6123456789abcdef01234567"] }),
    ).toEqual([]);
  });
});

describe("conditions and undetermined trust", () => {
  const sub = { issuerUrl: GITHUB, subjects: ["repo:acme/app:ref:refs/heads/main"] };

  it("adds conditions to every statement (ANDed), and the policy evaluates them", () => {
    const { inputs, failures: f } = check({
      ...sub,
      subjectPatterns: ["repo:acme/app:ref:refs/tags/*"],
      conditions: { StringNotLike: { "oidc:sub": "*:pull_request" } },
    });
    expect(f).toEqual([]);
    const doc = JSON.parse(inputs.trustPolicy as string);
    expect(doc.Statement).toHaveLength(2);
    for (const st of doc.Statement)
      expect(st.Condition.StringNotLike).toEqual({ "oidc:sub": ["*:pull_request"] });
    const claims = { iss: GITHUB, aud: "sts.aliyuncs.com", sub: "repo:acme/app:ref:refs/heads/main" };
    expect(evaluateTrust({ policy: inputs.trustPolicy as string, providerArn: ARN, claims }).outcome).toBe(
      "allowed",
    );
  });

  it("refuses an undocumented operator, naming statement, operator and key", () => {
    const f = failures({ ...sub, conditions: { StringEqualsIfExists: { "oidc:sub": "x" } } });
    expect(f).toEqual([
      {
        property: "conditions.StringEqualsIfExists.oidc:sub",
        reason:
          "change this condition, or set allowUndeterminedTrust: true: in trust policy statement 1, StringEqualsIfExists " +
          "is not one of RAM's documented condition operators, so no one could say offline who may assume the role",
      },
    ]);
  });

  it.each([
    [
      { StringEquals: { "oidc:email": "a@example.com" } },
      "conditions.StringEquals.oidc:email",
      /not a documented OIDC condition key/,
    ],
    [
      { NumericLessThan: { "oidc:sub": "ten" } },
      "conditions.NumericLessThan.oidc:sub",
      /cannot read the value "ten"/,
    ],
    [{ IpAddress: { "oidc:sub": "::1" } }, "conditions.IpAddress.oidc:sub", /cannot read/],
    [{ Bool: { "oidc:sub": "True" } }, "conditions.Bool.oidc:sub", /cannot read/],
    [
      { StringEqualsIgnoreCase: { "oidc:sub": "Straße" } },
      "conditions.StringEqualsIgnoreCase.oidc:sub",
      /cannot read/,
    ],
    [{ DateLessThan: { "oidc:sub": "2024-01-01" } }, "conditions.DateLessThan.oidc:sub", /cannot read/],
    [{ StringNotLike: { "oidc:sub": [] } }, "conditions.StringNotLike.oidc:sub", /no values/],
  ])("refuses %j", (conditions, property, reason) => {
    const f = failures({ ...sub, conditions });
    expect(f.map((x) => x.property)).toEqual([property]);
    expect(f[0]?.reason).toMatch(reason);
    expect(failures({ ...sub, conditions, allowUndeterminedTrust: true })).toEqual([]);
  });

  it("accepts every documented operator with readable values", () => {
    const conditions = {
      StringNotEqualsIgnoreCase: { "oidc:sub": "repo:evil/app:ref:refs/heads/main" },
      NumericLessThan: { "oidc:iss": 5 },
      DateLessThan: { "oidc:iss": "2030-01-01T00:00:00Z" },
      Bool: { "oidc:iss": false },
      NotIpAddress: { "oidc:iss": "10.0.0.0/8" },
    };
    expect(failures({ ...sub, conditions })).toEqual([]);
  });

  it("refuses a condition that would override what the other arguments set", () => {
    expect(failures({ ...sub, conditions: { StringEquals: { "oidc:aud": "x" } } })).toEqual([
      {
        property: "conditions.StringEquals.oidc:aud",
        reason:
          "StringEquals oidc:aud is set by the other arguments (issuerUrl, audiences, subjects, subjectPatterns); use those",
      },
    ]);
  });

  it("refuses a malformed conditions argument", () => {
    expect(failures({ ...sub, conditions: { StringEquals: "x" } })[0]?.property).toMatch(/^conditions/);
    expect(
      failures({ ...sub, conditions: { StringNotEquals: { "oidc:sub": { a: 1 } } } })[0]?.property,
    ).toMatch(/^conditions/);
  });
});

describe("the trust policy's own checks", () => {
  it("measure the text CreateRole sends (the canonical one): 6144 characters pass, 6145 fail", () => {
    // Pads one subject so that the policy sent is exactly `length` characters long.
    const sized = (length: number) => {
      const probe = check({ subjects: ["repo:acme/app:ref:refs/heads/main"] }).inputs.trustPolicy as string;
      const pad = length - probe.length;
      return check({ subjects: [`repo:acme/app:ref:refs/heads/${"m".repeat(4 + pad)}`] });
    };
    const edge = sized(6144);
    expect(edge.failures).toEqual([]);
    expect((edge.inputs.trustPolicy as string).length).toBe(6144);
    const past = sized(6145);
    expect(past.failures).toEqual([
      {
        property: "subjects",
        reason:
          "use fewer subjects or patterns: the trust policy would be 6145 characters, but RAM allows at most 6144",
      },
    ]);
  });

  it("run whatever else fails: a bad role name does not hide a trust policy that is too long", () => {
    const subjects = Array.from({ length: 300 }, (_, i) => `repo:acme/app-${i}:ref:refs/heads/main`);
    const f = failures({ roleName: "bad name!", subjects });
    expect(f.map((x) => x.property)).toEqual(["roleName", "subjects"]);
    expect(f[1]?.reason).toMatch(/^use fewer subjects or patterns: the trust policy would be \d+ characters/);
  });

  it("say what to do first, whatever the length of what they quote", () => {
    const op = `StringEquals${"X".repeat(160)}`;
    const [f] = failures({
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      conditions: { [op]: { "oidc:sub": "x" } },
    });
    expect(f?.reason.indexOf("change this condition, or set allowUndeterminedTrust: true")).toBe(0);
    const [g] = failures({ issuerUrl: GITHUB, subjectPatterns: [`repo:*${"x".repeat(300)}`] });
    expect(g?.reason.indexOf("restrict it, or set allowAnySubject: true")).toBe(0);
    const [h] = failures({ issuerUrl: GITHUB });
    expect(h?.reason.indexOf("restrict subjects or subjectPatterns, or set allowAnySubject: true")).toBe(0);
    const [i] = failures({
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      issuerUrl: GITLAB,
      providerIssuerUrl: GITHUB,
    });
    expect(i?.reason).toBe(
      `set it to the provider's issuer '${GITHUB}', or leave it unset: '${GITLAB}' is another issuer, so no token could ever match`,
    );
  });
});

describe("a change of case in a role name", () => {
  it("is no new role (RAM names ignore case): no replacement that could only fail", () => {
    const { inputs } = check({ subjects: ["repo:acme/app:ref:refs/heads/main"] });
    const olds = { ...inputs, arn: "a", roleId: "r", createDate: "", updateDate: "" } as never;
    expect(diffOidcRole(olds, { ...inputs, roleName: "Deployer" })).toEqual({ replaces: [], changes: [] });
    expect(diffOidcRole(olds, { ...inputs, roleName: "deployer-2" }).replaces).toEqual(["roleName"]);
  });
});
