/**
 * `pulumi up` in CI without keys, offline, through the real engine (examples/ci-deployer, one
 * stack for every step). The administrator's key runs the bootstrap `up` once; from then on the
 * engine's environment holds no access key at all, only what a GitHub Actions job has: the role
 * and provider ARNs and a token file, the token minted by the test IdP standing in for GitHub's
 * issuer for `repo:acme/app:ref:refs/heads/main`, and STS reached over HTTPS. Under the generated
 * policy: preview, an `up` of a change (during which the STS session expires and is renewed from
 * the token file), the drift gate catching a console edit, `up --refresh` repairing it, the
 * self-lockout refusal at preview, and `destroy --exclude-protected` of all but the deploy
 * identity. Then an expired token file: one clear error, one STS request. (That tokens of a fork,
 * a pull request or another branch get no credentials is test/provider/deployPolicy.test.ts's.)
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { GITHUB_ACTIONS_ISSUER, githubActionsClaims, startTestIdp, type TestIdp } from "../../emulator";
import { REPO_ROOT } from "../../scripts/engine";
import { type EngineHarness, outputSink, startEngine } from "./engine";

vi.setConfig({ testTimeout: 240_000 });

const EXAMPLE = path.join(REPO_ROOT, "examples", "ci-deployer");
let h: EngineHarness;
let idp: TestIdp;
/** How far the emulator's clock is ahead of real time (its signature check keeps real time). */
let offsetSeconds = 0;
let tokenFile: string;
let roleArn: string;
let providerArn: string;

/** A token as GitHub Actions gives a job of `repository` on `branch` (or a pull request). */
const token = (job: Parameters<typeof githubActionsClaims>[0], lifetime = 7200, issuedAgo = 0) =>
  idp.mintToken({
    ...githubActionsClaims(job),
    iss: GITHUB_ACTIONS_ISSUER,
    aud: "sts.aliyuncs.com",
    sub: String(githubActionsClaims(job).sub),
    // issued "now" on the emulator's clock
    iatOffsetSeconds: offsetSeconds - issuedAgo,
    expiresInSeconds: lifetime,
  });

const KEYS = [
  "ALIBABA_CLOUD_ACCESS_KEY_ID",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "ALIBABA_CLOUD_SECURITY_TOKEN",
];

beforeAll(async () => {
  idp = await startTestIdp();
  h = await startEngine({
    workDir: EXAMPLE,
    stackName: "e2e-pipeline",
    config: { fingerprints: JSON.stringify([idp.rootFingerprint]) },
    emulator: {
      https: true,
      trustedCertificates: [idp.rootCaPem],
      issuerStandIns: { [GITHUB_ACTIONS_ISSUER]: idp.issuer },
      clock: () => Date.now() + offsetSeconds * 1000,
      signatureClock: () => Date.now(),
    },
  });
  tokenFile = path.join(h.stateDir, "oidc-token");
}, 600_000);
afterAll(async () => {
  await h?.close();
  await idp?.close();
});

const stsCalls = async () =>
  (await h.emulator.requests({ service: "sts" })).filter((r) => r.action === "AssumeRoleWithOIDC");

it("bootstraps once with the administrator's key: provider, deploy role, its generated policy, the workload", async () => {
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toEqual({ create: 5 });
  roleArn = res.outputs.roleArn!.value;
  providerArn = res.outputs.oidcProviderArn!.value;
  expect(roleArn).toBe(`acs:ram::${h.emulator.accountId}:role/ci-deployer`);
  expect(res.outputs.deployPolicyActions!.value).toContain("ram:CreatePolicyVersion");

  // Hand-over: from here on the engine has no access key, only what a GitHub Actions job has.
  const env = h.stack.workspace.envVars;
  for (const k of KEYS) env[k] = "";
  const caFile = path.join(h.stateDir, "emulator-ca.pem");
  writeFileSync(caFile, h.emulator.httpsCaPem!);
  Object.assign(env, {
    ALICLOUD_FEDERATION_ENDPOINT: h.emulator.httpsUrl!,
    NODE_EXTRA_CA_CERTS: caFile,
    ALIBABA_CLOUD_ROLE_ARN: roleArn,
    ALIBABA_CLOUD_OIDC_PROVIDER_ARN: providerArn,
    ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
  });
  writeFileSync(tokenFile, token({ repository: "acme/app", branch: "main" }));
  expect(Object.entries(env).filter(([k, v]) => /ACCESS_KEY|SECURITY_TOKEN/.test(k) && v !== "")).toEqual([]);
  expect(process.env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? "").toBe("");
});

it("previews and ups a change as the deploy role; the STS session expiring mid-run is renewed from the token file", async () => {
  const preview = await h.stack.preview({ refresh: true, expectNoChanges: true });
  expect(preview.changeSummary).toEqual({ same: 5 });

  await h.stack.setConfig("appDescription", { value: "the production jobs of acme/app" });
  await h.emulator.clearRequests();
  // The update waits 3 s before it is verified: long enough to move the service's clock past
  // the session's expiry (3600 s) once the run holds its credentials.
  await h.emulator.injectFault({ kind: "latency", action: "UpdateRole", latencyMs: 3000, count: 1 });
  const out = outputSink();
  const running = h.stack.up({ onOutput: out.onOutput });
  const deadline = Date.now() + 120_000;
  while ((await stsCalls()).length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  offsetSeconds = 3700;
  // A CI platform keeps its token file fresh; the one there now was issued at the new time.
  writeFileSync(tokenFile, token({ repository: "acme/app", branch: "main" }));
  const res = await running;
  expect(res.summary.resourceChanges, out.lines.join("")).toEqual({ update: 1, same: 4 });

  const log = await h.emulator.requests();
  if (process.env.PIPELINE_DEBUG)
    writeFileSync(
      process.env.PIPELINE_DEBUG,
      log.map((r) => `${r.time} ${r.action} ${r.status} ${r.code ?? ""}`).join("\n"),
    );
  // The first call after the clock moved (the account check or the update) was refused as
  // expired; the provider assumed the role again from the token file and sent it once more.
  const expired = log.filter((r) => r.code === "InvalidSecurityToken.Expired");
  expect(expired).toHaveLength(1);
  const retried = log.filter((r) => r.action === expired[0]!.action && r.seq > expired[0]!.seq);
  expect(retried.map((r) => r.status)).toEqual([200]);
  expect(log.filter((r) => r.action === "UpdateRole" && r.status === 200)).toHaveLength(1);
  expect((await stsCalls()).map((r) => r.status)).toEqual([200, 200]);
  // every signed call was made with STS credentials of the deploy role, none with a key
  expect(
    log.filter((r) => r.params.AccessKeyId !== undefined && !r.params.AccessKeyId.startsWith("STS.")),
  ).toEqual([]);
});

it("the drift gate catches a console edit, and up --refresh repairs it", async () => {
  const role = (await h.emulator.console("ram", "GetRole", { RoleName: "app-runtime" })) as {
    Role: { AssumeRolePolicyDocument: string };
  };
  const widened = JSON.parse(role.Role.AssumeRolePolicyDocument);
  widened.Statement[0].Condition.StringEquals["oidc:sub"] = ["repo:acme/app:pull_request"];
  await h.emulator.console("ram", "UpdateRole", {
    RoleName: "app-runtime",
    NewAssumeRolePolicyDocument: JSON.stringify(widened),
  });
  const gate = await h.stack.preview({ refresh: true, expectNoChanges: true }).catch((e: Error) => e);
  expect(gate).toBeInstanceOf(Error);
  expect(String(gate)).toMatch(/app-runtime/);

  // (the preview after the partial destroy below shows the account converged)
  const res = await h.stack.up({ refresh: true });
  expect(res.summary.resourceChanges).toEqual({ update: 1, same: 4 });
});

it("refuses at preview a change that would lock the pipeline out of its own role, naming what it loses", async () => {
  await h.stack.setConfig("deployBranches", { value: JSON.stringify(["release"]) });
  await h.emulator.clearRequests();
  const refused = await h.stack.preview().catch((e: Error) => e);
  await h.stack.removeConfig("deployBranches");
  expect(String(refused)).toMatch(
    /has a problem: subjects: locks this stack out of its own role \(set allowSelfLockout: true if that is intended.*\): this stack deploys with this role \(acs:ram::\d+:role\/ci-deployer\).*sub 'repo:acme\/app:ref:refs\/heads\/main'/s,
  );
  // decided offline: no call beyond the credentials (none at all if the run never needed any)
  expect((await h.emulator.requests()).filter((r) => r.service === "ram" || r.service === "ims")).toEqual([]);
});

it("destroys everything but the deploy identity, which stays usable", async () => {
  const res = await h.stack.destroy({ excludeProtected: true });
  expect(res.summary.resourceChanges).toEqual({ delete: 1, same: 4 });
  const roles = (await h.emulator.console("ram", "ListRoles", {})) as {
    Roles: { Role: Array<{ RoleName: string }> };
  };
  expect(roles.Roles.Role.map((r) => r.RoleName)).toEqual(["ci-deployer"]);
  const again = await h.stack.preview({ refresh: true });
  expect(again.changeSummary).toEqual({ create: 1, same: 4 });
});

it("an expired token file fails with one clear error naming the file and the role, and one STS request", async () => {
  writeFileSync(tokenFile, token({ repository: "acme/app", branch: "main" }, 600, 3600));
  await h.emulator.clearRequests();
  const err = await h.stack.preview({ refresh: true }).catch((e: Error) => e);
  const text = String(err);
  expect(text).toContain(`with the OIDC token in ${tokenFile}`);
  expect(text).toContain(`for role ${roleArn}`);
  expect(text).toMatch(/AuthenticationFail\.OIDCToken\.Expired/);
  expect((await stsCalls()).length).toBe(1);
  writeFileSync(tokenFile, token({ repository: "acme/app", branch: "main" }));
});
