/**
 * The deploy policy examples/ci-deployer generates from the least-privilege table is sufficient
 * and minimal, proven by running. The providers are driven directly (no engine: fast) with the
 * scoped STS credentials of a role assumed with a GitHub Actions token, as the pipeline's are:
 *
 * - sufficient: a scenario that creates, reads, updates (every kind of update) and deletes each
 *   kind of resource the stack manages succeeds under the policy, and calls exactly its actions;
 * - minimal: for each action of the policy, the same scenario under the policy without it fails,
 *   at a step that needs it, with NoPermission naming the action and the resource.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Emulator,
  GITHUB_ACTIONS_ISSUER,
  githubActionsClaims,
  startTestIdp,
  type TestIdp,
} from "../../emulator";
import { resetCallerAccount } from "../../provider/account";
import { actionsFor, leastPrivilegePolicy, type ResourceKind } from "../../provider/permissions";
import { checkOidcProviderInputs, OidcProviderProvider } from "../../provider/resources/oidcProvider";
import { checkOidcRoleInputs, OidcRoleProvider } from "../../provider/resources/oidcRole";
import { checkRamPolicyInputs, RamPolicyProvider } from "../../provider/resources/ramPolicy";
import { assumeRoleWithOidc } from "../stsWire";
import { configOf, FAST_RETRY, startWired } from "./harness";

/** What examples/ci-deployer manages, and so what its policy is generated for. */
const MANAGED: ResourceKind[] = ["OidcProvider", "OidcRole", "RamPolicy"];
const POLICY = "ci-deploy";
const ROLE = "ci-deployer";

let emulator: Emulator;
let idp: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp();
  ({ emulator } = await startWired({
    trustedCertificates: [idp.rootCaPem],
    issuerStandIns: { [GITHUB_ACTIONS_ISSUER]: idp.issuer },
  }));
});
afterAll(async () => {
  await emulator?.close();
  await idp?.close();
});

const mainToken = () =>
  idp.mintToken({
    ...githubActionsClaims({ repository: "acme/app", branch: "main" }),
    sub: "repo:acme/app:ref:refs/heads/main",
    iss: GITHUB_ACTIONS_ISSUER,
  });

/**
 * A fresh account holding only the bootstrap's deploy identity (made by the administrator, in the
 * console), its policy without `without`; then the pipeline's credentials, from STS.
 */
async function pipelineConfig(without: string[] = []): Promise<Record<string, string>> {
  await emulator.reset();
  const c = (service: string, action: string, params: Record<string, string>) =>
    emulator.console(service, action, params) as Promise<Record<string, Record<string, string>>>;
  const provider = await c("ims", "CreateOIDCProvider", {
    OIDCProviderName: "github-actions",
    IssuerUrl: GITHUB_ACTIONS_ISSUER,
    ClientIds: "sts.aliyuncs.com",
    Fingerprints: idp.rootFingerprint,
  });
  const providerArn = provider.OIDCProvider!.Arn!;
  const trust = checkOidcRoleInputs({
    roleName: ROLE,
    providerArn,
    issuerUrl: GITHUB_ACTIONS_ISSUER,
    audiences: ["sts.aliyuncs.com"],
    subjects: ["repo:acme/app:ref:refs/heads/main"],
  }).inputs.trustPolicy as string;
  const role = await c("ram", "CreateRole", { RoleName: ROLE, AssumeRolePolicyDocument: trust });
  await c("ram", "CreatePolicy", {
    PolicyName: POLICY,
    PolicyDocument: leastPrivilegePolicy(MANAGED, { without }),
  });
  await c("ram", "AttachPolicyToRole", { PolicyType: "Custom", PolicyName: POLICY, RoleName: ROLE });
  const res = await assumeRoleWithOidc(emulator.url, {
    providerArn,
    roleArn: role.Role!.Arn!,
    token: mainToken(),
    sessionName: "github-actions",
  });
  const body = res.body as { Credentials: Record<string, string> };
  expect(res.status, JSON.stringify(body)).toBe(200);
  await emulator.clearRequests();
  resetCallerAccount();
  const config = {
    "alicloud-federation:endpoint": emulator.url,
    "alicloud-federation:accessKeyId": body.Credentials.AccessKeyId!,
    "alicloud-federation:accessKeySecret": body.Credentials.AccessKeySecret!,
    "alicloud-federation:securityToken": body.Credentials.SecurityToken!,
    "alicloud-federation:retry": FAST_RETRY,
  };
  for (const p of [OidcProviderProvider, OidcRoleProvider, RamPolicyProvider])
    await p.configure(configOf(config));
  return config;
}

const ok = <T extends { failures: unknown[]; inputs: Record<string, unknown> }>(r: T) => {
  expect(r.failures).toEqual([]);
  return r.inputs;
};
const fp = (n: number) => n.toString(16).padStart(40, "a");

/** What the pipeline does to each kind of resource it manages, in order; each step names its calls. */
function scenario(): Array<{ step: string; run: () => Promise<unknown> }> {
  const provider = (over: Record<string, unknown> = {}) =>
    ok(
      checkOidcProviderInputs({
        oidcProviderName: "gitlab",
        issuerUrl: "https://gitlab.com",
        clientIds: ["sts.aliyuncs.com"],
        fingerprints: [fp(1)],
        ...over,
      }),
    );
  const policy = (over: Record<string, unknown> = {}) =>
    ok(
      checkRamPolicyInputs({
        policyName: "app-read",
        policyDocument: leastPrivilegePolicy(["OidcRole"]),
        ...over,
      }),
    );
  const role = (over: Record<string, unknown> = {}) =>
    ok(
      checkOidcRoleInputs({
        roleName: "app-runtime",
        providerArn: `acs:ram::${emulator.accountId}:oidc-provider/github-actions`,
        audiences: ["sts.aliyuncs.com"],
        subjects: ["repo:acme/app:environment:production"],
        policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
        ...over,
      }),
    );
  let p: object = {};
  let q: object = {};
  let r: object = {};
  const P = OidcProviderProvider;
  const Q = RamPolicyProvider;
  const R = OidcRoleProvider;
  return [
    { step: "OidcProvider create", run: async () => (p = (await P.create(provider())).outs) },
    { step: "OidcProvider read", run: async () => (p = (await P.read("gitlab", p as never)).props ?? p) },
    {
      step: "OidcProvider update (settings)",
      run: async () =>
        (p = (await P.update("gitlab", p as never, provider({ description: "GitLab CI" }))).outs),
    },
    {
      step: "OidcProvider update (fingerprints)",
      run: async () =>
        (p = (
          await P.update("gitlab", p as never, provider({ description: "GitLab CI", fingerprints: [fp(2)] }))
        ).outs),
    },
    { step: "RamPolicy create", run: async () => (q = (await Q.create(policy())).outs) },
    { step: "RamPolicy read", run: async () => (q = (await Q.read("app-read", q as never)).props ?? q) },
    {
      step: "RamPolicy update (document)",
      run: async () =>
        (q = (
          await Q.update(
            "app-read",
            q as never,
            policy({ policyDocument: leastPrivilegePolicy(["RamPolicy"]) }),
          )
        ).outs),
    },
    {
      step: "RamPolicy update (description)",
      run: async () =>
        (q = (
          await Q.update(
            "app-read",
            q,
            policy({ policyDocument: leastPrivilegePolicy(["RamPolicy"]), description: "reads" }),
          )
        ).outs),
    },
    { step: "OidcRole create", run: async () => (r = (await R.create(role())).outs) },
    { step: "OidcRole read", run: async () => (r = (await R.read("app-runtime", r as never)).props ?? r) },
    {
      step: "OidcRole update (trust, policies)",
      run: async () =>
        (r = (
          await R.update(
            "app-runtime",
            r,
            role({
              subjects: ["repo:acme/app:environment:staging"],
              policies: [{ type: "Custom", name: "app-read" }],
            }),
          )
        ).outs),
    },
    { step: "OidcRole delete", run: () => R.delete("app-runtime", r as never) },
    { step: "RamPolicy delete", run: () => Q.delete("app-read", q as never) },
    { step: "OidcProvider delete", run: () => P.delete("gitlab", p as never) },
  ];
}

/** The `ram:` actions the emulator answered (IMS's OIDC operations are `ram:` actions). */
async function called(): Promise<string[]> {
  const log = await emulator.requests();
  return [
    ...new Set(log.filter((e) => e.service === "ram" || e.service === "ims").map((e) => `ram:${e.action}`)),
  ].sort();
}

const GENERATED = actionsFor(MANAGED);

/** Removes, as the administrator, whatever a failed scenario left (the deploy identity stays). */
async function cleanUp(): Promise<void> {
  const quiet = (service: string, action: string, params: Record<string, string>) =>
    emulator.console(service, action, params).catch(() => undefined);
  for (const [type, name] of [
    ["System", "AliyunOSSReadOnlyAccess"],
    ["Custom", "app-read"],
  ])
    await quiet("ram", "DetachPolicyFromRole", {
      PolicyType: type!,
      PolicyName: name!,
      RoleName: "app-runtime",
    });
  await quiet("ram", "DeleteRole", { RoleName: "app-runtime" });
  await quiet("ram", "DeletePolicy", { PolicyName: "app-read", CascadingDelete: "true" });
  await quiet("ims", "DeleteOIDCProvider", { OIDCProviderName: "gitlab" });
  await emulator.clearRequests();
}

describe("the deploy policy generated from the least-privilege table", () => {
  it("is sufficient: the whole scenario passes under it and calls exactly its actions", async () => {
    await pipelineConfig();
    for (const { step, run } of scenario()) await expect(run(), step).resolves.not.toThrow();
    expect(await called()).toEqual(GENERATED);
  });

  it("is minimal: without any one action, the scenario fails at a step needing it, with NoPermission naming it", async () => {
    const outcomes: string[] = [];
    await pipelineConfig();
    for (const action of GENERATED) {
      // The pipeline's credentials stay; its policy's default version loses one action.
      await emulator.console("ram", "CreatePolicyVersion", {
        PolicyName: POLICY,
        PolicyDocument: leastPrivilegePolicy(MANAGED, { without: [action] }),
        SetAsDefault: "true",
        RotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
      });
      let failure: { step: string; message: string } | undefined;
      for (const { step, run } of scenario()) {
        const err = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err) {
          failure = { step, message: err instanceof Error ? err.message : String(err) };
          break;
        }
      }
      expect(failure, `${action}: every step passed without it`).toBeDefined();
      const resource = /\(ram:\w+ on (acs:ram::\d+:[\w-]+\/[\w.-]+|\*):/.exec(failure!.message)?.[1];
      expect(failure!.message, action).toMatch(/NoPermission/);
      expect(failure!.message, action).toContain(`${action} on `);
      expect(resource, `${action}: the resource is named`).toBeDefined();
      outcomes.push(`${action}: ${failure!.step}`);
      await cleanUp();
    }
    expect(outcomes).toHaveLength(GENERATED.length);
  });

  it("gives tokens of a fork, a pull request and another branch no credentials", async () => {
    // the account of the tests above: the deploy identity, as the bootstrap made it
    const state = (await emulator.console("ram", "GetRole", { RoleName: ROLE })) as { Role: { Arn: string } };
    for (const job of [
      { repository: "mallory/app", branch: "main" },
      { repository: "acme/app", pullRequest: 7 },
      { repository: "acme/app", branch: "feature" },
    ]) {
      const claims = githubActionsClaims(job);
      const { body } = await assumeRoleWithOidc(emulator.url, {
        providerArn: `acs:ram::${emulator.accountId}:oidc-provider/github-actions`,
        roleArn: state.Role.Arn,
        token: idp.mintToken({ ...claims, sub: String(claims.sub), iss: GITHUB_ACTIONS_ISSUER }),
        sessionName: "github-actions",
      });
      expect(body.Credentials, JSON.stringify(job)).toBeUndefined();
      expect(body.Code).toMatch(/NoPermission/);
    }
  });
});
