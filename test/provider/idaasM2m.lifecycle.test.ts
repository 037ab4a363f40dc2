/**
 * IdaasM2mApplication, IdaasClientSecret, IdaasResourceServer and IdaasClientConfig through the
 * emulator's EIAM service: exact calls per lifecycle step, drift after console edits, secret
 * rotation that never leaves the app without a working secret, and tokens from the instance's
 * token endpoint proving the grants are real.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { setWarningSink } from "../../provider/diagnostics";
import {
  IdaasClientConfigProvider as Cfg,
  checkIdaasClientConfigInputs,
  type IdaasClientConfigOutputs,
} from "../../provider/resources/idaasClientConfig";
import {
  checkIdaasClientSecretInputs,
  type IdaasClientSecretOutputs,
  IdaasClientSecretProvider as Sec,
} from "../../provider/resources/idaasClientSecret";
import {
  IdaasM2mApplicationProvider as App,
  checkIdaasM2mApplicationInputs,
  type IdaasM2mApplicationOutputs,
} from "../../provider/resources/idaasM2mApplication";
import {
  checkIdaasResourceServerInputs,
  type IdaasResourceServerOutputs,
  IdaasResourceServerProvider as Rs,
} from "../../provider/resources/idaasResourceServer";
import { isSecretWire } from "../../provider/secretWire";
import { emulatorOnly, named, needsEiamInstance, onEmulator } from "../target";
import { unsealed } from "./engine";
import { configOf, startWired } from "./harness";

const SERVICE = "eiam";
const eiam = needsEiamInstance();
const tokens = emulatorOnly("tokens from the IDaaS token endpoint, reached at the emulator's own URL");
// Names and the resource server's identifier carry the run's prefix in live mode (test/target.ts).
const ORDERS = `api://${named("orders")}`;
let emulator: Emulator;
let instanceId: string;
let dir: string;

beforeAll(async () => {
  const wired = await startWired();
  emulator = wired.emulator;
  instanceId = emulator.eiamInstanceId;
  for (const p of [App, Sec, Rs, Cfg]) await p.configure(configOf(wired.config));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-idaas-cfg-"));
});
afterAll(async () => {
  await emulator?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emulator.reset();
  await emulator.clearFaults();
  await emulator.clearRequests();
});

const calls = async () => (await emulator.requests({ service: SERVICE })).map((r) => r.action);
/** Exactly these calls, checked against an emulator of the suite's own (no log in live mode). */
const expectCalls = (expected: string[]) => onEmulator(async () => expect(await calls()).toEqual(expected));
const eiamConsole = (action: string, params: Record<string, unknown>) =>
  emulator.console(SERVICE, action, { InstanceId: instanceId, ...params }) as Promise<
    Record<string, unknown>
  >;

function checked<T>(
  check: (n: Record<string, unknown>) => { inputs: Record<string, unknown>; failures: unknown[] },
  news: Record<string, unknown>,
): T {
  const { inputs, failures } = check(news);
  expect(failures).toEqual([]);
  return inputs as T;
}

async function newApp(name = "reporting"): Promise<IdaasM2mApplicationOutputs> {
  const inputs = checked<Record<string, unknown>>(checkIdaasM2mApplicationInputs, {
    instanceId,
    applicationName: named(name),
  });
  return (await App.create(inputs)).outs;
}

/** Asks the instance's token endpoint (client_secret_post). */
async function token(
  clientId: string,
  secret: string,
  scope: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emulator.url}/api/v2/iauths_system/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: secret,
      scope,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

eiam.describe("IdaasM2mApplication", () => {
  it("create: CreateApplication + EnableApplicationM2MClient + GetApplication (for the client id)", async () => {
    const app = await newApp();
    await expectCalls(["CreateApplication", "EnableApplicationM2MClient", "GetApplication"]);
    expect(app.applicationId).toMatch(/^app_/);
    expect(app.clientId).not.toBe("");
    const live = await eiamConsole("GetApplication", { ApplicationId: app.applicationId });
    expect((live.Application as Record<string, unknown>).M2MClientStatus).toBe("enabled");
  });

  it("read is one GetApplication and shows no diff; a console disable is drift that update repairs with one call", async () => {
    const app = await newApp();
    await emulator.clearRequests();
    const read = await App.read(app.applicationId, app);
    await expectCalls(["GetApplication"]);
    expect(await App.diff(app.applicationId, read.props, app as never)).toMatchObject({ changes: false });
    await eiamConsole("DisableApplicationM2MClient", { ApplicationId: app.applicationId });
    const drifted = await App.read(app.applicationId, app);
    const diff = await App.diff(app.applicationId, drifted.props, app as never);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    await emulator.clearRequests();
    await App.update(app.applicationId, drifted.props, app as never);
    await expectCalls(["EnableApplicationM2MClient"]);
  });

  it("rename and description: one call each; another instance replaces", async () => {
    const app = await newApp();
    await emulator.clearRequests();
    const news = { ...app, applicationName: named("reporting-v2"), description: "new" };
    await App.update(app.applicationId, app, news as never);
    await expectCalls(["UpdateApplicationInfo", "UpdateApplicationDescription"]);
    const live = (await eiamConsole("GetApplication", { ApplicationId: app.applicationId }))
      .Application as Record<string, unknown>;
    expect(live).toMatchObject({ ApplicationName: named("reporting-v2"), Description: "new" });
    const other = await App.diff(app.applicationId, app, {
      ...app,
      instanceId: "idaas_zzzzzzzzzzzzzzzzzzzzzzzzzz",
    } as never);
    expect(other.replaces).toEqual(["instanceId"]);
  });

  it("read of a deleted application answers id '' (Pulumi then recreates it); delete tolerates it", async () => {
    const app = await newApp();
    await eiamConsole("DeleteApplication", { ApplicationId: app.applicationId });
    expect((await App.read(app.applicationId, app)).id).toBe("");
    await emulator.clearRequests();
    await App.delete(app.applicationId, app);
    await expectCalls(["DeleteApplication"]);
  });

  emulatorOnly("a fault injected by the emulator").test(
    "a failure after CreateApplication records the application as partial state; the next up finishes it",
    async () => {
      await emulator.injectFault({
        service: SERVICE,
        action: "EnableApplicationM2MClient",
        kind: "server-error",
        count: 10,
      });
      const inputs = checked<Record<string, unknown>>(checkIdaasM2mApplicationInputs, {
        instanceId,
        applicationName: "x",
      });
      const err = await App.create(inputs).catch((e) => e);
      expect(err.message).toMatch(/EnableApplicationM2MClient/);
      expect(err.properties).toMatchObject({ m2mClientEnabled: false, clientId: "" });
      await emulator.clearFaults();
      // The engine records it and runs update on it next time: no second application.
      const { outs } = await App.update(err.id, err.properties, inputs);
      expect(outs).toMatchObject({ applicationId: err.id, m2mClientEnabled: true });
      expect(outs.clientId).not.toBe("");
      const list = await eiamConsole("ListApplications", {});
      expect(list.TotalCount).toBe(1);
    },
  );
});

eiam.describe("IdaasClientSecret", () => {
  async function newSecret(app: IdaasM2mApplicationOutputs, version = 1): Promise<IdaasClientSecretOutputs> {
    const inputs = checked<Record<string, unknown>>(checkIdaasClientSecretInputs, {
      instanceId,
      applicationId: app.applicationId,
      version,
    });
    return (await Sec.create(inputs)).outs;
  }

  tokens.test(
    "create is two calls (the list that makes a lost answer recoverable, the create); the value works at the token endpoint and never reaches the request log",
    async () => {
      const app = await newApp();
      const rs = await newRs([{ clientApplicationId: app.applicationId, scopes: ["orders:read"] }]);
      await emulator.clearRequests();
      const secret = await newSecret(app);
      await expectCalls(["ListApplicationClientSecrets", "CreateApplicationClientSecret"]);
      expect(secret.clientSecret.length).toBeGreaterThanOrEqual(32);
      const got = await token(secret.clientId, secret.clientSecret, `${rs.identifier}|orders:read`);
      expect(got.status).toBe(200);
      expect(claims(String(got.body.access_token))).toMatchObject({
        aud: rs.identifier,
        scope: "orders:read",
      });
      expect(JSON.stringify(await emulator.requests())).not.toContain(secret.clientSecret);
    },
  );

  tokens.test(
    "rotation (version bump) replaces create-first: both work in between, the old one stops after",
    async () => {
      const app = await newApp();
      const rs = await newRs([{ clientApplicationId: app.applicationId, scopes: ["*"] }]);
      const old = await newSecret(app, 1);
      const diff = await Sec.diff(old.secretId, old, { ...old, version: 2 } as never);
      expect(diff).toEqual({ changes: true, replaces: ["version"], deleteBeforeReplace: false });
      const fresh = await newSecret(app, 2); // the engine creates the replacement first...
      const scope = `${rs.identifier}|.all`;
      expect((await token(old.clientId, old.clientSecret, scope)).status).toBe(200);
      expect((await token(fresh.clientId, fresh.clientSecret, scope)).status).toBe(200);
      await emulator.clearRequests();
      await Sec.delete(old.secretId, old); // ...then deletes the old one
      await expectCalls(["DeleteApplicationClientSecret"]);
      expect((await token(old.clientId, old.clientSecret, scope)).status).toBe(401);
      expect((await token(fresh.clientId, fresh.clientSecret, scope)).status).toBe(200);
    },
  );

  it("a third secret is refused with a message naming the limit of two", async () => {
    const app = await newApp();
    await newSecret(app);
    await newSecret(app);
    await expect(newSecret(app)).rejects.toThrow(/at most 2 client secrets/);
  });

  it("read is one List call; a secret deleted out of band reads as gone, a disabled one is drift", async () => {
    const app = await newApp();
    const s = await newSecret(app);
    await emulator.clearRequests();
    const read = await Sec.read(s.secretId, s);
    await expectCalls(["ListApplicationClientSecrets"]);
    expect(read.props).toMatchObject({ enabled: true, clientSecret: s.clientSecret });
    await eiamConsole("DisableApplicationClientSecret", {
      ApplicationId: app.applicationId,
      SecretId: s.secretId,
    });
    const disabled = await Sec.read(s.secretId, s);
    expect((await Sec.diff(s.secretId, disabled.props, s as never)).changes).toBe(true);
    await emulator.clearRequests();
    await Sec.update(s.secretId, disabled.props, s as never);
    await expectCalls(["EnableApplicationClientSecret"]);
    await eiamConsole("DeleteApplicationClientSecret", {
      ApplicationId: app.applicationId,
      SecretId: s.secretId,
    });
    expect((await Sec.read(s.secretId, s)).id).toBe("");
  });

  it("expiresAt: one day ahead passes, a minute less fails; three years passes, a day more fails", () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const day = 86_400_000;
    const errs = (expiresAt: string) =>
      checkIdaasClientSecretInputs({ instanceId, applicationId: "app_x", expiresAt }).failures.map(
        (f) => f.reason,
      );
    expect(errs(at(day + 60_000))).toEqual([]);
    expect(errs(at(day - 60_000))[0]).toContain("at least 1 day");
    expect(errs(at(3 * 365 * day - 60_000))).toEqual([]);
    expect(errs(at(3 * 365 * day + day))[0]).toContain("at most 3 years");
    expect(errs("next tuesday")[0]).toContain("ISO 8601");
  });

  it("expiresAt is judged against the clock when set, not at every preview; near expiry preview warns", async () => {
    const hour = 3_600_000;
    const soon = new Date(Date.now() + 4.5 * hour).toISOString();
    const olds = { instanceId, applicationId: "app_x", expiresAt: soon, version: 1 };
    // Set now, 5 hours ahead: refused (a secret must live at least a day).
    expect((await Sec.check({}, { ...olds })).failures?.map((f) => f.reason)).toEqual([
      "expiresAt: is less than 1 day from now: a secret must live at least 1 day",
    ]);
    // The same value on a secret that exists (it was set long ago): no failure, one warning.
    const warnings: string[] = [];
    setWarningSink((m) => warnings.push(m));
    try {
      expect((await Sec.check(olds, { ...olds })).failures).toEqual([]);
      expect(warnings).toEqual([
        `IdaasClientSecret of application app_x expires at ${soon}, in 4 hours; set a later expiresAt and bump version to rotate it (the new secret is created before the old one is deleted)`,
      ]);
      // Already expired: still no failure, a warning saying so.
      const past = new Date(Date.now() - hour).toISOString();
      expect((await Sec.check({ ...olds, expiresAt: past }, { ...olds, expiresAt: past })).failures).toEqual(
        [],
      );
      expect(warnings[1]).toContain(`expired at ${past}`);
      // Far from expiry: silent.
      const later = new Date(Date.now() + 30 * 24 * hour).toISOString();
      await Sec.check({ ...olds, expiresAt: later }, { ...olds, expiresAt: later });
      expect(warnings).toHaveLength(2);
      // Rotating (version bumped) creates a secret with that expiresAt: judged again.
      expect((await Sec.check(olds, { ...olds, version: 2 })).failures?.[0]?.reason).toContain(
        "at least 1 day",
      );
      // The format is judged always.
      expect(
        (await Sec.check({ ...olds, expiresAt: "soon" }, { ...olds, expiresAt: "soon" })).failures?.[0]
          ?.reason,
      ).toContain("ISO 8601");
    } finally {
      setWarningSink(undefined);
    }
  });

  it("re-enabling a secret that expires within a day works (update does not judge the clock)", async () => {
    const app = await newApp("near");
    const inputs = {
      instanceId,
      applicationId: app.applicationId,
      expiresAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      version: 1,
    };
    const s = (await Sec.create(inputs)).outs;
    const near = { ...s, expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    // State says it expires in an hour (time passed); update must not refuse its own inputs.
    await expect(
      Sec.update(s.secretId, { ...near, enabled: false }, { ...near } as never),
    ).resolves.toBeDefined();
  });
});

async function newRs(
  grants: Array<{ clientApplicationId: string; scopes: string[] }> = [],
): Promise<IdaasResourceServerOutputs> {
  const inputs = checked<Record<string, unknown>>(checkIdaasResourceServerInputs, {
    instanceId,
    applicationName: named("orders-api"),
    identifier: ORDERS,
    scopes: [{ value: "orders:read", name: "Read" }, { value: "orders:write" }],
    grants,
  });
  return (await Rs.create(inputs)).outs;
}

eiam.describe("IdaasResourceServer", () => {
  it("scopes the program marks secret: the scope ids, keyed by each short scope value, are stored as a secret too", async () => {
    const check = await Rs.check(
      {},
      {
        instanceId,
        applicationName: named("orders-api"),
        identifier: ORDERS,
        scopes: [{ value: "read" }],
        grants: [],
        secretInputs: ["scopes"],
      },
    );
    expect(check.failures ?? []).toEqual([]);
    const made = await Rs.create(unsealed(check.inputs) as never);
    const outs = made.outs as unknown as Record<string, unknown>;
    expect(Object.keys(unsealed(outs.scopeIds) as object)).toEqual(["read"]);
    expect(isSecretWire(outs.scopeIds)).toBe(true);
    expect(isSecretWire(outs.scopes)).toBe(true);
    expect(outs.secretOutputs).toEqual(["scopeIds", "scopes"]);
  });

  it("create: app, enable, identifier, one call per scope, one grant call per client", async () => {
    const a = await newApp("a");
    const b = await newApp("b");
    await emulator.clearRequests();
    const rs = await newRs([
      { clientApplicationId: a.applicationId, scopes: ["orders:read", "orders:write"] },
      { clientApplicationId: b.applicationId, scopes: ["orders:read"] },
    ]);
    await expectCalls([
      "CreateApplication",
      "EnableApplicationResourceServer",
      "SetApplicationResourceServerIdentifier",
      "CreateResourceServerScope",
      "CreateResourceServerScope",
      "AuthorizeResourceServerScopesToClient",
      "AuthorizeResourceServerScopesToClient",
    ]);
    expect(Object.keys(rs.scopeIds).sort()).toEqual(["orders:read", "orders:write"]);
  });

  tokens.test(
    "grants are real: a client gets exactly its scopes, and changes converge with the fewest calls",
    async () => {
      const a = await newApp("a");
      const secret = (
        await Sec.create(
          checked(checkIdaasClientSecretInputs, { instanceId, applicationId: a.applicationId }),
        )
      ).outs;
      const rs = await newRs([{ clientApplicationId: a.applicationId, scopes: ["orders:read"] }]);
      expect((await token(secret.clientId, secret.clientSecret, `${ORDERS}|orders:read`)).status).toBe(200);
      expect((await token(secret.clientId, secret.clientSecret, `${ORDERS}|orders:write`)).status).toBe(400);
      // Grant write, take read away, add a scope, rename one.
      const news = checked<IdaasResourceServerOutputs>(checkIdaasResourceServerInputs, {
        instanceId,
        applicationName: named("orders-api"),
        identifier: ORDERS,
        scopes: [
          { value: "orders:read", name: "Read orders" },
          { value: "orders:write" },
          { value: "orders:admin" },
        ],
        grants: [{ clientApplicationId: a.applicationId, scopes: ["orders:write", "orders:admin"] }],
      });
      expect((await Rs.diff(rs.applicationId, rs, news as never)).changes).toBe(true);
      await emulator.clearRequests();
      const { outs } = await Rs.update(rs.applicationId, rs, news as never);
      await expectCalls([
        "UpdateResourceServerScope",
        "CreateResourceServerScope",
        "AuthorizeResourceServerScopesToClient",
        "RevokeResourceServerScopesFromClient",
      ]);
      const all = await token(secret.clientId, secret.clientSecret, `${ORDERS}|.all`);
      expect(String(all.body.scope).split(" ").sort()).toEqual(["orders:admin", "orders:write"]);
      expect(
        (await Rs.diff(rs.applicationId, (await Rs.read(rs.applicationId, outs)).props, news as never))
          .changes,
      ).toBe(false);
    },
  );

  it("read: GetApplication + ListResourceServerScopes; console edits (identifier, a deleted scope) are drift", async () => {
    const rs = await newRs();
    await emulator.clearRequests();
    const read = await Rs.read(rs.applicationId, rs);
    await expectCalls(["GetApplication", "ListResourceServerScopes"]);
    expect((await Rs.diff(rs.applicationId, read.props, rs as never)).changes).toBe(false);
    await eiamConsole("SetApplicationResourceServerIdentifier", {
      ApplicationId: rs.applicationId,
      ResourceServerIdentifier: `api://${named("hijacked")}`,
    });
    await eiamConsole("DeleteResourceServerScope", {
      ApplicationId: rs.applicationId,
      ResourceServerScopeId: rs.scopeIds["orders:write"],
    });
    const drifted = await Rs.read(rs.applicationId, rs);
    const diff = await Rs.diff(rs.applicationId, drifted.props, rs as never);
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toEqual([]);
    await emulator.clearRequests();
    await Rs.update(rs.applicationId, drifted.props, rs as never);
    await expectCalls(["SetApplicationResourceServerIdentifier", "CreateResourceServerScope"]);
  });

  it("check: grants must name declared scopes; scope values at 64 pass, 65 fail; '|' and '.all' refused", () => {
    const base = { instanceId, applicationName: "x", identifier: "api://x" };
    const fails = (extra: Record<string, unknown>) =>
      checkIdaasResourceServerInputs({ ...base, ...extra }).failures;
    expect(fails({ scopes: [{ value: "a".repeat(64) }] })).toEqual([]);
    expect(fails({ scopes: [{ value: "a".repeat(65) }] })[0]?.reason).toContain("at most 64");
    expect(fails({ scopes: [{ value: "a|b" }] })[0]?.property).toBe("scopes[0].value");
    expect(fails({ scopes: [{ value: ".all" }] })[0]?.reason).toContain("reserved");
    expect(fails({ scopes: [], identifier: "api x" }).map((f) => f.property)).toEqual([
      "identifier",
      "scopes",
    ]);
    expect(
      fails({ scopes: [{ value: "r" }], grants: [{ clientApplicationId: "app_1", scopes: ["w"] }] }),
    ).toEqual([
      { property: "grants[0].scopes[0]", reason: "'w' is not one of this resource server's scopes" },
    ]);
  });
});

eiam.describe("IdaasClientConfig", () => {
  /** The README example's declaration: a Kubernetes workload, no file. */
  const readmeConfig = () => ({
    instanceId,
    clientId: "app_client",
    scope: `${ORDERS}|orders:read`,
    authnMethod: "OIDC",
    clientDeployEnvironment: "KUBERNETES",
    applicationFederatedCredentialName: "orders-worker-sa",
  });

  it("create: one GetInstance for the issuer; the file holds names, not secrets; drift on disk is repaired", async () => {
    const file = path.join(dir, "reporting", "client-config.json");
    const inputs = checked<Record<string, unknown>>(checkIdaasClientConfigInputs, {
      instanceId,
      clientId: "app_client",
      scope: `${ORDERS}|orders:read`,
      authnMethod: "CLIENT_SECRET_POST",
      clientSecretEnvVarName: "REPORTING_CLIENT_SECRET",
      path: file,
    });
    const { outs } = await Cfg.create(inputs);
    await expectCalls(["GetInstance"]);
    const written = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(written).toEqual(outs.config);
    expect(written).toMatchObject({
      idaasInstanceId: instanceId,
      clientId: "app_client",
      tokenEndpoint: expect.stringMatching(/^https:\/\/.+\/api\/v2\/iauths_system\/oauth2\/token$/),
      authnConfiguration: {
        authnMethod: "CLIENT_SECRET_POST",
        clientSecretEnvVarName: "REPORTING_CLIENT_SECRET",
      },
    });
    // No change: no diff, and read touches no API.
    await emulator.clearRequests();
    const read = await Cfg.read("id", outs);
    await expectCalls([]);
    expect((await Cfg.diff("id", read.props, inputs)).changes).toBe(false);
    // Someone edits the file: drift; update rewrites it.
    fs.writeFileSync(file, "{}");
    const drifted = (await Cfg.read("id", outs)).props as IdaasClientConfigOutputs;
    expect((await Cfg.diff("id", drifted, inputs)).changes).toBe(true);
    await Cfg.update("id", drifted, inputs);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(outs.config);
    await Cfg.delete("id", outs);
    expect(fs.existsSync(file)).toBe(false);
  });
  it("without path (the README example) it is created, writes no file, and check passes its own inputs", async () => {
    const before = fs.readdirSync(process.cwd());
    const { inputs, failures } = await Cfg.check({}, readmeConfig());
    expect(failures).toEqual([]);
    const { outs } = await Cfg.create(inputs as Record<string, unknown>);
    expect(outs.path).toBe("");
    expect(outs.json).toContain('"authnMethod": "OIDC"');
    expect(fs.readdirSync(process.cwd())).toEqual(before);
    // State written by older versions has path "": still no file, no diff.
    expect((await Cfg.diff("id", outs, { ...(inputs as object), path: "" })).changes).toBe(false);
    await Cfg.delete("id", outs);
  });

  it("a path the program marks secret: a file error names its directory masked", async () => {
    // A file where a directory belongs: mkdir fails naming a directory of the path, not the path.
    const base = path.join(dir, "secret-path");
    fs.mkdirSync(base, { recursive: true });
    fs.writeFileSync(path.join(base, "blocker"), "");
    const secretPath = path.join(base, "blocker", "acme-payments", "client-config.json");
    const { inputs, failures } = await Cfg.check(
      {},
      { ...readmeConfig(), path: secretPath, secretInputs: ["path"] },
    );
    expect(failures).toEqual([]);
    const err = await Cfg.create(unsealed(inputs) as Record<string, unknown>).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/ENOTDIR/);
    expect(err?.message).not.toContain("acme-payments");
    expect(err?.message).not.toContain(base);
  });

  it("a secret where a name belongs is refused by what it is, not by its shape", async () => {
    const app = await newApp("cfgsecret");
    const secret = (
      await Sec.create({ instanceId, applicationId: app.applicationId, expiresAt: "", version: 1 })
    ).outs;
    const base = {
      instanceId,
      clientId: app.clientId,
      scope: `${ORDERS}|orders:read`,
      authnMethod: "CLIENT_SECRET_POST",
    };
    const reasons = async (extra: Record<string, unknown>) =>
      ((await Cfg.check({}, { ...base, ...extra })).failures ?? []).map((f) =>
        f.property === "" ? f.reason : `${f.property}: ${f.reason}`,
      );
    // The emulator's secrets have the documented form (CS + letters and digits).
    expect(secret.clientSecret).toMatch(/^CS[A-Za-z0-9]{36}$/);
    // The very secret this provider created: refused as what it is.
    expect(await reasons({ clientSecretEnvVarName: secret.clientSecret })).toEqual([
      "clientSecretEnvVarName: is a secret this stack holds, not a name: give the NAME of the environment variable that will hold it (e.g. IDAAS_CLIENT_SECRET); the config never holds a secret",
    ]);
    // One this process never saw, of the same format: refused by its format.
    expect(await reasons({ clientSecretEnvVarName: "CSEHDcHcrUKHw1CuxkJEHPveWRXBGqVqRs4x7Q" })).toEqual([
      "clientSecretEnvVarName: has the format of an IDaaS client secret ('CS' then letters and digits), not of a name: give the NAME of the environment variable that will hold it (e.g. IDAAS_CLIENT_SECRET); the config never holds a secret",
    ]);
    // A Pulumi secret in the program (the resource class names it in secretInputs).
    expect(
      await reasons({
        clientSecretEnvVarName: "LOOKS_LIKE_A_NAME",
        secretInputs: ["clientSecretEnvVarName"],
      }),
    ).toEqual([
      "clientSecretEnvVarName: is a Pulumi secret (for example an IdaasClientSecret's clientSecret), so it is a value, not a name: give the NAME of the environment variable that will hold it (e.g. IDAAS_CLIENT_SECRET); the config never holds a secret",
    ]);
    // Real names pass, including ones starting with CS that are not secret-shaped.
    expect(await reasons({ clientSecretEnvVarName: "CS_CLIENT_SECRET" })).toEqual([]);
    expect(await reasons({ clientSecretEnvVarName: "REPORTING_CLIENT_SECRET" })).toEqual([]);
  });
});

eiam.describe("IdaasResourceServer scope values that name an object's inherited members", () => {
  it("'constructor' and 'toString' are scopes like any other; '__proto__' is refused at check", async () => {
    const a = await newApp("a");
    const declare = (values: string[]) =>
      checked<IdaasResourceServerOutputs>(checkIdaasResourceServerInputs, {
        instanceId,
        applicationName: named("odd-scopes"),
        identifier: `api://${named("odd")}`,
        scopes: values.map((value) => ({ value })),
        grants: [{ clientApplicationId: a.applicationId, scopes: values }],
      });
    await emulator.clearRequests();
    const rs = (await Rs.create(declare(["constructor", "toString"]) as never)).outs;
    await onEmulator(async () =>
      expect((await calls()).filter((c) => c === "CreateResourceServerScope")).toHaveLength(2),
    );
    expect(Object.keys(rs.scopeIds).sort()).toEqual(["constructor", "toString"]);
    const read = await Rs.read(rs.applicationId, rs);
    expect(
      (await Rs.diff(rs.applicationId, read.props, declare(["constructor", "toString"]) as never)).changes,
    ).toBe(false);
    await emulator.clearRequests();
    const { outs } = await Rs.update(
      rs.applicationId,
      read.props as never,
      declare(["constructor"]) as never,
    );
    // A deleted scope takes its grants with it: no revoke first.
    await expectCalls(["DeleteResourceServerScope"]);
    expect(Object.keys(outs.scopeIds)).toEqual(["constructor"]);
    const refused = checkIdaasResourceServerInputs({
      instanceId,
      applicationName: "odd-scopes",
      identifier: "api://odd",
      scopes: [{ value: "__proto__" }],
    }).failures;
    expect(refused).toEqual([
      expect.objectContaining({
        reason: expect.stringContaining("'__proto__' cannot be kept in Pulumi state"),
      }),
    ]);
  });
});
