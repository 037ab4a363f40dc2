/**
 * The fault matrix: for every resource, every lifecycle operation (create, each kind of update,
 * delete), every call k of that operation and every fault kind, run the operation with the fault,
 * then run it again as the engine would (partial state included), and check that the account is
 * exactly what a run without faults leaves (no duplicate, nothing leaked), that a refresh shows no
 * change, and that state holds a live secret where it holds one. A create whose answer was lost
 * before the run died is also destroyed right after the failure: nothing may be left. The cells
 * come from the table below and the call count k of a clean run: nothing is chosen by hand.
 */
import { generateKeyPairSync } from "node:crypto";
import { appendFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetScimTokens } from "../../provider/client/scim";
import { setWarningSink } from "../../provider/diagnostics";
import { ApplicationAssignmentProvider } from "../../provider/resources/applicationAssignment";
import { FederationInventoryProvider } from "../../provider/resources/federationInventory";
import { IdaasApplicationFederatedCredentialProvider } from "../../provider/resources/idaasApplicationFederatedCredential";
import { IdaasClientConfigProvider } from "../../provider/resources/idaasClientConfig";
import { IdaasClientPublicKeyProvider } from "../../provider/resources/idaasClientPublicKey";
import { IdaasClientSecretProvider } from "../../provider/resources/idaasClientSecret";
import { IdaasFederatedCredentialProviderProvider } from "../../provider/resources/idaasFederatedCredentialProvider";
import { IdaasM2mApplicationProvider } from "../../provider/resources/idaasM2mApplication";
import { IdaasResourceServerProvider } from "../../provider/resources/idaasResourceServer";
import {
  OFFICIAL_CLI_APP_IDS,
  OfficialCliApplicationProvider,
} from "../../provider/resources/officialCliApplication";
import { OidcProviderProvider } from "../../provider/resources/oidcProvider";
import { OidcRoleProvider } from "../../provider/resources/oidcRole";
import { RamPolicyProvider } from "../../provider/resources/ramPolicy";
import {
  type ScimApplicationOutputs,
  ScimApplicationProvider,
} from "../../provider/resources/scimApplication";
import { directoryMaps, ScimDirectoryProvider } from "../../provider/resources/scimDirectory";
import { ScimUserProvider } from "../../provider/resources/scimUser";
import { isSecretWire } from "../../provider/secretWire";
import { destroy, type Held, type ProviderImpl, refreshDiff, up } from "./engine";
import { configOf, FAULT_KINDS, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;

const fp = (n: number) => n.toString(16).padStart(40, "a");
const ISSUER = "https://token.actions.githubusercontent.com";

type Ctx = Record<string, string>;
type Decl = (ctx: Ctx) => Record<string, unknown>;

/** The run after a failed one: the same declaration again, or the destroy again when there is none. */
const rerun = (p: ProviderImpl, held: Held | undefined, decl: Decl | undefined, ctx: Ctx) =>
  decl ? up(p, held, decl(ctx)) : destroy(p, held);

/** One row: a resource, what it needs first, its declaration and each kind of update. */
interface Row {
  resource: string;
  provider: ProviderImpl & { configure(req: unknown): Promise<void> };
  setup?: () => Promise<Ctx>;
  v1: Decl;
  updates: Record<string, Decl>;
  /** True when the secret state holds is live (and the only one). */
  secretLive?: (outs: Record<string, unknown>, ctx: Ctx) => Promise<boolean>;
}

const eiamConsole = (action: string, params: Record<string, string>) =>
  emulator.console("eiam", action, { InstanceId: emulator.eiamInstanceId, ...params }) as Promise<
    Record<string, unknown>
  >;

async function consoleApp(name: string, m2m = false): Promise<string> {
  const body = await eiamConsole("CreateApplication", {
    ApplicationName: name,
    ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
    SsoType: "oidc",
  });
  const id = body.ApplicationId as string;
  if (m2m) await eiamConsole("EnableApplicationM2MClient", { ApplicationId: id });
  return id;
}

/** A SCIM ServerApp made out of band, with consent and a secret: what ScimUser and ScimDirectory need. */
async function scimApp(): Promise<Ctx> {
  const outs = (
    await ScimApplicationProvider.create({
      appName: "directory-sync",
      displayName: "directory-sync",
      accessTokenValidity: 3600,
      secretVersion: 1,
    })
  ).outs as ScimApplicationOutputs;
  return { clientId: outs.clientId, clientSecret: outs.clientSecret };
}

const PUBLIC_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
  type: "spki",
  format: "pem",
}) as string;

const policyDoc = (...actions: string[]) =>
  JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });

const ROWS: Row[] = [
  {
    resource: "OidcProvider",
    provider: OidcProviderProvider,
    v1: () => ({
      oidcProviderName: "github",
      issuerUrl: ISSUER,
      clientIds: ["sts.aliyuncs.com"],
      fingerprints: [fp(1), fp(2)],
    }),
    updates: {
      settings: () => ({
        oidcProviderName: "github",
        issuerUrl: ISSUER,
        clientIds: ["sts.aliyuncs.com", "b"],
        fingerprints: [fp(1), fp(2)],
        description: "x",
      }),
      fingerprints: () => ({
        oidcProviderName: "github",
        issuerUrl: ISSUER,
        clientIds: ["sts.aliyuncs.com"],
        fingerprints: [fp(3), fp(4)],
      }),
    },
  },
  {
    resource: "OidcRole",
    provider: OidcRoleProvider,
    v1: () => ({
      roleName: "deployer",
      providerArn: "acs:ram::1234567890123456:oidc-provider/github",
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      policies: [
        { type: "System", name: "AliyunOSSReadOnlyAccess" },
        { type: "System", name: "AliyunECSReadOnlyAccess" },
      ],
    }),
    updates: {
      "trust+policies": () => ({
        roleName: "deployer",
        providerArn: "acs:ram::1234567890123456:oidc-provider/github",
        audiences: ["sts.aliyuncs.com"],
        subjects: ["repo:acme/app:ref:refs/heads/release"],
        description: "deploys",
        policies: [
          { type: "System", name: "AliyunOSSReadOnlyAccess" },
          { type: "System", name: "AliyunLogReadOnlyAccess" },
        ],
      }),
    },
  },
  {
    resource: "RamPolicy",
    provider: RamPolicyProvider,
    v1: () => ({ policyName: "deploy", policyDocument: policyDoc("ram:GetRole"), description: "v1" }),
    updates: {
      // a new default version and the description, together
      "document+description": () => ({
        policyName: "deploy",
        policyDocument: policyDoc("ram:GetRole", "ram:ListRoles"),
        description: "v2",
      }),
    },
  },
  {
    resource: "OfficialCliApplication",
    provider: OfficialCliApplicationProvider,
    v1: () => ({ site: "cn" }),
    updates: {},
  },
  {
    resource: "ApplicationAssignment",
    provider: ApplicationAssignmentProvider,
    setup: async () => {
      await emulator.console("ims", "ProvisionExternalApplication", {
        AppId: OFFICIAL_CLI_APP_IDS.cn,
        Scopes: "openid;/internal/ram/usersts",
      });
      await emulator.console("ram", "CreateUser", { UserName: "alice" });
      return {};
    },
    v1: () => ({ appId: OFFICIAL_CLI_APP_IDS.cn, principalType: "user", principalName: "alice" }),
    updates: {
      // The same principal spelt with its domain: no call, no replacement.
      respelt: () => ({
        appId: OFFICIAL_CLI_APP_IDS.cn,
        principalType: "user",
        principalName: `alice@${emulator.accountId}.onaliyun.com`,
      }),
    },
  },
  {
    resource: "ScimApplication",
    provider: ScimApplicationProvider,
    v1: () => ({ appName: "directory-sync" }),
    updates: {
      displayName: () => ({ appName: "directory-sync", displayName: "Directory" }),
      rotation: () => ({ appName: "directory-sync", secretVersion: 2 }),
    },
    secretLive: async (outs) => {
      const body = (await emulator.console("ims", "ListAppSecretIds", { AppId: String(outs.appId) })) as {
        AppSecrets: { AppSecret: { AppSecretId: string }[] };
      };
      const ids = body.AppSecrets.AppSecret.map((x) => x.AppSecretId);
      return ids.length === 1 && ids[0] === outs.appSecretId && String(outs.clientSecret).length > 10;
    },
  },
  {
    resource: "ScimUser",
    provider: ScimUserProvider,
    setup: scimApp,
    v1: (c) => ({
      userName: "alice",
      displayName: "Alice",
      externalId: "emp-1",
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    }),
    updates: {
      displayName: (c) => ({
        userName: "alice",
        displayName: "Alice Chen",
        externalId: "emp-1",
        clientId: c.clientId,
        clientSecret: c.clientSecret,
      }),
    },
  },
  {
    resource: "ScimDirectory",
    provider: ScimDirectoryProvider,
    setup: scimApp,
    v1: (c) => ({
      ...directoryMaps([
        { userName: "alice", displayName: "Alice", externalId: "emp-1" },
        { userName: "bob", displayName: "Bob", externalId: "emp-2" },
      ]),
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    }),
    updates: {
      people: (c) => ({
        ...directoryMaps([
          { userName: "alice", displayName: "Alice Chen", externalId: "emp-1" },
          { userName: "carol", displayName: "Carol", externalId: "emp-3" },
        ]),
        clientId: c.clientId,
        clientSecret: c.clientSecret,
      }),
      // Two people swap user names: one of them steps aside to a temporary name first.
      swap: (c) => ({
        ...directoryMaps([
          { userName: "bob", displayName: "Alice", externalId: "emp-1" },
          { userName: "alice", displayName: "Bob", externalId: "emp-2" },
        ]),
        clientId: c.clientId,
        clientSecret: c.clientSecret,
      }),
    },
  },
  {
    resource: "IdaasM2mApplication",
    provider: IdaasM2mApplicationProvider,
    v1: () => ({ instanceId: emulator.eiamInstanceId, applicationName: "orders-worker" }),
    updates: {
      rename: () => ({ instanceId: emulator.eiamInstanceId, applicationName: "orders", description: "d" }),
    },
  },
  {
    resource: "IdaasClientSecret",
    provider: IdaasClientSecretProvider,
    setup: async () => ({ app: await consoleApp("worker", true) }),
    v1: (c) => ({ instanceId: emulator.eiamInstanceId, applicationId: c.app }),
    updates: { rotation: (c) => ({ instanceId: emulator.eiamInstanceId, applicationId: c.app, version: 2 }) },
    secretLive: async (outs, c) => {
      const list = (await eiamConsole("ListApplicationClientSecrets", {
        ApplicationId: c.app as string,
      })) as {
        ApplicationClientSecrets: { SecretId: string }[];
      };
      if (
        list.ApplicationClientSecrets.length !== 1 ||
        list.ApplicationClientSecrets[0]?.SecretId !== outs.secretId
      )
        return false;
      const got = (await eiamConsole("ObtainApplicationClientSecret", {
        ApplicationId: c.app as string,
        SecretId: String(outs.secretId),
      })) as {
        ApplicationClientSecret: { ClientSecret: string };
      };
      return got.ApplicationClientSecret.ClientSecret === outs.clientSecret;
    },
  },
  {
    resource: "IdaasClientPublicKey",
    provider: IdaasClientPublicKeyProvider,
    setup: async () => ({ app: await consoleApp("worker", true) }),
    v1: (c) => ({ instanceId: emulator.eiamInstanceId, applicationId: c.app, publicKey: PUBLIC_KEY }),
    updates: {},
  },
  {
    resource: "IdaasResourceServer",
    provider: IdaasResourceServerProvider,
    setup: async () => ({ client: await consoleApp("client", true) }),
    v1: (c) => ({
      instanceId: emulator.eiamInstanceId,
      applicationName: "orders-api",
      identifier: "api://orders",
      scopes: [{ value: "read" }, { value: "write" }],
      grants: [{ clientApplicationId: c.client, scopes: ["read"] }],
    }),
    updates: {
      "scopes+grants": (c) => ({
        instanceId: emulator.eiamInstanceId,
        applicationName: "orders-api",
        identifier: "api://orders",
        scopes: [{ value: "read" }, { value: "admin" }],
        grants: [{ clientApplicationId: c.client, scopes: ["read", "admin"] }],
      }),
      identifier: (c) => ({
        instanceId: emulator.eiamInstanceId,
        applicationName: "orders",
        identifier: "api://orders/v2",
        scopes: [{ value: "read" }, { value: "write" }],
        grants: [{ clientApplicationId: c.client, scopes: ["read"] }],
      }),
    },
  },
  {
    resource: "IdaasFederatedCredentialProvider",
    provider: IdaasFederatedCredentialProviderProvider,
    v1: () => ({
      instanceId: emulator.eiamInstanceId,
      name: "cluster-1",
      oidc: {
        issuer: "https://oidc.example.com/c1",
        jwksUri: "https://oidc.example.com/c1/jwks",
        audiences: ["idaas"],
      },
    }),
    updates: {
      settings: () => ({
        instanceId: emulator.eiamInstanceId,
        name: "cluster-1",
        description: "d",
        oidc: {
          issuer: "https://oidc.example.com/c1",
          jwksUri: "https://oidc.example.com/c1/jwks",
          audiences: ["idaas", "b"],
        },
      }),
    },
  },
  {
    resource: "IdaasApplicationFederatedCredential",
    provider: IdaasApplicationFederatedCredentialProvider,
    setup: async () => {
      const app = await consoleApp("worker", true);
      const p = (await eiamConsole("CreateFederatedCredentialProvider", {
        FederatedCredentialProviderName: "cluster-1",
        FederatedCredentialProviderType: "oidc",
        "OidcProviderConfig.Issuer": "https://oidc.example.com/c1",
        "OidcProviderConfig.JwksSource": "dynamic",
        "OidcProviderConfig.JwksUri": "https://oidc.example.com/c1/jwks",
        "OidcProviderConfig.Audiences.1": "idaas",
      })) as { FederatedCredentialProviderId: string };
      return { app, provider: p.FederatedCredentialProviderId };
    },
    v1: (c) => ({
      instanceId: emulator.eiamInstanceId,
      applicationId: c.app,
      providerId: c.provider,
      name: "worker-sa",
      kubernetes: { namespace: "orders", serviceAccountName: "worker" },
    }),
    updates: {
      description: (c) => ({
        instanceId: emulator.eiamInstanceId,
        applicationId: c.app,
        providerId: c.provider,
        name: "worker-sa",
        description: "d",
        kubernetes: { namespace: "orders", serviceAccountName: "worker" },
      }),
    },
  },
  {
    resource: "FederationInventory",
    provider: FederationInventoryProvider,
    // Undeclared: a provider and two logins, which mode 'enforce' removes.
    setup: async () => {
      await emulator.console("ims", "CreateOIDCProvider", {
        OIDCProviderName: "stray",
        IssuerUrl: "https://stray.example.com",
        ClientIds: "sts.aliyuncs.com",
        Fingerprints: fp(9),
      });
      await emulator.console("ims", "ProvisionExternalApplication", {
        AppId: OFFICIAL_CLI_APP_IDS.cn,
        Scopes: "openid",
      });
      for (const u of ["alice", "mallory"]) {
        await emulator.console("ram", "CreateUser", { UserName: u });
        await emulator.console("ims", "CreateApplicationAssignment", {
          AppId: OFFICIAL_CLI_APP_IDS.cn,
          PrincipalType: "user",
          PrincipalName: `${u}@${emulator.accountId}.onaliyun.com`,
        });
      }
      return {};
    },
    v1: () => ({
      mode: "enforce",
      enforce: { oidcProviders: true, assignments: true },
      cliAssignments: [{ principalType: "user", principalName: "alice" }],
    }),
    updates: {},
  },
  {
    resource: "IdaasClientConfig",
    provider: IdaasClientConfigProvider,
    v1: () => ({
      instanceId: emulator.eiamInstanceId,
      clientId: "app_x",
      scope: "api://a|read",
      authnMethod: "OIDC",
      clientDeployEnvironment: "KUBERNETES",
      applicationFederatedCredentialName: "k",
    }),
    updates: {},
  },
];

// Ids, times, counters, hashes and secret values differ between runs; the rest is the account.
const VOLATILE =
  /(id|ids|time|date|ms|at|seq|hash|value|token|secret|created|updated|modified|arn|lastused|jti|key|pem|kid)$/i;
const SKIPPED_SERVICES = new Set(["oauth", "eiam-oauth", "sts"]);

function normalize(v: unknown): unknown {
  if (Array.isArray(v))
    return v
      .map(normalize)
      .map((x) => JSON.stringify(x))
      .sort();
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.test(k))
        .map(([k, x]) => [k, normalize(x)]),
    );
  return v;
}

async function account(): Promise<unknown> {
  const st = (await emulator.state()) as { services: Record<string, unknown> };
  return normalize(Object.fromEntries(Object.entries(st.services).filter(([k]) => !SKIPPED_SERVICES.has(k))));
}

async function fresh(row: Row): Promise<Ctx> {
  await emulator.reset();
  resetScimTokens();
  for (const r of ROWS) await r.provider.configure(configOf(config));
  const ctx = (await row.setup?.()) ?? {};
  return ctx;
}

type Op = {
  name: string;
  run: (row: Row, ctx: Ctx, held: Held | undefined) => Promise<{ held: Held | undefined; error?: unknown }>;
  decl: (row: Row) => Decl | undefined;
};

function opsOf(row: Row): Op[] {
  const ops: Op[] = [
    { name: "create", run: (r, c) => up(r.provider, undefined, r.v1(c)), decl: (r) => r.v1 },
  ];
  for (const [kind, decl] of Object.entries(row.updates))
    ops.push({ name: `update ${kind}`, run: (r, c, h) => up(r.provider, h, decl(c)), decl: () => decl });
  ops.push({ name: "delete", run: (r, _c, h) => destroy(r.provider, h), decl: () => undefined });
  return ops;
}

/** State before the operation: nothing for a create, the clean result of v1 otherwise. */
async function stateBefore(row: Row, op: Op, ctx: Ctx): Promise<Held | undefined> {
  if (op.name === "create") return undefined;
  const r = await up(row.provider, undefined, row.v1(ctx));
  if (r.error || !r.held) throw new Error(`${row.resource}: the clean create failed: ${String(r.error)}`);
  return r.held;
}

let cells = 0;
let passed = 0;

beforeAll(async () => {
  const wired = await startWired();
  emulator = wired.emulator;
  config = wired.config;
  // FederationInventory warns about what it finds; the engine shows that, the test does not need to.
  setWarningSink(() => undefined);
});
afterAll(async () => {
  setWarningSink(undefined);
  // Set FAULT_MATRIX_OUT=<file> to get the counts and every cell that failed.
  if (process.env.FAULT_MATRIX_OUT)
    appendFileSync(process.env.FAULT_MATRIX_OUT, `fault matrix: ${cells} cells, ${passed} passed\n`);
  await emulator?.close();
});

describe("fault matrix", () => {
  for (const row of ROWS)
    for (const op of opsOf(row))
      it(`${row.resource}: ${op.name}`, async () => {
        // The clean run: its call count gives the cells, its account is the oracle.
        let ctx = await fresh(row);
        let held = await stateBefore(row, op, ctx);
        await emulator.clearRequests();
        const clean = await op.run(row, ctx, held);
        expect(clean.error, String(clean.error)).toBeUndefined();
        const log = await emulator.requests();
        const calls = log.length;
        if (process.env.FAULT_MATRIX_OUT)
          appendFileSync(
            process.env.FAULT_MATRIX_OUT,
            `${row.resource}: ${op.name}: ${calls} calls (${log.map((r) => r.action).join(", ")})\n`,
          );
        const expected = await account();
        const problems: string[] = [];
        for (let k = 1; k <= calls; k++)
          for (const [kind, faults] of Object.entries(FAULT_KINDS)) {
            cells++;
            const cell = `k=${k} ${kind}`;
            ctx = await fresh(row);
            held = await stateBefore(row, op, ctx);
            for (const f of faults(k)) await emulator.injectFault(f);
            const first = await op.run(row, ctx, held);
            await emulator.clearFaults();
            // The re-run, from whatever state the failed run left.
            const decl = op.decl(row);
            const second = await rerun(row.provider, first.held, decl, ctx);
            const before0 = problems.length;
            if (second.error) problems.push(`${cell}: the re-run failed: ${(second.error as Error).message}`);
            else {
              const live = await account();
              if (JSON.stringify(live) !== JSON.stringify(expected))
                problems.push(
                  `${cell}: the account differs from a clean run: ${JSON.stringify(live)} vs ${JSON.stringify(expected)}`,
                );
              if (decl) {
                if (!second.held) problems.push(`${cell}: nothing in state`);
                else {
                  const drift = await refreshDiff(row.provider, second.held, decl(ctx));
                  if (drift.length > 0) problems.push(`${cell}: preview --refresh shows ${drift.join(", ")}`);
                  if (row.secretLive && !(await row.secretLive(second.held.outs, ctx)))
                    problems.push(`${cell}: state holds a secret that is not the one live secret`);
                }
              } else if (second.held) problems.push(`${cell}: still in state after destroy`);
            }
            // A create that died: `destroy` right after it must strand nothing either (a create
            // left pending is resolved by the delete: what it provably made goes).
            if (op.name === "create" && kind === "lost, then down") {
              ctx = await fresh(row);
              const bare = await account();
              for (const f of faults(k)) await emulator.injectFault(f);
              const died = await op.run(row, ctx, undefined);
              await emulator.clearFaults();
              const gone = await destroy(row.provider, died.held);
              if (gone.error)
                problems.push(`${cell}: destroy after the failure failed: ${(gone.error as Error).message}`);
              else if (JSON.stringify(await account()) !== JSON.stringify(bare))
                problems.push(`${cell}: destroy after the failure left objects behind`);
            }
            if (problems.length === before0) passed++;
          }
        if (problems.length > 0 && process.env.FAULT_MATRIX_OUT)
          appendFileSync(
            process.env.FAULT_MATRIX_OUT,
            `${row.resource}: ${op.name}\n  ${problems.join("\n  ")}\n`,
          );
        expect(problems).toEqual([]);
      });

  // Runs after every row (tests in a file run in order).
  it("covers every row, and every cell passes", () => {
    expect(cells).toBeGreaterThanOrEqual(200);
    expect(passed).toBe(cells);
  });
});

/**
 * The fault matrix again, every row's likely secret inputs marked secret: at every call k of every
 * operation, with every fault kind, nothing the provider hands the engine (the inputs a check adds,
 * outputs, ids, partial state, errors, a refresh after the re-run) holds one of their values in
 * plain text.
 *
 * The inputs of each row a program may well mark secret: names, descriptions, people, principals,
 * client ids and secrets. A row with none (an application chosen by site) is left out.
 */
const SECRET_INPUTS: Record<string, string[]> = {
  OidcProvider: ["oidcProviderName", "clientIds", "description"],
  OidcRole: ["roleName", "subjects", "description"],
  RamPolicy: ["policyName", "policyDocument", "description"],
  ApplicationAssignment: ["principalName"],
  ScimApplication: ["appName", "displayName"],
  ScimUser: ["userName", "displayName", "externalId", "clientSecret"],
  ScimDirectory: ["people", "peopleByName", "clientSecret"],
  IdaasM2mApplication: ["applicationName", "description"],
  IdaasResourceServer: ["applicationName", "identifier", "scopes"],
  IdaasFederatedCredentialProvider: ["name"],
  IdaasApplicationFederatedCredential: ["name", "kubernetes"],
  FederationInventory: ["cliAssignments"],
  IdaasClientConfig: ["clientId", "scope"],
};

/** The string values inside `v` (a secret input: a list, a map of people), 2 characters or more. */
function stringsIn(v: unknown, depth = 0): string[] {
  if (typeof v === "string") return v.length >= 2 ? [v] : [];
  if (!v || typeof v !== "object" || depth > 8) return [];
  return Object.values(v).flatMap((x) => stringsIn(x, depth + 1));
}

/** `p`, recording everything it hands the engine: check's carried inputs, outputs, ids, errors. */
function recording(p: ProviderImpl, seen: Array<{ where: string; value: unknown }>): ProviderImpl {
  const note = (where: string, value: unknown) => seen.push({ where, value });
  const trap = async <R>(where: string, f: () => Promise<R>): Promise<R> => {
    try {
      return await f();
    } catch (e) {
      const x = e as { message?: unknown; id?: unknown; properties?: unknown };
      note(`${where} error`, { message: x.message, id: x.id, properties: x.properties });
      throw e;
    }
  };
  return {
    async check(olds, news) {
      const r = await p.check(olds, news);
      // What the program gave is stored as the program marked it; what the check added is ours.
      const added = Object.entries((r.inputs ?? {}) as Record<string, unknown>).filter(([k]) => !(k in news));
      note("check", Object.fromEntries(added));
      return r;
    },
    diff: (id, olds, news) => p.diff(id, olds, news),
    create: (inputs) =>
      trap("create", async () => {
        const r = await p.create(inputs);
        note("create", { id: r.id, outs: r.outs });
        return r;
      }),
    read: (id, props) =>
      trap("read", async () => {
        const r = await p.read(id, props);
        note("read", r);
        return r;
      }),
    update: (id, olds, news) =>
      trap("update", async () => {
        const r = await p.update(id, olds, news);
        note("update", r);
        return r;
      }),
    delete: (id, props) => trap("delete", () => p.delete(id, props)),
  };
}

/**
 * Where `seen` shows one of `secrets` in plain text, by the library's rule (validation.ts): a
 * value of 8 characters or more anywhere (any case) outside a value stored as a secret; a shorter
 * one as a whole value, as a whole word of an id, or as a whole word of an error's text.
 */
function plainSecrets(seen: Array<{ where: string; value: unknown }>, secrets: readonly string[]): string[] {
  const long = secrets.filter((v) => v.length >= 8).map((v) => v.toLowerCase());
  const short = new Set(secrets.filter((v) => v.length < 8).map((v) => v.toLowerCase()));
  const word = (text: string, v: string) =>
    new RegExp(`(?<![a-z0-9])${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9])`).test(text);
  const found: string[] = [];
  const walk = (where: string, v: unknown, key: string, depth: number) => {
    if (isSecretWire(v)) return;
    if (typeof v === "string") {
      const t = v.toLowerCase();
      const whole = key === "id" || key === "message";
      for (const s of long) if (t.includes(s)) found.push(`${where}.${key} holds '${s}'`);
      for (const s of short)
        if ((t === s && s.length >= 4) || (whole && word(t, s))) found.push(`${where}.${key} holds '${s}'`);
    } else if (v && typeof v === "object" && depth < 10)
      for (const [k, x] of Object.entries(v)) walk(where, x, Array.isArray(v) ? key : k, depth + 1);
  };
  for (const { where, value } of seen) walk(where, value, "", 0);
  return [...new Set(found)];
}

describe("fault matrix, with the inputs a program marks secret", () => {
  // A new pin set changes nothing secret that the settings update does not (and each of its
  // checks reads the issuer's chain: 30 s of the suite).
  for (const row of ROWS.filter((r) => SECRET_INPUTS[r.resource]))
    for (const op of opsOf(row).filter(
      (o) => `${row.resource}: ${o.name}` !== "OidcProvider: update fingerprints",
    ))
      it(`${row.resource}: ${op.name}: no secret in plain text at any call k`, async () => {
        const names = SECRET_INPUTS[row.resource]!;
        const secretly =
          (d: Decl): Decl =>
          (c) => ({ ...d(c), secretInputs: names.filter((n) => n in d(c)) });
        const marked: Row = {
          ...row,
          v1: secretly(row.v1),
          updates: Object.fromEntries(Object.entries(row.updates).map(([k, d]) => [k, secretly(d)])),
        };
        const markedOp = opsOf(marked).find((o) => o.name === op.name)!;
        let ctx = await fresh(row);
        let held = await stateBefore(marked, markedOp, ctx);
        await emulator.clearRequests();
        const clean = await markedOp.run(marked, ctx, held);
        expect(clean.error, String(clean.error)).toBeUndefined();
        const calls = (await emulator.requests()).length;
        const problems: string[] = [];
        for (let k = 1; k <= calls; k++)
          for (const [kind, faults] of Object.entries(FAULT_KINDS)) {
            ctx = await fresh(row);
            // The values the program marks secret, in the declarations before and after.
            const decls = [marked.v1, markedOp.decl(marked)].filter((d): d is Decl => d !== undefined);
            const secrets = [...new Set(decls.flatMap((d) => names.flatMap((n) => stringsIn(d(ctx)[n]))))];
            held = await stateBefore(marked, markedOp, ctx);
            const seen: Array<{ where: string; value: unknown }> = [];
            const watched: Row = { ...marked, provider: recording(row.provider, seen) as Row["provider"] };
            for (const f of faults(k)) await emulator.injectFault(f);
            const first = await markedOp.run(watched, ctx, held);
            await emulator.clearFaults();
            // The next run (no check before a delete), and the refresh after it.
            const decl = markedOp.decl(marked);
            const second = await rerun(watched.provider, first.held, decl, ctx);
            if (decl && second.held) await refreshDiff(watched.provider, second.held, decl(ctx));
            for (const leak of plainSecrets(seen, secrets)) problems.push(`k=${k} ${kind}: ${leak}`);
          }
        expect([...new Set(problems)]).toEqual([]);
      });
});
