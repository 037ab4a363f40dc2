/**
 * Self-change safety, offline: a change to the trust or policies of the role the stack deploys
 * with is refused at check when the next run would lose access (its token no longer admitted, a
 * table action no longer allowed), naming what it loses; allowSelfLockout lets it through; a role
 * that is not the one in use is never judged. No request is made (the check has no client).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leastPrivilegePolicy } from "../../provider/permissions";
import { checkOidcRoleInputs, OidcRoleProvider } from "../../provider/resources/oidcRole";
import { selfLockoutFailures } from "../../provider/selfLockout";
import { tempDir } from "../tempDir";

const ACCOUNT = "1234567890123456";
const PROVIDER = `acs:ram::${ACCOUNT}:oidc-provider/github-actions`;
const ROLE_ARN = `acs:ram::${ACCOUNT}:role/ci-deployer`;

const jwt = (claims: object) =>
  ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
const dir = tempDir("self-lockout-");
const tokenFile = join(dir, "token");
writeFileSync(
  tokenFile,
  jwt({
    iss: "https://token.actions.githubusercontent.com",
    aud: "sts.aliyuncs.com",
    sub: "repo:acme/app:ref:refs/heads/main",
  }),
);
const env = {
  ALIBABA_CLOUD_ROLE_ARN: ROLE_ARN,
  ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER,
  ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
};

const DEPLOY = leastPrivilegePolicy(["OidcProvider", "OidcRole", "RamPolicy"]);
function role(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkOidcRoleInputs({
    roleName: "ci-deployer",
    providerArn: PROVIDER,
    issuerUrl: "https://token.actions.githubusercontent.com",
    audiences: ["sts.aliyuncs.com"],
    subjects: ["repo:acme/app:ref:refs/heads/main"],
    policies: [{ type: "Custom", name: "ci-deploy" }],
    policyDocuments: { "Custom:ci-deploy": DEPLOY },
    ...over,
  });
  expect(failures).toEqual([]);
  return { ...inputs, arn: ROLE_ARN };
}

describe("the self-lockout check", () => {
  it("refuses a trust that would no longer admit this run's token, naming the subject", () => {
    const failures = selfLockoutFailures(
      role(),
      role({ subjects: ["repo:acme/app:ref:refs/heads/release"] }),
      env,
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ property: "subjects" });
    expect(failures[0]!.reason).toMatch(
      // What to do first, then the role and the subject of the run.
      /^locks this stack out of its own role \(set allowSelfLockout: true if that is intended.*\): this stack deploys with this role \(acs:ram::1234567890123456:role\/ci-deployer\).*sub 'repo:acme\/app:ref:refs\/heads\/main'/s,
    );
  });

  it("lets a trust change through that still admits this run (another branch added)", () => {
    const wider = role({
      subjects: ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/release"],
    });
    expect(selfLockoutFailures(role(), wider, env)).toEqual([]);
  });

  it("refuses removing a table action the role had, naming each action lost", () => {
    const narrower = leastPrivilegePolicy(["OidcProvider", "OidcRole", "RamPolicy"], {
      without: ["ram:GetRole", "ram:CreatePolicyVersion"],
    });
    const failures = selfLockoutFailures(
      role(),
      role({ policyDocuments: { "Custom:ci-deploy": narrower } }),
      env,
    );
    expect(failures.map((f) => f.property)).toEqual(["policies"]);
    expect(failures[0]!.reason).toMatch(
      /^takes from this stack .*allowSelfLockout: true.*no longer call ram:CreatePolicyVersion, ram:GetRole$/,
    );
  });

  it("refuses detaching the policy, and a system policy whose document is unknown offline, as undetermined", () => {
    const detached = selfLockoutFailures(role(), role({ policies: [], policyDocuments: {} }), env);
    expect(detached.map((f) => f.reason).join("\n")).toMatch(/no longer call .*ram:CreateRole/);
    const system = role({ policies: [{ type: "System", name: "AliyunRAMFullAccess" }], policyDocuments: {} });
    const failures = selfLockoutFailures(system, role({ policies: [], policyDocuments: {} }), env);
    expect(failures[0]!.reason).toMatch(
      /System:AliyunRAMFullAccess is removed, whose document is not known offline/,
    );
  });

  it("judges only the role in use, and refuses when the token cannot be read", () => {
    const changed = role({ subjects: ["repo:acme/app:ref:refs/heads/release"] });
    expect(selfLockoutFailures(role(), changed, {})).toEqual([]);
    expect(
      selfLockoutFailures(role(), changed, { ...env, ALIBABA_CLOUD_ROLE_ARN: `${ROLE_ARN}-other` }),
    ).toEqual([]);
    const unreadable = selfLockoutFailures(role(), changed, {
      ...env,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: join(dir, "none"),
    });
    expect(unreadable[0]!.reason).toMatch(/cannot be told: no readable OIDC token/);
  });

  it("is part of OidcRole's check, and allowSelfLockout lets the change through", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const news = { ...role(), subjects: ["repo:acme/app:ref:refs/heads/release"] };
      const refused = await OidcRoleProvider.check(role(), news);
      expect(refused.failures?.map((f) => f.reason.split(":")[0])).toEqual(["subjects"]);
      const allowed = await OidcRoleProvider.check(role(), { ...news, allowSelfLockout: true });
      expect(allowed.failures).toEqual([]);
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
  });
});
