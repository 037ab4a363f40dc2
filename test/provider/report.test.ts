/**
 * The trust report against the emulator: what it says about each provider,
 * role and CLI login, that it only reads, that its JSON follows the published
 * schema, and the `alicloud-federation report` command itself.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { main, parseArgs } from "../../provider/cli";
import { session } from "../../provider/client/session";
import {
  failOnFindings,
  formatTrustReport,
  managedFromState,
  type TrustReport,
  trustReport,
  trustReportJsonSchema,
  trustReportSchema,
} from "../../provider/report";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../provider/secretWire";
import { applyConfig } from "../../provider/settings";
import { REPO_ROOT } from "../../scripts/engine";
import { CLI_APP_CN, populateFederatedAccount } from "../../scripts/fixtures";
import { tempDir } from "../tempDir";
import { configOf, startWired } from "./harness";

let emulator: Emulator;
let report: TrustReport;
let acct: string;

beforeAll(async () => {
  const wired = await startWired();
  emulator = wired.emulator;
  acct = emulator.accountId;
  applyConfig(configOf(wired.config).config);
  await populateFederatedAccount(emulator, { providers: 2, federatedRoles: 3, otherRoles: 2, cliUsers: 2 });
  // One broad role: any subject of idp-1, through an audience idp-1 does not list.
  await emulator.console("ram", "CreateRole", {
    RoleName: "broad",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: [`acs:ram::${acct}:oidc-provider/idp-1`] },
          Condition: { StringEquals: { "oidc:aud": ["sts.aliyuncs.com", "other-aud"] } },
        },
      ],
    }),
  });
  await emulator.clearRequests();
  report = await trustReport({
    session: session(),
    managed: { oidcProviders: ["idp-0"], roles: ["FED-0000"], assignments: ["user:user0"] },
  });
});
afterAll(async () => emulator?.close());

/** The report of the account with one more role, made for it and deleted after (the other tests read the account without it). */
async function reportWithRole(roleName: string, statements: object[]): Promise<TrustReport> {
  await emulator.console("ram", "CreateRole", {
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({ Version: "1", Statement: statements }),
  });
  try {
    return await trustReport({ session: session() });
  } finally {
    await emulator.console("ram", "DeleteRole", { RoleName: roleName });
  }
}

describe("trustReport", () => {
  it("only reads: lists, one GetRole per role, one ListPoliciesForRole per federated role", async () => {
    const calls = (await emulator.requests()).map((r) => r.action);
    expect(calls.filter((a) => !a.startsWith("List") && !a.startsWith("Get"))).toEqual([]);
    const count = (a: string) => calls.filter((c) => c === a).length;
    expect([count("ListOIDCProviders"), count("ListRoles"), count("ListApplicationAssignments")]).toEqual([
      1, 1, 2,
    ]);
    expect([count("GetRole"), count("ListPoliciesForRole")]).toEqual([6, 4]);
    expect(report.counts).toEqual({ roles: 6, federatedRoles: 4, apiCalls: calls.length });
  });

  it("lists each provider with issuer, client IDs, fingerprints and the roles trusting it", () => {
    expect(report.oidcProviders).toEqual([
      {
        name: "idp-0",
        arn: `acs:ram::${acct}:oidc-provider/idp-0`,
        issuerUrl: "https://issuer-0.example.com",
        clientIds: ["sts.aliyuncs.com"],
        fingerprints: [`${"a".repeat(39)}0`],
        managed: true,
        trustedBy: ["fed-0000", "fed-0002"],
      },
      expect.objectContaining({ name: "idp-1", managed: false, trustedBy: ["broad", "fed-0001"] }),
    ]);
  });

  it("says what each role admits, checked with the simulator, with its policies", () => {
    const fed0 = report.roles.find((r) => r.roleName === "fed-0000");
    expect(fed0).toMatchObject({
      managed: true,
      determined: true,
      policies: [{ type: "System", name: "AliyunOSSReadOnlyAccess" }],
    });
    expect(fed0?.grants[0]).toMatchObject({
      provider: "idp-0",
      issuers: ["https://issuer-0.example.com"],
      subjects: { equals: ["repo:acme/app-0:ref:refs/heads/main"], like: [] },
      anySubject: false,
      checks: [
        {
          subject: "repo:acme/app-0:ref:refs/heads/main",
          audience: "sts.aliyuncs.com",
          allowed: true,
          reason: "statement 1 allows it",
        },
      ],
    });
    expect(fed0?.grants[0]?.anyWorkload).toBeNull();
    const broad = report.roles.find((r) => r.roleName === "broad");
    expect(broad?.grants[0]).toMatchObject({
      anySubject: true,
      // The one definition of "pins the workload", in the issuer's words (idp-1 is no known platform).
      anyWorkload: { words: "any subject", reason: expect.stringMatching(/^no subject condition/) },
      refusedAudiences: ["other-aud"],
      checks: [],
    });
  });

  it("a token check the simulator cannot decide says so, in the JSON and the text, instead of 'refuses'", async () => {
    const sub = "repo:acme/guarded:ref:refs/heads/main";
    const fed = { Federated: [`acs:ram::${acct}:oidc-provider/idp-0`] };
    const r = await reportWithRole("guarded", [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: fed,
        Condition: { StringEquals: { "oidc:sub": sub } },
      },
      // An operator outside the documented 21: whether this Deny applies cannot be decided.
      {
        Effect: "Deny",
        Action: "sts:AssumeRole",
        Principal: fed,
        Condition: { StringEqualsIfExists: { "oidc:sub": sub } },
      },
    ]);
    const grant = r.roles
      .find((role) => role.roleName === "guarded")
      ?.grants.find((g) => g.subjects.equals.includes(sub));
    expect(grant?.checks).toEqual([
      {
        subject: sub,
        audience: "sts.aliyuncs.com",
        allowed: false,
        outcome: "undetermined",
        reason: expect.stringMatching(
          /^undetermined: statement \d allows it, but Deny statement \d cannot be decided/,
        ),
      },
    ]);
    expect(formatTrustReport(r)).toContain(`UNDETERMINED for sub=${sub} aud=sts.aliyuncs.com (undetermined:`);
  });

  it("a role naming a provider's ARN in other case is listed under that provider, undetermined", async () => {
    const r = await reportWithRole("cased", [
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Federated: [`acs:ram::${acct}:oidc-provider/IDP-0`] },
        Condition: { StringEquals: { "oidc:sub": "repo:acme/cased:ref:refs/heads/main" } },
      },
    ]);
    const role = r.roles.find((x) => x.roleName === "cased");
    expect(role).toMatchObject({
      determined: false,
      problems: [
        expect.stringMatching(
          /^statement 1: it trusts .*IDP-0, which differs from the provider .*idp-0 only in case/,
        ),
      ],
    });
    expect(role?.grants[0]).toMatchObject({ provider: "idp-0", checks: [{ outcome: "undetermined" }] });
    expect(r.oidcProviders.find((p) => p.name === "idp-0")?.trustedBy).toContain("cased");
  });

  it("lists the CLI logins, and which the stack manages", () => {
    expect(report.cliAssignments).toEqual([
      {
        appId: CLI_APP_CN,
        principalType: "user",
        principalName: `user0@${acct}.onaliyun.com`,
        managed: true,
      },
      {
        appId: CLI_APP_CN,
        principalType: "user",
        principalName: `user1@${acct}.onaliyun.com`,
        managed: false,
      },
    ]);
  });

  it("follows the published JSON schema, which is up to date", () => {
    expect(() => trustReportSchema.parse(JSON.parse(JSON.stringify(report)))).not.toThrow();
    expect(() => trustReportSchema.parse({ ...report, extra: 1 })).toThrow();
    const file = path.join(REPO_ROOT, "docs", "trust-report.schema.json");
    expect(JSON.parse(fs.readFileSync(file, "utf8")), "run npm run docs:schema").toEqual(
      trustReportJsonSchema(),
    );
  });

  it("prints, for a person, who can obtain credentials for which role", () => {
    const text = formatTrustReport(report);
    expect(text).toContain("OIDC provider idp-1  [NOT managed by this stack]");
    expect(text).toContain("role broad  [NOT managed by this stack]");
    expect(text).toContain("subjects: ANY subject of the issuer");
    expect(text).toContain("note: audience 'other-aud' is not a client ID: STS refuses it");
    expect(text).toContain("ALLOWS sub=repo:acme/app-0:ref:refs/heads/main aud=sts.aliyuncs.com");
    expect(text).toContain(
      `user user1@${acct}.onaliyun.com (app ${CLI_APP_CN})  [NOT managed by this stack]`,
    );
  });
});

describe("managedFromState", () => {
  it("reads a stack export and a file-backend checkpoint alike", () => {
    const resources = [
      { type: "pulumi-nodejs:dynamic/alicloud-federation:OidcProvider", outputs: { oidcProviderName: "gh" } },
      { type: "pulumi-nodejs:dynamic/alicloud-federation:OidcRole", outputs: { roleName: "deployer" } },
      {
        type: "pulumi-nodejs:dynamic/alicloud-federation:ApplicationAssignment",
        outputs: { principalType: "user", assignedPrincipalName: "Alice@x.onaliyun.com" },
      },
      { type: "pulumi:pulumi:Stack", outputs: {} },
    ];
    const want = { oidcProviders: ["gh"], roles: ["deployer"], assignments: ["user:alice"] };
    expect(managedFromState({ deployment: { resources } })).toEqual(want);
    expect(managedFromState({ checkpoint: { latest: { resources } } })).toEqual(want);
    expect(() => managedFromState({ nope: 1 })).toThrow(/not a Pulumi stack state/);
  });

  it("reads a secret name exported with --show-secrets, and counts one exported encrypted", () => {
    const secret = (v: string) => ({ [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(v) });
    const sealed = { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "v1:abc" };
    const resources = [
      {
        type: "pulumi-nodejs:dynamic/alicloud-federation:OidcRole",
        outputs: { roleName: secret("deployer") },
      },
      { type: "pulumi-nodejs:dynamic/alicloud-federation:OidcRole", outputs: { roleName: sealed } },
      {
        type: "pulumi-nodejs:dynamic/alicloud-federation:ApplicationAssignment",
        outputs: { principalType: "user", assignedPrincipalName: sealed, principalName: sealed },
      },
    ];
    expect(managedFromState({ deployment: { resources } })).toEqual({
      oidcProviders: [],
      roles: ["deployer"],
      assignments: [],
      encrypted: 2,
    });
  });
});

describe("alicloud-federation report", () => {
  it("rejects bad arguments with usage, exit 2", () => {
    expect(() => parseArgs(["report", "--managed", "provider:a", "--state", "x"])).toThrow(/one of --state/);
    expect(() => parseArgs(["report", "--concurrency", "0"])).toThrow(/1 to 64/);
    expect(() => parseArgs(["status"])).toThrow(/unknown command 'status'/);
    const bad = path.join(tempDir("af-state-"), "state.json");
    fs.writeFileSync(bad, "{ not json");
    expect(() => parseArgs(["report", "--state", bad])).toThrow(new RegExp(`--state ${bad}: .*JSON`));
    fs.writeFileSync(bad, "{}");
    expect(() => parseArgs(["report", "--state", bad])).toThrow(/not a Pulumi stack state/);
    expect(parseArgs(["report", "--json", "--managed", "provider:gh,role:Deployer,user:bob@x"])).toEqual({
      json: true,
      managed: { oidcProviders: ["gh"], roles: ["Deployer"], assignments: ["user:bob"] },
    });
  });

  it("prints the emulator account's report as JSON from the command line, with the managed flags of a state file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-report-"));
    const state = path.join(dir, "state.json");
    fs.writeFileSync(
      state,
      JSON.stringify({
        deployment: {
          resources: [
            { type: "pulumi-nodejs:dynamic/alicloud-federation:OidcRole", outputs: { roleName: "broad" } },
          ],
        },
      }),
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(REPO_ROOT, "dist", "provider", "cli.js"), "report", "--json", "--state", state],
      {
        env: {
          ...process.env,
          ALICLOUD_FEDERATION_ENDPOINT: emulator.url,
          ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.accessKeySecret,
        },
      },
    );
    const parsed = trustReportSchema.parse(JSON.parse(stdout));
    expect(parsed.roles.filter((r) => r.managed).map((r) => r.roleName)).toEqual(["broad"]);
    expect(parsed.endpoint).toBe(emulator.url);
    expect(stdout).not.toContain(emulator.accessKeySecret);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("the command helps itself and gates CI", () => {
  /** Runs `main` in this process, capturing what it prints. */
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const w = {
      out: process.stdout.write.bind(process.stdout),
      err: process.stderr.write.bind(process.stderr),
    };
    process.stdout.write = ((c: string) => out.push(String(c)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((c: string) => err.push(String(c)) > 0) as typeof process.stderr.write;
    try {
      const code = await main(argv);
      return { code, out: out.join(""), err: err.join("") };
    } finally {
      process.stdout.write = w.out;
      process.stderr.write = w.err;
    }
  }

  it("--help exits 0 on every command, and describes every option the parser takes", async () => {
    for (const argv of [
      ["--help"],
      ["-h"],
      ["help"],
      ["help", "report"],
      ["report", "--help"],
      ["report", "-h"],
    ]) {
      const r = await run(argv);
      expect([argv.join(" "), r.code, r.err]).toEqual([argv.join(" "), 0, ""]);
      expect(r.out).toMatch(/usage: alicloud-federation/);
    }
    const help = (await run(["report", "--help"])).out;
    const options = [
      ...fs
        .readFileSync(path.join(REPO_ROOT, "provider", "cli.ts"), "utf8")
        .matchAll(/arg === "(--[a-z-]+)"/g),
    ].map((m) => m[1]);
    expect(options.length).toBeGreaterThanOrEqual(7);
    // Each option starts a line of the help, with words after it.
    for (const o of options) expect(help).toMatch(new RegExp(`\\n  ${o}( <[a-z]+>)?\\s+\\w`));
    for (const k of ["unmanaged", "any-workload", "undetermined", "admin", "dangerous", "all"])
      expect(help).toMatch(new RegExp(`\\n\\s+${k}\\s+\\w`));
    const overview = (await run(["--help"])).out;
    expect(overview).toMatch(/\n {2}report {4}\w/);
    // Bad arguments still exit 2 and point to --help.
    const bad = await run(["report", "--fail-on", "nonsense"]);
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining("unknown kind 'nonsense'")]);
    expect(bad.err).toContain("--help");
    expect(() => parseArgs(["report", "--fail-on", "unmanaged"])).toThrow(
      /needs --state, --stack or --managed/,
    );
  });

  it("--fail-on exits 3 naming each finding, 0 when nothing asked for is found; dangerous combinations are marked", async () => {
    await emulator.console("ram", "AttachPolicyToRole", {
      PolicyType: "System",
      PolicyName: "AdministratorAccess",
      RoleName: "broad",
    });
    const r = await trustReport({
      session: session(),
      managed: { oidcProviders: [], roles: ["broad"], assignments: [] },
    });
    const broad = r.roles.find((x) => x.roleName === "broad");
    expect(broad?.dangers).toEqual(["holds AdministratorAccess and admits any workload of its issuer"]);
    expect(formatTrustReport(r)).toContain(
      "      policies: AdministratorAccess (System, ADMINISTRATOR-LEVEL)\n      DANGER: holds AdministratorAccess and admits any workload of its issuer",
    );
    expect(failOnFindings(r, ["admin", "dangerous"])).toEqual([
      "admin: role broad holds AdministratorAccess",
      "dangerous: role broad holds AdministratorAccess and admits any workload of its issuer",
    ]);
    const unmanaged = failOnFindings(r, ["unmanaged"]);
    expect(unmanaged.filter((f) => f.startsWith("unmanaged: role ")).length).toBe(3);
    expect(unmanaged).not.toContain("unmanaged: role broad");
    expect(failOnFindings(r, ["undetermined"])).toEqual([]);
    const gate = await run(["report", "--managed", "role:broad", "--fail-on", "dangerous,undetermined"]);
    expect(gate.code).toBe(3);
    expect(gate.err).toBe(
      "alicloud-federation report: --fail-on dangerous,undetermined: 1 finding:\n  dangerous: role broad holds AdministratorAccess and admits any workload of its issuer\n",
    );
    expect(gate.out).toContain("DANGER:");
    expect((await run(["report", "--fail-on", "undetermined"])).code).toBe(0);
    await emulator.console("ram", "DetachPolicyFromRole", {
      PolicyType: "System",
      PolicyName: "AdministratorAccess",
      RoleName: "broad",
    });
  });
});
