import Credential, { Config as CredentialConfig } from "@alicloud/credentials";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { cliOAuthLogin } from "../../emulator/cliLogin";
import {
  ApplicationAssignmentProvider as A,
  checkApplicationAssignmentInputs,
} from "../../provider/resources/applicationAssignment";
import {
  OfficialCliApplicationProvider as C,
  checkOfficialCliApplicationInputs,
  OFFICIAL_CLI_APP_IDS,
} from "../../provider/resources/officialCliApplication";
import { actions, configOf, startWired } from "./harness";

const APP = OFFICIAL_CLI_APP_IDS.cn;
let emulator: Emulator;
let domain: string;

beforeAll(async () => {
  const wired = await startWired();
  emulator = wired.emulator;
  domain = `${emulator.accountId}.onaliyun.com`;
  await C.configure(configOf(wired.config));
  await A.configure(configOf(wired.config));
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  // Reset the provider's per-process caches too, as a new engine process would.
  await A.configure(configOf({ ...(await wiredConfig()) }));
  for (const u of ["alice", "bob", "mallory"]) await emulator.console("ram", "CreateUser", { UserName: u });
  await emulator.console("ram", "CreateRole", {
    RoleName: "cli-admins",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { RAM: [`acs:ram::${emulator.accountId}:root`] },
        },
      ],
    }),
  });
  await emulator.clearRequests();
});

async function wiredConfig(): Promise<Record<string, string>> {
  return {
    "alicloud-federation:endpoint": emulator.url,
    "alicloud-federation:accessKeyId": emulator.accessKeyId,
    "alicloud-federation:accessKeySecret": emulator.accessKeySecret,
    "alicloud-federation:retry": JSON.stringify({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }),
  };
}

const appInputs = (over: Record<string, unknown> = {}) => checkOfficialCliApplicationInputs(over).inputs;
const assignment = (principalType: string, principalName: string) => {
  const { inputs, failures } = checkApplicationAssignmentInputs({ appId: APP, principalType, principalName });
  expect(failures).toEqual([]);
  return inputs;
};

async function installed(): Promise<Record<string, unknown>> {
  const res = await C.create(appInputs());
  await emulator.clearRequests();
  return res.outs as unknown as Record<string, unknown>;
}

describe("OfficialCliApplication", () => {
  it("installs official-cli for the site in one call, with the scopes the CLI needs", async () => {
    const res = await C.create(appInputs());
    expect(await actions(emulator)).toEqual(["ProvisionExternalApplication"]);
    expect(res).toMatchObject({
      id: APP,
      outs: { appId: APP, installedByStack: true, scopes: ["/internal/ram/usersts", "openid"] },
    });
  });

  it("refuses to take over an existing installation without adopt; with adopt it leaves it installed on delete", async () => {
    await emulator.console("ims", "ProvisionExternalApplication", {
      AppId: APP,
      Scopes: "openid;/internal/ram/usersts",
    });
    const refused = await C.create(appInputs()).catch((e) => e);
    expect(refused.message).toMatch(/already installed in this account.*adopt: true/s);
    const adopted = await C.create(appInputs({ adopt: true }));
    expect(adopted.outs.installedByStack).toBe(false);
    await emulator.clearRequests();
    await C.delete(APP, adopted.outs);
    expect(await actions(emulator)).toEqual([]);
    await expect(emulator.console("ims", "GetExternalApplication", { AppId: APP })).resolves.toBeTruthy();
  });

  it("uninstalls what it installed, in one call; a read after an out-of-band uninstall drops it", async () => {
    const outs = await installed();
    expect((await C.read(APP, outs)).id).toBe(APP);
    await C.delete(APP, outs);
    expect(await actions(emulator)).toEqual(["GetExternalApplication", "DeprovisionExternalApplication"]);
    expect(await C.read(APP, outs)).toEqual({ id: "", props: {} });
  });
});

describe("ApplicationAssignment", () => {
  it("completes a bare user name with the default domain, once per process", async () => {
    await installed();
    const a = await A.create(assignment("user", "alice"));
    const b = await A.create(assignment("user", "Bob"));
    expect(a.outs.assignedPrincipalName).toBe(`alice@${domain}`);
    expect(b.outs.assignedPrincipalName).toBe(`bob@${domain}`);
    expect(await actions(emulator)).toEqual([
      "GetDefaultDomain",
      "CreateApplicationAssignment",
      "CreateApplicationAssignment",
    ]);
  });

  it("assigns a role by name and a user by principal name, one call each", async () => {
    await installed();
    await A.create(assignment("role", "cli-admins"));
    await A.create(assignment("user", `alice@${domain}`));
    expect(await actions(emulator)).toEqual(["CreateApplicationAssignment", "CreateApplicationAssignment"]);
  });

  it("refreshes all assignments of an app with one list call", async () => {
    await installed();
    const outs = await Promise.all(
      ["alice", "bob"].map(async (u) => (await A.create(assignment("user", u))).outs),
    );
    const role = (await A.create(assignment("role", "cli-admins"))).outs;
    await A.configure(configOf(await wiredConfig())); // a new operation
    await emulator.clearRequests();
    const reads = await Promise.all([...outs, role].map((o) => A.read(`x`, o)));
    expect(reads.every((r) => r.id !== "")).toBe(true);
    expect(await actions(emulator)).toEqual(["ListApplicationAssignments"]);
  });

  it("reports an unassignment in the console as drift", async () => {
    await installed();
    const outs = (await A.create(assignment("user", "alice"))).outs;
    await emulator.console("ims", "DeleteApplicationAssignment", {
      AppId: APP,
      PrincipalType: "user",
      PrincipalName: `alice@${domain}`,
    });
    await A.configure(configOf(await wiredConfig()));
    expect(await A.read("x", outs)).toEqual({ id: "", props: {} });
  });

  it("treats a principal deleted out of band as drift, then explains why it cannot be re-created", async () => {
    await installed();
    const outs = (await A.create(assignment("user", "bob"))).outs;
    await emulator.console("ram", "DeleteUser", { UserName: "bob" });
    await A.configure(configOf(await wiredConfig()));
    expect(await A.read("x", outs)).toEqual({ id: "", props: {} });
    const err = await A.create(assignment("user", "bob")).catch((e) => e);
    expect(err.message).toMatch(
      /the RAM user 'bob@.*' or application .* does not exist \(EntityNotExist.User\)/,
    );
  });

  it("refuses an existing assignment without adopt", async () => {
    await installed();
    await emulator.console("ims", "CreateApplicationAssignment", {
      AppId: APP,
      PrincipalType: "user",
      PrincipalName: `alice@${domain}`,
    });
    const err = await A.create(assignment("user", "alice")).catch((e) => e);
    expect(err.message).toMatch(/already assigned .*adopt: true/s);
  });

  it("deletes in one call, and counts an assignment already gone as deleted", async () => {
    await installed();
    const outs = (await A.create(assignment("user", "alice"))).outs;
    await emulator.clearRequests();
    await A.delete("x", outs);
    await A.delete("x", outs);
    expect(await actions(emulator)).toEqual(["DeleteApplicationAssignment", "DeleteApplicationAssignment"]);
  });
});

describe("the CLI's OAuth login", () => {
  it("lets an assigned user log in and use the STS credentials; refuses an unassigned one", async () => {
    await installed();
    await A.create(assignment("user", "alice"));
    const alice = await cliOAuthLogin(emulator.url, APP, `alice@${domain}`);
    expect(alice.ok).toBe(true);
    const mallory = await cliOAuthLogin(emulator.url, APP, `mallory@${domain}`);
    expect(mallory).toEqual({ ok: false, error: "access_denied" });
    if (!alice.ok) return;
    // The credentials sign a real SDK call.
    const ram = new Ram(
      new $OpenApiUtil.Config({
        credential: new Credential(
          new CredentialConfig({
            type: "sts",
            accessKeyId: alice.accessKeyId,
            accessKeySecret: alice.accessKeySecret,
            securityToken: alice.securityToken,
          }),
        ),
        endpoint: emulator.endpoint,
        protocol: "http",
      }),
    );
    const role = await ram.getRole(new $Ram.GetRoleRequest({ roleName: "cli-admins" }));
    expect(role.body?.role?.roleName).toBe("cli-admins");
  });

  it("refuses the login once the assignment is deleted", async () => {
    await installed();
    const outs = (await A.create(assignment("role", "cli-admins"))).outs;
    expect((await cliOAuthLogin(emulator.url, APP, "role:cli-admins")).ok).toBe(true);
    await A.delete("x", outs);
    expect(await cliOAuthLogin(emulator.url, APP, "role:cli-admins")).toEqual({
      ok: false,
      error: "access_denied",
    });
  });
});
