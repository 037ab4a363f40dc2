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
  "test/provider/oidcProvider.lifecycle.test.ts",
  "test/provider/oidcRole.lifecycle.test.ts",
  "test/provider/ramPolicy.lifecycle.test.ts",
  "test/provider/account.lifecycle.test.ts",
  // Only with ALICLOUD_FEDERATION_LIVE_EIAM_INSTANCE (skipped without: an instance is billed).
  "test/provider/idaas.lifecycle.test.ts",
  "test/provider/idaasM2m.lifecycle.test.ts",
];

/** Files that need an emulator of their own throughout, with what for. */
export const EMULATOR_ONLY_SUITES: Readonly<Record<string, string>> = {
  "test/provider/faultMatrix.test.ts": "fault injection at every call index",
  "test/provider/crashConsistency.test.ts": "lost responses and outages, injected by the emulator",
  "test/provider/pendingCreate.test.ts": "lost create responses, injected by the emulator",
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
  "test/e2e/account.e2e.test.ts": "not converted yet",
  "test/e2e/consumer.e2e.test.ts": "not converted yet",
  "test/e2e/example.e2e.test.ts": "not converted yet",
  "test/e2e/idaas.e2e.test.ts": "not converted yet",
  "test/e2e/inventory.e2e.test.ts": "not converted yet",
  "test/e2e/inventorySplit.e2e.test.ts": "not converted yet",
  "test/e2e/largest.e2e.test.ts": "not converted yet",
  "test/e2e/newcomer.e2e.test.ts": "not converted yet",
  "test/e2e/oidcProvider.e2e.test.ts": "not converted yet",
  "test/e2e/pipeline.e2e.test.ts": "not converted yet",
  "test/e2e/realAccountGuard.e2e.test.ts": "not converted yet",
  "test/e2e/role.e2e.test.ts": "not converted yet",
  "test/e2e/rotation.e2e.test.ts": "not converted yet",
  "test/e2e/scim.e2e.test.ts": "not converted yet",
  "test/e2e/scimMigration.e2e.test.ts": "not converted yet",
  "test/e2e/secrets.e2e.test.ts": "not converted yet",
  "test/e2e/stackConfig.e2e.test.ts": "not converted yet",
  "test/e2e/trust-testing.e2e.test.ts": "not converted yet",
};
