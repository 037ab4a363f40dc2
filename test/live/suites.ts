/**
 * Which provider lifecycle and end-to-end files live mode runs (`npm run test:live`, through
 * vitest.live.config.ts), and which it leaves to the emulator, each with the reason. Every file in
 * test/provider and test/e2e is in exactly one list (test/live/suites.test.ts checks it), so a new
 * suite is a decision, not an accident.
 *
 * A file in `LIVE_SUITES` gets its target from test/target.ts, names what it makes with `named()`,
 * and marks its emulator-only tests with `emulatorOnly()`; live mode runs the rest of it against
 * the account.
 */
export const LIVE_SUITES: readonly string[] = [
  "test/e2e/account.e2e.test.ts",
  "test/e2e/largest.e2e.test.ts",
  "test/e2e/newcomer.e2e.test.ts",
  "test/e2e/oidcProvider.e2e.test.ts",
  "test/e2e/realAccountGuard.e2e.test.ts",
  "test/e2e/role.e2e.test.ts",
  "test/e2e/secrets.e2e.test.ts",
  "test/e2e/stackConfig.e2e.test.ts",
  "test/provider/oidcProvider.lifecycle.test.ts",
  "test/provider/oidcRole.lifecycle.test.ts",
  "test/provider/ramPolicy.lifecycle.test.ts",
  "test/provider/account.lifecycle.test.ts",
  // Only with ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE (skipped without: an instance is billed).
  "test/provider/idaas.lifecycle.test.ts",
  "test/provider/idaasM2m.lifecycle.test.ts",
];

/**
 * The live suites a run includes: every file of `LIVE_SUITES`, or, when
 * ALICLOUD_FEDERATION_LIVE_SUITES is set, only the ones it names (comma-separated paths as listed
 * there; `none` for the test/live probes alone), so that a run can be narrowed (CI points live mode
 * at the emulator with a slice: test/live/liveMode.test.ts). A name that is not a live suite is
 * refused, so a typo cannot quietly run nothing.
 */
export function liveSuitesToRun(env: NodeJS.ProcessEnv = process.env): string[] {
  const asked = (env.ALICLOUD_FEDERATION_LIVE_SUITES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (asked.length === 0) return [...LIVE_SUITES];
  if (asked.length === 1 && asked[0] === "none") return [];
  const unknown = asked.filter((f) => !LIVE_SUITES.includes(f));
  if (unknown.length > 0)
    throw new Error(
      `ALICLOUD_FEDERATION_LIVE_SUITES names ${unknown.join(", ")}: not a live suite (see LIVE_SUITES in test/live/suites.ts)`,
    );
  return asked;
}

/** Files that need an emulator of their own throughout, with what for. */
export const EMULATOR_ONLY_SUITES: Readonly<Record<string, string>> = {
  "test/provider/faultMatrix.test.ts": "fault injection at every call index",
  "test/provider/crashConsistency.test.ts": "lost responses and outages, injected by the emulator",
  "test/provider/pendingCreate.test.ts": "lost create responses, injected by the emulator",
  "test/provider/pendingResume.test.ts": "lost create and update responses, injected by the emulator",
  "test/provider/secretNames.test.ts":
    "creates, attaches and reads objects by hand through the emulator's console, under fixed names",
  "test/provider/sdkDifferential.test.ts": "compares two clients' requests in the emulator's request log",
  "test/e2e/crash.e2e.test.ts": "a lost response and an outage mid-`up`, injected by the emulator",
  "test/provider/cliAccess.lifecycle.test.ts":
    "installs and uninstalls the official CLI application, account-wide state that decides every CLI login of the account (a live run never installs it), and logs in through the emulator's OAuth pages",
  "test/provider/deployPolicy.test.ts":
    "assumes a role with tokens of a test GitHub Actions issuer on loopback, which the real STS cannot reach, and proves each action needed from the request log",
  "test/provider/inventory.lifecycle.test.ts":
    "asserts the exact list of every OIDC provider, role and CLI assignment in the account (a real account holds others) and pages past the real provider quota (an emulator limit)",
  "test/provider/oidcProvider.discovery.test.ts":
    "test issuers on loopback whose certificate chains the test rotates, and logins against them the real STS cannot make",
  "test/provider/permissions.test.ts":
    "checks the README's least-privilege table against the request log: every assertion is on the log",
  "test/provider/report.test.ts":
    "asserts the trust report of the whole account, populated by the test with roles trusting providers of other names (a real account holds others)",
  "test/provider/scim.lifecycle.test.ts":
    "the SCIM application's token expiry runs on the emulator's clock, and a fault is injected; live SCIM answers are probed by test/live/guesses.live.ts ('SCIM')",
  "test/provider/scimDirectory.lifecycle.test.ts":
    "partial state after faults injected part-way, and exact paged SCIM call logs; live SCIM answers are probed by test/live/guesses.live.ts ('SCIM')",
  "test/e2e/consumer.e2e.test.ts":
    "packs the tarball and installs it into a fresh project: it tests the package, and a live run adds nothing to what oidcProvider.e2e does against the account",
  "test/e2e/example.e2e.test.ts":
    "signs in as the example's users through the CLI's OAuth login (against a real account, a browser and each user's password) and assigns them to the account's one official-cli application",
  "test/e2e/idaas.e2e.test.ts":
    "the M2M tokens are fetched from the emulator's instance over its own HTTPS listener, and the federated credential's issuer is a loopback test IdP the real IDaaS cannot reach",
  "test/e2e/inventory.e2e.test.ts":
    "account-wide: FederationInventory reports every federation object in the account, which in a real account includes what others made",
  "test/e2e/inventorySplit.e2e.test.ts":
    "account-wide: two stacks' inventories must see nothing in the account but their own objects and one made by hand",
  "test/e2e/pipeline.e2e.test.ts":
    "a test IdP stands in for GitHub's issuer, which the real STS cannot reach, and the emulator's clock expires the STS session mid-up",
  "test/e2e/rotation.e2e.test.ts":
    "a test IdP whose certificate chain rotates, on loopback, which the real STS cannot reach",
  "test/e2e/scim.e2e.test.ts":
    "reads the provisioned RAM users from the emulator's state and counts SCIM calls in its request log throughout; the example's people carry no run prefix",
  "test/e2e/scimMigration.e2e.test.ts":
    "reads every RAM user's id from the emulator's state to prove nobody was recreated; the example's people carry no run prefix",
  "test/e2e/trust-testing.e2e.test.ts":
    "runs the README's alicloud-federation/testing example, which asks the emulated STS (a test IdP's tokens) who may assume the role",
};
