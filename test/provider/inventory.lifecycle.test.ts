/**
 * FederationInventory and ApplicationAssignmentsExclusive against the
 * emulator: what read() names, what update() does per mode, and the exact
 * calls a refresh costs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetCallerAccount } from "../../provider/account";
import { session } from "../../provider/client/session";
import { setWarningSink } from "../../provider/diagnostics";
import {
  type AccountScan,
  scanAccount,
  VERDICT_MAX_AGE_MS,
  VERDICT_MIN_AGE_MS,
} from "../../provider/inventory";
import {
  checkApplicationAssignmentsExclusiveInputs,
  checkFederationInventoryInputs,
  type FederationInventoryInputs,
  findUnmanaged,
  FederationInventoryProvider as P,
  ApplicationAssignmentsExclusiveProvider as X,
} from "../../provider/resources/federationInventory";
import { CLI_APP_CN } from "../../scripts/fixtures";
import { actions, configOf, startWired } from "./harness";

let emulator: Emulator;
let acct: string;
const warnings: string[] = [];

beforeAll(async () => {
  // More providers than the real quota, to see ListOIDCProviders page.
  const wired = await startWired({ limits: { oidc: { maxProvidersPerAccount: 200 } } });
  emulator = wired.emulator;
  acct = emulator.accountId;
  await P.configure(configOf(wired.config));
  setWarningSink((m) => warnings.push(m));
});
afterAll(async () => {
  setWarningSink(undefined);
  await emulator?.close();
});

const trust = (provider: string, sub: string) =>
  JSON.stringify({
    Version: "1",
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Federated: [`acs:ram::${acct}:oidc-provider/${provider}`] },
        Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com" }, StringLike: { "oidc:sub": sub } },
      },
    ],
  });

/** A scan that found nothing but these CLI assignments (for `findUnmanaged`, which is pure). */
const scanOfAssignments = (assignments: AccountScan["assignments"]): AccountScan => ({
  providers: [],
  federatedRoles: [],
  assignments,
  verdicts: {},
  roleCount: 0,
  rolesRead: 0,
});

async function provider(name: string, issuer: string): Promise<void> {
  await emulator.console("ims", "CreateOIDCProvider", {
    OIDCProviderName: name,
    IssuerUrl: issuer,
    ClientIds: "sts.aliyuncs.com",
    Fingerprints: "a".repeat(40),
  });
}

beforeEach(async () => {
  await emulator.reset();
  // The declared account: one provider, one role trusting it, alice on the CLI; plus a RAM-only role.
  await provider("github", "https://token.actions.githubusercontent.com");
  await emulator.console("ram", "CreateRole", {
    RoleName: "deployer",
    AssumeRolePolicyDocument: trust("github", "repo:acme/app:ref:refs/heads/main"),
  });
  await emulator.console("ram", "CreateRole", {
    RoleName: "ops",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        { Effect: "Allow", Action: "sts:AssumeRole", Principal: { RAM: [`acs:ram::${acct}:root`] } },
      ],
    }),
  });
  await emulator.console("ims", "ProvisionExternalApplication", { AppId: CLI_APP_CN, Scopes: "openid" });
  for (const u of ["alice", "mallory"]) await emulator.console("ram", "CreateUser", { UserName: u });
  await emulator.console("ims", "CreateApplicationAssignment", {
    AppId: CLI_APP_CN,
    PrincipalType: "user",
    PrincipalName: `alice@${acct}.onaliyun.com`,
  });
  await emulator.clearRequests();
  warnings.length = 0;
});

const declared = (over: Record<string, unknown> = {}) => {
  const { inputs, failures } = checkFederationInventoryInputs({
    oidcProviders: ["github"],
    roles: ["Deployer"],
    cliAppIds: [CLI_APP_CN],
    cliAssignments: [{ principalType: "user", principalName: "alice" }],
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
};

async function shadows(): Promise<void> {
  await provider("shadow-idp", "https://evil.example.com");
  await emulator.console("ram", "CreateRole", {
    RoleName: "shadow-role",
    AssumeRolePolicyDocument: trust("shadow-idp", "*"),
  });
  await emulator.console("ims", "CreateApplicationAssignment", {
    AppId: CLI_APP_CN,
    PrincipalType: "user",
    PrincipalName: `mallory@${acct}.onaliyun.com`,
  });
  await emulator.clearRequests();
}

/** Every API call, all services, in the order the emulator saw them (console edits left out). */
const allCalls = async () => (await emulator.requests()).map((r) => r.action);
const writes = async () => (await allCalls()).filter((a) => !a.startsWith("Get") && !a.startsWith("List"));

describe("check", () => {
  it("defaults to report mode, covering every kind, with nothing unmanaged wanted", () => {
    const { inputs, failures } = checkFederationInventoryInputs({});
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({
      covers: { assignments: true, oidcProviders: true, roles: true },
      oidcProviders: [],
      roles: [],
      cliAppIds: ["4038181954557748008", "4103531455503354461"],
      mode: "report",
      enforce: { assignments: false, oidcProviders: false, roles: false },
      unmanaged: [],
    });
  });

  it("in enforce mode removes assignments by default, providers and roles only when named", () => {
    expect(checkFederationInventoryInputs({ mode: "enforce" }).inputs.enforce).toEqual({
      assignments: true,
      oidcProviders: false,
      roles: false,
    });
    expect(
      checkFederationInventoryInputs({ mode: "enforce", enforce: { roles: true } }).inputs.enforce,
    ).toEqual({
      assignments: true,
      oidcProviders: false,
      roles: true,
    });
  });

  it("reports every bad argument at once, naming the field", () => {
    const { failures } = checkFederationInventoryInputs({
      oidcProviders: ["-bad", "x".repeat(129), "x".repeat(128)],
      roles: ["has space", "r".repeat(65), "r".repeat(64)],
      cliAssignments: [{ principalType: "group", principalName: "devs" }, { principalType: "user" }],
      mode: "audit",
      enforce: { roles: "yes" },
    });
    expect(failures.map((f) => f.property)).toEqual([
      "oidcProviders[0]",
      "oidcProviders[1]",
      "roles[0]",
      "roles[1]",
      "cliAssignments[0]",
      "cliAssignments[1]",
      "mode",
      "enforce.roles",
    ]);
    expect(failures[0]?.reason).toMatch(/not an OIDC provider name/);
    expect(failures[4]?.reason).toMatch(/'group' must be 'user' or 'role'/);
  });

  it("refuses enforce flags in report mode, which changes nothing", () => {
    const { failures } = checkFederationInventoryInputs({ mode: "report", enforce: { roles: true } });
    expect(failures).toEqual([
      { property: "enforce", reason: expect.stringMatching(/enforces roles, but mode is 'report'/) },
    ]);
  });

  it("accepts its own canonical output again (the engine hands checked inputs back)", () => {
    const once = declared();
    expect(checkFederationInventoryInputs(once)).toEqual({ inputs: once, failures: [] });
  });

  it("passes values unknown at preview through", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const { failures } = checkFederationInventoryInputs({ oidcProviders: [unknown], cliAppIds: [unknown] });
    expect(failures).toEqual([]);
  });
});

describe("refresh (read)", () => {
  it("finds nothing in an account holding only declared objects", async () => {
    const res = await P.read("federation-inventory", declared());
    expect(res.props.unmanaged).toEqual([]);
    expect(res.inputs).toMatchObject({ unmanaged: [] });
    expect(warnings).toEqual([]);
  });

  it("names at most 20 undeclared objects one warning each, and counts the rest in one (all are in the output)", async () => {
    await provider("shadow-idp", "https://evil.example.com");
    for (let i = 0; i < 25; i++)
      await emulator.console("ram", "CreateRole", {
        RoleName: `shadow-role-${String(i).padStart(2, "0")}`,
        AssumeRolePolicyDocument: trust("shadow-idp", "*"),
      });
    const res = await P.read("federation-inventory", declared());
    expect(res.props.unmanaged).toHaveLength(26);
    expect(warnings).toHaveLength(21);
    expect(warnings.slice(0, 20)).toEqual(
      res.props.unmanaged.slice(0, 20).map((u) => `FederationInventory: not declared: ${u}`),
    );
    expect(warnings[20]).toBe(
      "FederationInventory: 6 more not declared (every one is in the output 'unmanaged': pulumi stack output, or preview --diff)",
    );
  });

  it("covering roles alone, a role is judged in its provider's grammar: the issuer is read though providers are not covered", async () => {
    // A pattern that would pin one GitHub repository, on an Authing provider: any Authing user.
    await provider("authing-idp", "https://acme.authing.cn/oidc");
    await emulator.console("ram", "CreateRole", {
      RoleName: "authing-role",
      AssumeRolePolicyDocument: trust("authing-idp", "repo:acme/app:*"),
    });
    const res = await P.read("federation-inventory", declared({ covers: { roles: true } }));
    expect(res.props.unmanaged).toEqual([
      `[ADMITS ANY USER] role 'authing-role' trusts acs:ram::${acct}:oidc-provider/authing-idp: any issuer, audience 'sts.aliyuncs.com', subject like 'repo:acme/app:*' (ANY user: it does not pin one workload)`,
    ]);
    // An up's error cuts each listed object to one line: the verdict comes before the cut.
    const roles = declared({ covers: { roles: true } });
    const err = (await P.update("federation-inventory", roles, roles).catch((e) => e)) as Error;
    const line = err.message.split("\n").find((l) => l.includes("authing-role"));
    expect(line).toMatch(/^ {2}- \[ADMITS ANY USER\] role 'authing-role' trusts .*…$/);
  });

  it("a listed assignment of a principal type other than user or role is named UNDETERMINED and never removed", () => {
    const scan = scanOfAssignments({
      [CLI_APP_CN]: [
        { appId: CLI_APP_CN, principalType: "ramgroup", principalName: "everyone" },
        { appId: CLI_APP_CN, principalType: "user", principalName: "alice" },
      ],
    });
    const found = findUnmanaged(scan, declared({ mode: "enforce" }) as unknown as FederationInventoryInputs);
    expect(found.map((f) => f.description)).toEqual([
      `cli-assignment [UNDETERMINED] of principal type 'ramgroup' named 'everyone' may let someone log in to the CLI (application ${CLI_APP_CN}); this library reads user and role assignments only: remove it in the console if nobody declared it`,
    ]);
    expect(found[0]?.remove).toBeUndefined();
  });

  it("a role naming a provider's ARN in other case, or with a document member outside the model, is named UNDETERMINED", async () => {
    await provider("case-idp", "https://case.example.com");
    await emulator.console("ram", "CreateRole", {
      RoleName: "cased-role",
      AssumeRolePolicyDocument: trust("CASE-IDP", "repo:acme/app:ref:refs/heads/main"),
    });
    // No Federated principal at all, but a member beside Version and Statement: read, not skipped.
    await emulator.console("ram", "CreateRole", {
      RoleName: "odd-role",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } },
        ],
        Extra: {},
      }),
    });
    const res = await P.read("federation-inventory", declared());
    expect(res.props.unmanaged).toEqual([
      expect.stringMatching(/^oidc-provider 'case-idp': .*; trusted by roles \[cased-role\]$/),
      expect.stringMatching(
        new RegExp(
          `^\\[UNDETERMINED\\] role 'cased-role' trusts .*UNDETERMINED: statement 1: it trusts acs:ram::${acct}:oidc-provider/CASE-IDP, which differs from the provider acs:ram::${acct}:oidc-provider/case-idp only in case`,
        ),
      ),
      expect.stringMatching(
        /^\[UNDETERMINED\] role 'odd-role' trusts a federated principal; UNDETERMINED: the document: it has Extra/,
      ),
    ]);
  });

  it("names a shadow provider, a shadow role and a shadow CLI login with what each trusts", async () => {
    await shadows();
    const res = await P.read("federation-inventory", declared());
    expect(res.props.unmanaged).toEqual([
      `oidc-provider 'shadow-idp': issuer https://evil.example.com, client IDs [sts.aliyuncs.com], fingerprints [${"a".repeat(40)}]; trusted by roles [shadow-role]`,
      `[ADMITS ANY SUBJECT] role 'shadow-role' trusts acs:ram::${acct}:oidc-provider/shadow-idp: any issuer, audience 'sts.aliyuncs.com', ANY subject`,
      `cli-assignment user 'mallory@${acct}.onaliyun.com' may log in to the CLI (application ${CLI_APP_CN})`,
    ]);
    // Each is also a warning, shown by the engine without --diff.
    expect(warnings).toEqual(res.props.unmanaged.map((u) => `FederationInventory: not declared: ${u}`));
    // The drift is among the inputs, so the engine diffs it against the program's [].
    expect((res.inputs as { unmanaged: string[] }).unmanaged).toHaveLength(3);
    expect((await P.diff("federation-inventory", res.props, declared())).changes).toBe(true);
    expect((await P.diff("federation-inventory", { ...res.props, unmanaged: [] }, declared())).changes).toBe(
      false,
    );
    expect(await writes()).toEqual([]);
  });

  it("costs one call per list page plus one GetRole per role, then one per federated role once settled", async () => {
    for (let i = 0; i < 5; i++)
      await emulator.console("ram", "CreateRole", {
        RoleName: `ram-only-${i}`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "1",
          Statement: [
            { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } },
          ],
        }),
      });
    await emulator.clearRequests();
    const first = await P.read("federation-inventory", declared());
    expect((await allCalls()).sort()).toEqual([
      "GetRole",
      "GetRole",
      "GetRole",
      "GetRole",
      "GetRole",
      "GetRole",
      "GetRole",
      "ListApplicationAssignments",
      "ListOIDCProviders",
      "ListRoles",
    ]);
    // Roles are young here: no verdict is kept until their UpdateDate is old enough to trust.
    expect(first.props.roleVerdicts).toEqual({});
    // Half an hour later (by the scan's clock), the six roles trusting no federated principal are settled.
    const later = () => Date.now() + VERDICT_MIN_AGE_MS + 60_000;
    await emulator.clearRequests();
    const settled = await scanAccount(session(), { providers: true, roles: true, appIds: [], now: later });
    expect(Object.keys(settled.verdicts).sort()).toEqual([
      "ops",
      "ram-only-0",
      "ram-only-1",
      "ram-only-2",
      "ram-only-3",
      "ram-only-4",
    ]);
    await emulator.clearRequests();
    const next = await scanAccount(session(), {
      providers: true,
      roles: true,
      appIds: [],
      verdicts: settled.verdicts,
      now: later,
    });
    // Pages (1 + 1) and one GetRole for the one federated role.
    expect((await allCalls()).sort()).toEqual(["GetRole", "ListOIDCProviders", "ListRoles"]);
    expect(next.federatedRoles.map((r) => r.roleName)).toEqual(["deployer"]);
    // A day after they were read, the verdicts are not trusted any more: every role is read again,
    // whatever ListRoles' UpdateDate says (nothing states that a trust-policy-only edit moves it).
    await emulator.clearRequests();
    const dayLater = () => later() + VERDICT_MAX_AGE_MS;
    const stale = await scanAccount(session(), {
      providers: true,
      roles: true,
      appIds: [],
      verdicts: settled.verdicts,
      now: dayLater,
    });
    expect((await allCalls()).filter((a) => a === "GetRole")).toHaveLength(7);
    expect(Object.keys(stale.verdicts)).toHaveLength(6);
    // A verdict in the older form (no time it was read) is read again once, never trusted.
    await emulator.clearRequests();
    const oldForm = Object.fromEntries(
      Object.entries(settled.verdicts).map(([k, v]) => [k, v.split("@").slice(0, 2).join("@")]),
    );
    await scanAccount(session(), { providers: true, roles: true, appIds: [], verdicts: oldForm, now: later });
    expect((await allCalls()).filter((a) => a === "GetRole")).toHaveLength(7);
    // A settled role edited later (its UpdateDate moves to a later second) is read again, and caught.
    await new Promise((r) => setTimeout(r, 1100));
    await emulator.console("ram", "UpdateRole", {
      RoleName: "ram-only-3",
      NewAssumeRolePolicyDocument: trust("github", "*"),
    });
    await emulator.clearRequests();
    const edited = await scanAccount(session(), {
      providers: true,
      roles: true,
      appIds: [],
      verdicts: settled.verdicts,
      now: later,
    });
    expect((await allCalls()).filter((a) => a === "GetRole")).toHaveLength(2);
    expect(edited.federatedRoles.map((r) => r.roleName)).toEqual(["deployer", "ram-only-3"]);
  });

  it("reads a declared role alongside the list, and again if the list shows another version of it", async () => {
    // ListRoles answers 600 ms late: the declared role's read leaves with it; the other role's after it.
    await emulator.injectFault({ service: "ram", action: "ListRoles", kind: "latency", latencyMs: 600 });
    const first = await P.read("federation-inventory", declared());
    expect(first.props.unmanaged).toEqual([]);
    const log = await emulator.requests();
    const arrival = (action: string, role?: string) =>
      log
        .filter((r) => r.action === action && (role === undefined || r.params.RoleName === role))
        .map((r) => Date.parse(r.time));
    const [listed] = arrival("ListRoles");
    expect(arrival("GetRole", "deployer")).toEqual([expect.any(Number)]);
    expect(Math.abs((arrival("GetRole", "deployer")[0] ?? 0) - (listed ?? 0))).toBeLessThan(300);
    expect((arrival("GetRole", "ops")[0] ?? 0) - (listed ?? 0)).toBeGreaterThanOrEqual(600);
    // Each role read once, as when reading after the list (the account's look-up aside).
    expect((await allCalls()).filter((a) => a !== "GetCallerIdentity").sort()).toEqual([
      "GetRole",
      "GetRole",
      "ListApplicationAssignments",
      "ListOIDCProviders",
      "ListRoles",
    ]);
    // The role is edited while the list is on its way: its early read is stale, and read again.
    await emulator.clearFaults();
    await emulator.injectFault({ service: "ram", action: "ListRoles", kind: "latency", latencyMs: 1500 });
    await emulator.clearRequests();
    const scanning = scanAccount(session(), {
      providers: false,
      roles: true,
      appIds: [],
      expectedRoles: ["Deployer"],
    });
    await new Promise((r) => setTimeout(r, 1100));
    await emulator.console("ram", "UpdateRole", {
      RoleName: "deployer",
      NewAssumeRolePolicyDocument: trust("github", "*"),
    });
    const scan = await scanning;
    await emulator.clearFaults();
    expect((await allCalls()).filter((a) => a === "GetRole")).toHaveLength(3);
    const deployer = scan.federatedRoles.find((r) => r.roleName === "deployer");
    expect(deployer?.trust.grants.map((g) => g.subjects.like)).toEqual([["*"]]);
  });

  it("pages through every list: 101 providers take two ListOIDCProviders calls", async () => {
    for (let i = 0; i < 100; i++) await provider(`p${i}`, `https://issuer-${i}.example.com`);
    await emulator.clearRequests();
    const res = await P.read("federation-inventory", declared());
    expect((await actions(emulator, "ims")).filter((a) => a === "ListOIDCProviders")).toHaveLength(2);
    expect(res.props.unmanaged).toHaveLength(100);
  });
});

describe("up (update) in report mode", () => {
  it("lists at most 8 undeclared objects, each line cut, whatever the account holds", async () => {
    await shadows();
    for (let i = 0; i < 20; i++)
      await emulator.console("ram", "CreateRole", {
        RoleName: `hand-made-${i}-${"x".repeat(40)}`,
        AssumeRolePolicyDocument: trust("shadow-idp", "*"),
      });
    const err = (await P.create(declared()).catch((e) => e)) as Error;
    expect(err.message.slice(0, 200)).toMatch(/^Declare each one/);
    const lines = err.message.split("\n");
    expect(lines.filter((l) => l.startsWith("  - "))).toHaveLength(8);
    expect(lines.at(-1)).toMatch(/^ {2}\.\.\. and \d+ more$/);
    expect(lines.every((l) => l.length <= 400)).toBe(true);
    expect(err.message.length).toBeLessThan(2000);
  });

  it("fails with the list and changes nothing", async () => {
    await shadows();
    const olds = (await P.read("federation-inventory", declared())).props;
    await emulator.clearRequests();
    const err = await P.update("federation-inventory", olds, declared()).catch((e) => e);
    expect(err.message).toMatch(
      /3 undeclared federation object\(s\) in the account \(mode 'report': nothing was changed\)/,
    );
    expect(err.message).toContain("oidc-provider 'shadow-idp'");
    expect(err.message).toContain("role 'shadow-role'");
    expect(err.message).toContain("mallory@");
    expect(err.id).toBeUndefined();
    expect(await writes()).toEqual([]);
  });

  it("passes once the account holds only declared objects, leaving nothing unmanaged", async () => {
    const res = await P.update("federation-inventory", declared(), declared());
    expect(res.outs.unmanaged).toEqual([]);
    expect(await writes()).toEqual([]);
  });

  it("tolerates objects just undeclared: their own resources delete them after this update", async () => {
    await shadows();
    const olds = declared({
      oidcProviders: ["github", "shadow-idp"],
      roles: ["deployer", "shadow-role"],
      cliAssignments: [
        { principalType: "user", principalName: "alice" },
        { principalType: "user", principalName: "mallory" },
      ],
    });
    const res = await P.update("federation-inventory", olds, declared());
    expect(res.outs.unmanaged).toEqual([]);
  });
});

describe("other stacks' declarations (acceptDeclaredBy)", () => {
  // What another stack's `declared` exports: its names and the account its inventory scans.
  const from = (accountId?: string) => ({
    oidcProviders: ["shadow-idp"],
    roles: ["Shadow-Role"],
    cliAssignments: ["user:mallory"],
    ...(accountId === undefined ? {} : { accountId }),
  });
  const OTHER = "2222222222222222";

  it("are merged with the accounts they come from; an account id must be digits", () => {
    const { inputs, failures } = checkFederationInventoryInputs({
      acceptDeclaredBy: [from(acct), { roles: ["ops"] }, from(OTHER)],
    });
    expect(failures).toEqual([]);
    expect(inputs.accepted).toEqual({
      oidcProviders: ["shadow-idp"],
      roles: ["ops", "shadow-role"],
      cliAssignments: ["user:mallory"],
      accounts: [acct, OTHER].sort(),
    });
    expect(checkFederationInventoryInputs({ acceptDeclaredBy: [{ accountId: "12ab" }] }).failures).toEqual([
      { property: "acceptDeclaredBy[0].accountId", reason: "must be an account id (digits)" },
    ]);
  });

  it("an export that names the applications it covers vouches for their assignments only", () => {
    const INTL = "4103531455503354461";
    const { inputs, failures } = checkFederationInventoryInputs({
      cliAppIds: [CLI_APP_CN, INTL],
      acceptDeclaredBy: [
        { cliAssignments: ["user:alice"], cliAppIds: [CLI_APP_CN] },
        { cliAssignments: ["role:ops"] },
        // Covering every application this inventory scans: unscoped, as before cliAppIds existed.
        { cliAssignments: ["user:bob"], cliAppIds: [INTL, CLI_APP_CN] },
      ],
    });
    expect(failures).toEqual([]);
    expect((inputs.accepted as { cliAssignments: string[] }).cliAssignments).toEqual([
      `${CLI_APP_CN}/user:alice`,
      "role:ops",
      "user:bob",
    ]);
    const listed = (appId: string) => [
      { appId, principalType: "user", principalName: "alice" },
      { appId, principalType: "role", principalName: "ops" },
    ];
    const scan = scanOfAssignments({ [CLI_APP_CN]: listed(CLI_APP_CN), [INTL]: listed(INTL) });
    // alice is declared for the cn application by the stack that covers it; on intl nobody declares her.
    expect(
      findUnmanaged(scan, inputs as unknown as FederationInventoryInputs).map((u) => u.description),
    ).toEqual([`cli-assignment user 'alice' may log in to the CLI (application ${INTL})`]);
    expect(
      checkFederationInventoryInputs({ acceptDeclaredBy: [{ cliAppIds: ["cli"] }] }).failures.map(
        (f) => f.property,
      ),
    ).toEqual(["acceptDeclaredBy[0].cliAppIds[0]"]);
  });

  it("state written before accounts were recorded plans no change, until an export names its account", async () => {
    const literal = declared({ acceptDeclaredBy: [{ roles: ["ops"] }] });
    const { accounts: _accounts, ...before } = literal.accepted as Record<string, unknown>;
    expect((await P.diff("federation-inventory", { ...literal, accepted: before }, literal)).changes).toBe(
      false,
    );
    // The exporting stack's next up adds its account to what it exports: one update here records it.
    const exported = declared({ acceptDeclaredBy: [{ roles: ["ops"], accountId: acct }] });
    expect((await P.diff("federation-inventory", { ...literal, accepted: before }, exported)).changes).toBe(
      true,
    );
  });

  it("from this account (or a literal list naming none) are accepted at refresh and at up", async () => {
    await shadows();
    for (const entry of [from(acct), from()]) {
      const desired = declared({ acceptDeclaredBy: [entry] });
      expect((await P.read("federation-inventory", desired)).props.unmanaged).toEqual([]);
      expect((await P.update("federation-inventory", desired, desired)).outs.unmanaged).toEqual([]);
    }
    expect(warnings).toEqual([]);
  });

  it("from another account fail the check at preview, naming both accounts, with no call", async () => {
    // What the program sends: the arguments, nothing computed.
    const raw = (acceptDeclaredBy: unknown[]) => ({
      oidcProviders: ["github"],
      roles: ["Deployer"],
      acceptDeclaredBy,
    });
    const res = await P.check!({}, raw([from(acct), from(OTHER)]));
    expect(res.failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(
          new RegExp(
            `^acceptDeclaredBy: Remove from acceptDeclaredBy what comes from account ${OTHER} \\(read`,
          ),
        ),
      },
    ]);
    // The account was already known (one look-up per process).
    expect(await allCalls()).toEqual([]);
    // Only a declaration that names an account asks for it.
    expect((await P.check!({}, raw([from()]))).failures).toEqual([]);
    expect((await P.check!({}, raw([from(acct)]))).failures).toEqual([]);
  });

  it("from another account are never accepted when the account look-up at preview fails, whichever way", async () => {
    const raw = { oidcProviders: ["github"], roles: ["Deployer"], acceptDeclaredBy: [from(OTHER)] };
    const desired = declared({ acceptDeclaredBy: [from(OTHER)] });
    for (const kind of ["throttle", "server-error", "drop", "lost"] as const)
      for (const count of [1, undefined]) {
        resetCallerAccount();
        await emulator.injectFault({
          service: "sts",
          action: "GetCallerIdentity",
          kind,
          ...(count ? { count } : {}),
        });
        // Said at preview when the look-up gets through (after a retry), nothing said when it cannot ...
        const failures = (await P.check!({}, raw)).failures ?? [];
        expect(failures.map((f) => f.reason)).toEqual(
          failures.length === 0
            ? []
            : [expect.stringMatching(/^acceptDeclaredBy: Remove from acceptDeclaredBy/)],
        );
        if (count === 1 && kind !== "drop" && kind !== "lost") expect(failures).toHaveLength(1);
        await emulator.clearFaults();
        // ... and up refuses, before any scan, once the account is known.
        await emulator.clearRequests();
        await expect(P.update("federation-inventory", desired, desired)).rejects.toThrow(
          /^Remove from acceptDeclaredBy what comes from account/,
        );
        expect((await allCalls()).filter((a) => a !== "GetCallerIdentity")).toEqual([]);
      }
  });

  it("from another account are refused at up before the account is scanned", async () => {
    await shadows();
    const desired = declared({ acceptDeclaredBy: [from(acct), from(OTHER)] });
    const err = (await P.update("federation-inventory", desired, desired).catch((e) => e)) as Error;
    expect(err.message).toBe(
      `Remove from acceptDeclaredBy what comes from account ${OTHER} (read the inventory of a stack in this ` +
        `account instead). FederationInventory: this stack's account is ${acct}, and a stack in another ` +
        "account cannot vouch for objects in this one.",
    );
    // The account was already known (one look-up per process): nothing was listed or changed.
    expect(await allCalls()).toEqual([]);
  });

  it("vouch for nothing at refresh if state held one from another account: all is judged, and said why", async () => {
    await shadows();
    const res = await P.read(
      "federation-inventory",
      declared({ acceptDeclaredBy: [from(acct), from(OTHER)] }),
    );
    expect(res.props.unmanaged).toEqual([
      expect.stringMatching(/^oidc-provider 'shadow-idp'/),
      expect.stringMatching(/^\[ADMITS ANY SUBJECT\] role 'shadow-role'/),
      expect.stringMatching(/^cli-assignment user 'mallory@/),
    ]);
    // Said first, then each object as any refresh names it.
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Remove from acceptDeclaredBy what comes from account ${OTHER} .* accepts none of acceptDeclaredBy\\.$`,
        ),
      ),
      ...res.props.unmanaged.map((line) => `FederationInventory: not declared: ${line}`),
    ]);
  });
});

describe("up (update) in enforce mode", () => {
  it("removes the undeclared CLI assignment and reports (fails on) the provider and role it may not delete", async () => {
    await shadows();
    const desired = declared({ mode: "enforce" });
    const olds = (await P.read("federation-inventory", desired)).props;
    await emulator.clearRequests();
    const err = await P.update("federation-inventory", olds, { ...desired, __provider: "shim" }).catch(
      (e) => e,
    );
    expect(await writes()).toEqual(["DeleteApplicationAssignment"]);
    // Partial state: the engine records what remains, with the provider a later destroy needs.
    expect(err.id).toBe("federation-inventory");
    expect(err.properties.__provider).toBe("shim");
    expect(err.properties.unmanaged).toEqual([
      expect.stringMatching(/^oidc-provider 'shadow-idp'/),
      expect.stringMatching(/^\[ADMITS ANY SUBJECT\] role 'shadow-role'/),
    ]);
    expect(err.message).toMatch(/removed \(enforced\): cli-assignment user 'mallory@/);
    const left = (await emulator.console("ims", "ListApplicationAssignments", { AppId: CLI_APP_CN })) as {
      ApplicationAssignments: { ApplicationAssignment: Array<{ PrincipalName: string }> };
    };
    expect(left.ApplicationAssignments.ApplicationAssignment.map((a) => a.PrincipalName)).toEqual([
      `alice@${acct}.onaliyun.com`,
    ]);
  });

  it("refuses to remove more than maxRemovals before removing any, unless confirmed with the count", async () => {
    await shadows();
    const desired = declared({
      mode: "enforce",
      enforce: { oidcProviders: true, roles: true },
      maxRemovals: 2,
    });
    const olds = (await P.read("federation-inventory", desired)).props;
    await emulator.clearRequests();
    const err = (await P.update("federation-inventory", olds, desired).catch((e) => e)) as Error;
    expect(err.message).toMatch(/^Set confirmRemovals: 3 to let FederationInventory remove these once/);
    expect(err.message).toMatch(
      /would remove 3 undeclared objects, more than maxRemovals \(2\); nothing was removed/,
    );
    expect(err.message.length).toBeLessThan(4096);
    expect(await writes()).toEqual([]);
    // Exactly the count lets them through; another stack's declarations are never removed.
    const confirmed = declared({
      mode: "enforce",
      enforce: { oidcProviders: true, roles: true },
      maxRemovals: 2,
      confirmRemovals: 2,
      acceptDeclaredBy: [{ roles: ["shadow-role"] }],
    });
    await P.update("federation-inventory", olds, confirmed).catch((e) => e);
    expect(await writes()).toEqual(["DeleteApplicationAssignment", "DeleteOIDCProvider"]);
    // Left in the program, the confirmation has nothing to confirm at the next up: said, to remove it.
    warnings.length = 0;
    await P.update("federation-inventory", olds, confirmed).catch((e) => e);
    expect(warnings).toEqual([
      "FederationInventory: remove confirmRemovals (2) from the program: this up removes 0, within maxRemovals (2), so there " +
        "is nothing for it to confirm; left in place, it lets a later removal of exactly 2 objects through without asking.",
    ]);
  });

  it("removes roles (policies detached first) and providers only when enforced per kind", async () => {
    await shadows();
    await emulator.console("ram", "AttachPolicyToRole", {
      RoleName: "shadow-role",
      PolicyType: "System",
      PolicyName: "AliyunOSSReadOnlyAccess",
    });
    await emulator.clearRequests();
    const desired = declared({ mode: "enforce", enforce: { oidcProviders: true, roles: true } });
    const res = await P.update("federation-inventory", desired, desired);
    expect(res.outs.unmanaged).toEqual([]);
    // Logins first, then the role (its policy detached first), then the provider it trusted.
    expect(await writes()).toEqual([
      "DeleteApplicationAssignment",
      "DetachPolicyFromRole",
      "DeleteRole",
      "DeleteOIDCProvider",
    ]);
    const second = await P.read("federation-inventory", desired);
    expect(second.props.unmanaged).toEqual([]);
  });
});

describe("ApplicationAssignmentsExclusive", () => {
  const exclusive = (over: Record<string, unknown> = {}) => {
    const { inputs, failures } = checkApplicationAssignmentsExclusiveInputs({
      cliAppIds: [CLI_APP_CN],
      cliAssignments: [{ principalType: "user", principalName: `ALICE@${acct}.onaliyun.com` }],
      ...over,
    });
    expect(failures).toEqual([]);
    return inputs;
  };

  it("requires the application and the assignments, named as the class names them", () => {
    expect(checkApplicationAssignmentsExclusiveInputs({ cliAppIds: ["x1"] }).failures).toEqual([
      { property: "assignments", reason: "is required" },
      { property: "application", reason: "must be an official application's AppId (digits)" },
    ]);
  });

  it("looks at assignments only, and by default removes the undeclared ones", async () => {
    await shadows();
    const read = await X.read("federation-inventory", exclusive());
    expect(read.props.unmanaged).toEqual([expect.stringMatching(/^cli-assignment user 'mallory@/)]);
    expect((await allCalls()).sort()).toEqual(["ListApplicationAssignments"]);
    await emulator.clearRequests();
    const res = await X.update("federation-inventory", read.props, exclusive());
    expect(res.outs.unmanaged).toEqual([]);
    expect(await writes()).toEqual(["DeleteApplicationAssignment"]);
  });

  it("in report mode fails and removes nothing", async () => {
    await shadows();
    const desired = exclusive({ mode: "report" });
    const err = await X.update("federation-inventory", desired, desired).catch((e) => e);
    expect(err.message).toMatch(
      /^Declare each one in the inventory .*ApplicationAssignmentsExclusive: 1 undeclared/,
    );
    expect(await writes()).toEqual([]);
  });
});
