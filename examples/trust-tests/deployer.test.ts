import { startTrustTestbed, type TrustTestbed } from "alicloud-federation/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

let testbed: TrustTestbed;
let deployRole: { roleArn: string; oidcProviderArn: string };

beforeAll(async () => {
  testbed = await startTrustTestbed();
  // The real program, deployed into the emulator: the same provider, role and trust policy.
  const { outputs } = await testbed.up({
    workDir: "examples/github-actions-oidc",
    // The emulated provider lists the test IdP's certificate; no CLI users in this test.
    config: { fingerprints: [testbed.fingerprint], cliUsers: [] },
  });
  deployRole = { roleArn: outputs.roleArn, oidcProviderArn: outputs.oidcProviderArn };
}, 300_000);
afterAll(() => testbed?.close(), 300_000);

const assume = (token: string) => testbed.canAssume({ ...deployRole, token });

it("lets workflows on acme/app's main branch assume the deploy role", async () => {
  const main = testbed.githubActions.token({ repository: "acme/app", branch: "main" });
  expect(await assume(main)).toMatchObject({ allowed: true, subject: "repo:acme/app:ref:refs/heads/main" });
});

it("refuses a fork, a pull request and another branch", async () => {
  const refused = [
    testbed.githubActions.token({ repository: "mallory/app", branch: "main" }),
    testbed.githubActions.token({ repository: "acme/app", pullRequest: 42 }),
    testbed.githubActions.token({ repository: "acme/app", branch: "feature" }),
  ];
  for (const token of refused) {
    expect(await assume(token)).toMatchObject({ allowed: false, code: "NoPermission", undetermined: false });
  }
});
