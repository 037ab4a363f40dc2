/**
 * The five ways a half-finished `up` stranded a stack (issue "every operation survives a failure
 * at any call"), each driven as the engine drives the provider: the failing run, then the re-run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetScimTokens } from "../../provider/client/scim";
import { ApplicationAssignmentProvider as Assign } from "../../provider/resources/applicationAssignment";
import { IdaasM2mApplicationProvider as M2m } from "../../provider/resources/idaasM2mApplication";
import { IdaasResourceServerProvider as Rs } from "../../provider/resources/idaasResourceServer";
import { OFFICIAL_CLI_APP_IDS } from "../../provider/resources/officialCliApplication";
import { OidcRoleProvider as Role } from "../../provider/resources/oidcRole";
import { ScimApplicationProvider as ScimApp } from "../../provider/resources/scimApplication";
import { ScimUserProvider as User } from "../../provider/resources/scimUser";
import { type Held, type ProviderImpl, refreshDiff, up } from "./engine";
import { configOf, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;

beforeAll(async () => {
  ({ emulator, config } = await startWired());
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  resetScimTokens();
  for (const p of [Assign, M2m, Rs, Role, ScimApp, User]) await p.configure(configOf(config));
});

const eiam = (action: string, params: Record<string, string> = {}) =>
  emulator.console("eiam", action, { InstanceId: emulator.eiamInstanceId, ...params }) as Promise<
    Record<string, unknown>
  >;
const ok = async (p: ProviderImpl, held: Held | undefined, news: Record<string, unknown>) => {
  const r = await up(p, held, news);
  if (r.error) throw r.error;
  return r.held as Held;
};

describe("lost responses make no duplicates", () => {
  it("IdaasM2mApplication: a lost CreateApplication answer still leaves exactly one application", async () => {
    await emulator.injectFault({ action: "CreateApplication", kind: "lost", count: 1 });
    const held = await ok(M2m, undefined, { instanceId: emulator.eiamInstanceId, applicationName: "worker" });
    const apps = (await eiam("ListApplications")).Applications as { ApplicationId: string }[];
    expect(apps.map((a) => a.ApplicationId)).toEqual([held.id]);
  });

  it("ScimUser: a lost POST /Users answer is the user it made, not a 409 telling it to adopt itself", async () => {
    const app = await ok(ScimApp, undefined, { appName: "directory-sync" });
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "lost", count: 1 });
    const decl = {
      userName: "alice",
      externalId: "emp-1",
      clientId: app.outs.clientId,
      clientSecret: app.outs.clientSecret,
    };
    const held = await ok(User, undefined, decl);
    expect(held.outs).toMatchObject({ userName: "alice", externalId: "emp-1" });
    expect(await refreshDiff(User, held, decl)).toEqual([]);
  });
});

describe("half-finished multi-call operations do not strand the stack", () => {
  it("OidcRole: a policy missing at attach keeps the role in state; fixing the name converges, no 'already exists'", async () => {
    const decl = (type: string, name: string) => ({
      roleName: "deployer",
      providerArn: "acs:ram::1234567890123456:oidc-provider/github",
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      policies: [{ type, name }],
    });
    // A misspelt system policy is refused by check, before any write.
    await expect(up(Role, undefined, decl("System", "AliyunOSSReadOnlyAcess"))).rejects.toThrow(
      /system policy 'AliyunOSSReadOnlyAcess' does not exist in RAM; the nearest names: AliyunOSSReadOnlyAccess/,
    );
    // A custom policy that does not exist is found out only by AttachPolicyToRole.
    const first = await up(Role, undefined, decl("Custom", "deployer-polcy"));
    expect((first.error as Error).message).toMatch(/EntityNotExist/);
    expect(first.held).toMatchObject({ id: "deployer", initErrors: true, outs: { policies: [] } });
    const second = await ok(Role, first.held, decl("System", "AliyunOSSReadOnlyAccess"));
    expect(second.outs.policies).toEqual([{ type: "System", name: "AliyunOSSReadOnlyAccess" }]);
    expect(await refreshDiff(Role, second, decl("System", "AliyunOSSReadOnlyAccess"))).toEqual([]);
  });

  it("IdaasResourceServer: an update failing at a grant keeps the new scope's id; the re-run makes no 409", async () => {
    const client = (await eiam("CreateApplication", {
      ApplicationName: "client",
      ApplicationSourceType: "urn:alibaba:idaas:app:source:standard",
      SsoType: "oidc",
    })) as { ApplicationId: string };
    await eiam("EnableApplicationM2MClient", { ApplicationId: client.ApplicationId });
    const base = { instanceId: emulator.eiamInstanceId, applicationName: "api", identifier: "api://orders" };
    const held = await ok(Rs, undefined, { ...base, scopes: [{ value: "read" }] });
    const v2 = {
      ...base,
      scopes: [{ value: "read" }, { value: "write" }],
      grants: [{ clientApplicationId: client.ApplicationId, scopes: ["write"] }],
    };
    await emulator.injectFault({
      action: "AuthorizeResourceServerScopesToClient",
      kind: "server-error",
      count: 8,
    });
    const failed = await up(Rs, held, v2);
    expect(failed.error).toBeDefined();
    expect(Object.keys(failed.held?.outs.scopeIds as object).sort()).toEqual(["read", "write"]);
    await emulator.clearFaults();
    const done = await ok(Rs, failed.held, v2);
    expect(await refreshDiff(Rs, done, v2)).toEqual([]);
    const scopes = (await eiam("ListResourceServerScopes", { ApplicationId: held.id }))
      .ResourceServerScopes as unknown[];
    expect(scopes).toHaveLength(2);
  });

  it("ScimApplication: a rotation failing at DeleteAppSecret keeps the new secret in state; the re-run deletes the old", async () => {
    const held = await ok(ScimApp, undefined, { appName: "directory-sync" });
    await emulator.injectFault({ action: "DeleteAppSecret", kind: "server-error", count: 8 });
    const failed = await up(ScimApp, held, { appName: "directory-sync", secretVersion: 2 });
    expect(failed.error).toBeDefined();
    const mid = failed.held?.outs as Record<string, unknown>;
    expect(mid.appSecretId).not.toBe(held.outs.appSecretId);
    expect(String(mid.clientSecret).length).toBeGreaterThan(10);
    expect(mid.retiredSecretIds).toEqual([held.outs.appSecretId]);
    await emulator.clearFaults();
    const done = await ok(ScimApp, failed.held, { appName: "directory-sync", secretVersion: 2 });
    const ids = (await emulator.console("ims", "ListAppSecretIds", { AppId: held.id })) as {
      AppSecrets: { AppSecret: { AppSecretId: string }[] };
    };
    expect(ids.AppSecrets.AppSecret.map((x) => x.AppSecretId)).toEqual([done.outs.appSecretId]);
    expect(done.outs.clientSecret).toBe(mid.clientSecret);
  });
});

describe("replacing a name-keyed object never removes what the replacement holds", () => {
  beforeEach(async () => {
    await emulator.console("ims", "ProvisionExternalApplication", {
      AppId: OFFICIAL_CLI_APP_IDS.cn,
      Scopes: "openid;/internal/ram/usersts",
    });
    await emulator.console("ram", "CreateUser", { UserName: "alice" });
  });
  const assigned = async () =>
    (
      (await emulator.console("ims", "ListApplicationAssignments", { AppId: OFFICIAL_CLI_APP_IDS.cn })) as {
        ApplicationAssignments: { ApplicationAssignment: unknown[] };
      }
    ).ApplicationAssignments.ApplicationAssignment;

  it("ApplicationAssignment: alice -> alice@<account>.onaliyun.com is no replacement and no call", async () => {
    const base = { appId: OFFICIAL_CLI_APP_IDS.cn, principalType: "user" };
    const held = await ok(Assign, undefined, { ...base, principalName: "alice" });
    await emulator.clearRequests();
    const again = await ok(Assign, held, {
      ...base,
      principalName: `alice@${emulator.accountId}.onaliyun.com`,
    });
    expect(await emulator.requests()).toEqual([]);
    expect(again.id).toBe(held.id);
    expect(await assigned()).toHaveLength(1);
  });

  it("ApplicationAssignment with adopt, replaced (up --replace: create, then delete the old): the assignment stays", async () => {
    const decl = {
      appId: OFFICIAL_CLI_APP_IDS.cn,
      principalType: "user",
      principalName: "alice",
      adopt: true,
    };
    const old = await ok(Assign, undefined, decl);
    // What `up --replace` does without asking the provider: a new create, then the old one's delete.
    const made = await ok(Assign, undefined, decl);
    await Assign.delete(old.id, old.outs);
    expect(await assigned()).toHaveLength(1);
    expect(await refreshDiff(Assign, made, decl)).toEqual([]);
  });

  it("OidcRole with adopt, replaced: the role the new resource adopted survives the old one's delete", async () => {
    const decl = {
      roleName: "deployer",
      providerArn: "acs:ram::1234567890123456:oidc-provider/github",
      audiences: ["sts.aliyuncs.com"],
      subjects: ["repo:acme/app:ref:refs/heads/main"],
      adopt: true,
    };
    const old = await ok(Role, undefined, decl);
    const made = await ok(Role, undefined, decl);
    await Role.delete(old.id, old.outs);
    expect(await refreshDiff(Role, made, decl)).toEqual([]);
    // The next destroy (a new deployment) does delete it.
    await Role.delete(made.id, made.outs);
    expect((await Role.read(made.id, made.outs)).id).toBe("");
  });
});
