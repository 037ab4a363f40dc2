/**
 * `alicloud-federation/testing` without the engine: the test IdP standing in for real issuers,
 * tokens shaped as each platform presents them, and verdicts from the emulated STS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setWarningSink } from "../../provider/diagnostics";
import { OidcProviderProvider as P } from "../../provider/resources/oidcProvider";
import { resetSettings } from "../../provider/settings";
import { buildOidcTrustPolicy } from "../../provider/trust/policy";
import { githubActions, gitlabCi } from "../../provider/trust/presets";
import {
  ackRrsaIssuer,
  GITHUB_ACTIONS_ISSUER,
  GITLAB_COM_ISSUER,
  startTrustTestbed,
  type TrustTestbed,
} from "../../testing";
import { configOf } from "../provider/harness";

const CLUSTER = ackRrsaIssuer("cn-hangzhou", `c${"0a".repeat(16)}`);
let bed: TrustTestbed;

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

/** An OIDC provider and a role trusting `subjects` of `issuer`, created as RAM's console would. */
async function roleFor(
  name: string,
  issuer: string,
  subjects: { equals?: string[]; like?: string[] },
  fingerprint = bed.fingerprint,
) {
  const p = (await bed.emulator.console("ims", "CreateOIDCProvider", {
    OIDCProviderName: name,
    IssuerUrl: issuer,
    ClientIds: "sts.aliyuncs.com",
    Fingerprints: fingerprint,
  })) as { OIDCProvider: { Arn: string } };
  const oidcProviderArn = p.OIDCProvider.Arn;
  const r = (await bed.emulator.console("ram", "CreateRole", {
    RoleName: name,
    AssumeRolePolicyDocument: buildOidcTrustPolicy({
      providerArn: oidcProviderArn,
      issuerUrl: issuer,
      audiences: ["sts.aliyuncs.com"],
      subjects,
    }),
  })) as { Role: { Arn: string } };
  return { oidcProviderArn, roleArn: r.Role.Arn };
}

beforeAll(async () => {
  bed = await startTrustTestbed({ issuers: [CLUSTER] });
});
afterAll(() => bed?.close());

describe("tokens as the platforms present them", () => {
  it("GitHub Actions: the subject grammar for a branch, a tag, a pull request and an environment", () => {
    const repo = "acme/app";
    const push = claimsOf(bed.githubActions.token({ repository: repo, branch: "main" }));
    expect(push).toMatchObject({
      iss: GITHUB_ACTIONS_ISSUER,
      aud: "sts.aliyuncs.com",
      sub: "repo:acme/app:ref:refs/heads/main",
      ref: "refs/heads/main",
      repository: repo,
      repository_owner: "acme",
      event_name: "push",
    });
    expect((push.exp as number) - (push.iat as number)).toBe(300);
    expect(claimsOf(bed.githubActions.token({ repository: repo, tag: "v1.2" })).sub).toBe(
      "repo:acme/app:ref:refs/tags/v1.2",
    );
    expect(claimsOf(bed.githubActions.token({ repository: repo, pullRequest: 7 }))).toMatchObject({
      sub: "repo:acme/app:pull_request",
      ref: "refs/pull/7/merge",
      event_name: "pull_request",
    });
    expect(claimsOf(bed.githubActions.token({ repository: repo, environment: "prod" })).sub).toBe(
      "repo:acme/app:environment:prod",
    );
    // the presets and the minted subjects speak the same grammar
    expect(githubActions({ repository: repo, branches: ["main"] }).subjects.equals).toEqual([
      claimsOf(bed.githubActions.token({ repository: repo, branch: "main" })).sub,
    ]);
  });

  it("GitLab CI and Kubernetes service accounts, and claims given by the test", () => {
    const gl = claimsOf(bed.gitlabCi.token({ project: "group/sub/app", branch: "main" }));
    expect(gl).toMatchObject({
      iss: GITLAB_COM_ISSUER,
      sub: "project_path:group/sub/app:ref_type:branch:ref:main",
      namespace_path: "group/sub",
      ref_protected: "true",
    });
    expect(gitlabCi({ project: "group/sub/app", tags: ["v1"] }).subjects.equals).toEqual([
      claimsOf(bed.gitlabCi.token({ project: "group/sub/app", tag: "v1" })).sub,
    ]);
    const k8s = claimsOf(
      bed.kubernetes.token({ issuer: CLUSTER, namespace: "ci", serviceAccount: "deployer" }),
    );
    expect(k8s).toMatchObject({
      iss: CLUSTER,
      sub: "system:serviceaccount:ci:deployer",
      "kubernetes.io": { namespace: "ci", serviceaccount: { name: "deployer" } },
    });
    const custom = claimsOf(
      bed.githubActions.token({ repository: "acme/app", audience: "other", claims: { sub: "x", extra: 1 } }),
    );
    expect(custom).toMatchObject({ sub: "x", extra: 1, aud: "other" });
  });

  it("refuses to mint for an issuer it does not stand in for", () => {
    expect(() =>
      bed.kubernetes.token({ issuer: "https://oidc.example.com", namespace: "a", serviceAccount: "b" }),
    ).toThrow(/not stood in for.*issuers/);
  });
});

describe("canAssume: the emulated STS decides", () => {
  it("GitHub Actions: main allowed, another branch and a fork refused", async () => {
    const role = await roleFor("gh", GITHUB_ACTIONS_ISSUER, {
      equals: ["repo:acme/app:ref:refs/heads/main"],
    });
    const main = await bed.canAssume({ ...role, token: bed.githubActions.token({ repository: "acme/app" }) });
    expect(main).toMatchObject({
      allowed: true,
      subject: "repo:acme/app:ref:refs/heads/main",
      assumedRoleArn: `acs:ram::${bed.emulator.accountId}:role/gh/trust-test`,
      accessKeyId: expect.stringMatching(/^STS\./),
    });
    const other = await bed.canAssume({
      ...role,
      token: bed.githubActions.token({ repository: "acme/app", branch: "dev" }),
    });
    expect(other).toMatchObject({ allowed: false, code: "NoPermission", status: 403, undetermined: false });
    const fork = await bed.canAssume({ ...role, token: bed.githubActions.token({ repository: "evil/app" }) });
    expect(fork).toMatchObject({ allowed: false, code: "NoPermission", undetermined: false });
    // A refusal that only means the emulator cannot decide (real STS might allow the token) says so.
    const name = role.roleArn.split("/").pop() as string;
    const live = (await bed.emulator.console("ram", "GetRole", { RoleName: name })) as {
      Role: { AssumeRolePolicyDocument: string };
    };
    const doc = JSON.parse(live.Role.AssumeRolePolicyDocument);
    doc.Statement[0].Condition.StringEqualsIfExists = { "oidc:sub": "repo:acme/app:ref:refs/heads/main" };
    await bed.emulator.console("ram", "UpdateRole", {
      RoleName: name,
      NewAssumeRolePolicyDocument: JSON.stringify(doc),
    });
    const undecided = await bed.canAssume({
      ...role,
      token: bed.githubActions.token({ repository: "acme/app" }),
    });
    expect(undecided).toMatchObject({ allowed: false, code: "NoPermission", undetermined: true });
  });

  it("GitLab CI and a Kubernetes service account through their own issuers", async () => {
    const gl = await roleFor("gl", GITLAB_COM_ISSUER, {
      like: ["project_path:group/app:ref_type:branch:ref:*"],
    });
    expect(
      await bed.canAssume({ ...gl, token: bed.gitlabCi.token({ project: "group/app", branch: "x" }) }),
    ).toMatchObject({ allowed: true });
    expect(
      await bed.canAssume({ ...gl, token: bed.gitlabCi.token({ project: "group/app", tag: "v1" }) }),
    ).toMatchObject({ allowed: false, code: "NoPermission" });
    const k8s = await roleFor("k8s", CLUSTER, { equals: ["system:serviceaccount:ci:deployer"] });
    const sa = (namespace: string) =>
      bed.kubernetes.token({ issuer: CLUSTER, namespace, serviceAccount: "deployer" });
    expect(await bed.canAssume({ ...k8s, token: sa("ci") })).toMatchObject({ allowed: true });
    expect(await bed.canAssume({ ...k8s, token: sa("default") })).toMatchObject({ allowed: false });
    // a token from another issuer than the provider's is refused, not trusted by accident
    expect(
      await bed.canAssume({ ...k8s, token: bed.githubActions.token({ repository: "acme/app" }) }),
    ).toMatchObject({ allowed: false, code: expect.stringMatching(/^AuthenticationFail\.OIDCToken/) });
  });

  it("checks the stand-in as STS checks any issuer: its certificate, the token's age", async () => {
    const main = ["repo:acme/app:ref:refs/heads/main"];
    await bed.emulator.reset();
    const wrong = await roleFor("fp", GITHUB_ACTIONS_ISSUER, { equals: main }, "0".repeat(40));
    expect(
      await bed.canAssume({ ...wrong, token: bed.githubActions.token({ repository: "acme/app" }) }),
    ).toMatchObject({ allowed: false, code: "AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch" });
    await bed.emulator.reset();
    const role = await roleFor("gh", GITHUB_ACTIONS_ISSUER, { equals: main });
    // IssuanceLimitTime defaults to 12 hours in the emulator's OIDC provider
    const stale = bed.githubActions.token({
      repository: "acme/app",
      issuedSecondsAgo: 13 * 3600,
      expiresInSeconds: 14 * 3600,
    });
    expect(await bed.canAssume({ ...role, token: stale })).toMatchObject({ allowed: false });
    expect(
      await bed.canAssume({ ...role, token: bed.githubActions.token({ repository: "acme/app" }) }),
    ).toMatchObject({ allowed: true });
  });
});

describe("certificate rotations at the stand-in", () => {
  it("rotateIntermediate: the root pin keeps working, an intermediate-only pin is refused; rotateCertificates changes the root", async () => {
    const main = ["repo:acme/app:ref:refs/heads/main"];
    const token = () => bed.githubActions.token({ repository: "acme/app" });
    await bed.emulator.reset();
    const before = bed.certificates;
    expect(bed.fingerprint).toBe(before.root);
    expect(new Set([before.root, before.intermediate, before.leaf]).size).toBe(3);
    const rooted = await roleFor("root", GITHUB_ACTIONS_ISSUER, { equals: main }, before.root);
    const inter = await roleFor("inter", GITLAB_COM_ISSUER, { equals: main }, before.intermediate);
    const gitlabToken = () => bed.token(GITLAB_COM_ISSUER, { sub: main[0] });
    expect(await bed.canAssume({ ...inter, token: gitlabToken() })).toMatchObject({ allowed: true });

    await bed.rotateIntermediate();
    const after = bed.certificates;
    expect(after.root).toBe(before.root);
    expect(bed.fingerprint).toBe(before.root);
    expect(after.intermediate).not.toBe(before.intermediate);
    expect(after.leaf).not.toBe(before.leaf);
    expect(await bed.canAssume({ ...rooted, token: token() })).toMatchObject({ allowed: true });
    expect(await bed.canAssume({ ...inter, token: gitlabToken() })).toMatchObject({
      allowed: false,
      code: "AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch",
    });

    await bed.rotateCertificates();
    expect(bed.fingerprint).not.toBe(before.root);
    expect(bed.certificates.rootCaPem).not.toBe(before.rootCaPem);
    expect(await bed.canAssume({ ...rooted, token: token() })).toMatchObject({
      allowed: false,
      code: "AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch",
    });
    await bed.emulator.reset();
    // The emulated STS trusts the new root: a provider pinning it passes.
    const renewed = await roleFor("renewed", GITHUB_ACTIONS_ISSUER, { equals: main }, bed.fingerprint);
    expect(await bed.canAssume({ ...renewed, token: token() })).toMatchObject({ allowed: true });
  });
});

describe("an OidcProvider deployed by the testbed is checked against the stand-in", () => {
  it("omitted fingerprints become the stand-in's anchor and intermediate; given ones are judged against its chain; never without an endpoint", async () => {
    const saved = { ...process.env };
    const warnings: string[] = [];
    setWarningSink((m) => void warnings.push(m));
    try {
      // What the provider process of `testbed.up` sees (its trust comes from NODE_EXTRA_CA_CERTS,
      // read at start-up; in this process the same root goes in through the config).
      Object.assign(process.env, bed.env);
      resetSettings();
      await P.configure(configOf({ "alicloud-federation:caCertificates": bed.certificates.rootCaPem }));
      // The tests above left providers of this issuer: a check of a create would (rightly) refuse it.
      await bed.emulator.reset();
      const args = {
        oidcProviderName: "gh",
        issuerUrl: GITHUB_ACTIONS_ISSUER,
        clientIds: ["sts.aliyuncs.com"],
      };
      const omitted = await P.check({}, args);
      expect(omitted.failures).toEqual([]);
      expect(omitted.inputs?.fingerprints).toEqual(
        [bed.certificates.root, bed.certificates.intermediate].sort(),
      );
      const stale = await P.check({}, { ...args, fingerprints: ["0".repeat(40)] });
      expect(stale.failures?.[0]?.reason).toContain(`anchor ${bed.certificates.root}`);
      expect(warnings).toEqual([]);
      expect(readFileSync(bed.env.NODE_EXTRA_CA_CERTS!, "utf8")).toContain(bed.certificates.rootCaPem.trim());
      // Stand-ins never redirect discovery for Alibaba Cloud itself.
      delete process.env.ALICLOUD_FEDERATION_ENDPOINT;
      resetSettings();
      await P.configure(configOf({ "alicloud-federation:caCertificates": bed.certificates.rootCaPem }));
      const real = await P.check({}, args);
      expect(real.failures?.[0]?.reason).toContain(
        "ALICLOUD_FEDERATION_ISSUER_STAND_INS is set, but no endpoint is: stand-in issuers are for tests against the emulator",
      );
    } finally {
      setWarningSink(undefined);
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      resetSettings();
    }
  });
});

describe("the README's example", () => {
  it("is the file the end-to-end suite runs, verbatim", () => {
    const root = join(__dirname, "..", "..");
    const example = readFileSync(join(root, "examples", "trust-tests", "deployer.test.ts"), "utf8");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(example);
  });
});
