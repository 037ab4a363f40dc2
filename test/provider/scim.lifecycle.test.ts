import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetScimTokens } from "../../provider/client/scim";
import {
  ScimApplicationProvider as App,
  checkScimApplicationInputs,
  type ScimApplicationOutputs,
} from "../../provider/resources/scimApplication";
import {
  checkScimDirectoryInputs,
  ScimDirectoryProvider as D,
  directoryIds,
  directoryMaps,
} from "../../provider/resources/scimDirectory";
import { checkScimUserInputs, ScimUserProvider as U } from "../../provider/resources/scimUser";
import { configOf, startWired } from "./harness";

let emulator: Emulator;
// The emulator's clock: real time, moved forward by tests that need a token to expire.
// It also judges signature skew, so each test starts from the present again.
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

beforeAll(async () => {
  const wired = await startWired({ clock: now });
  emulator = wired.emulator;
  await App.configure(configOf(wired.config));
  await U.configure(configOf(wired.config));
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  offsetMs = 0;
  await emulator.reset();
  resetScimTokens();
});

const log = async (service?: string) =>
  (await emulator.requests(service ? { service } : {})).map((r) => `${r.action}:${r.status}`);

async function app(over: Record<string, unknown> = {}): Promise<ScimApplicationOutputs> {
  const res = await App.create(checkScimApplicationInputs({ appName: "directory-sync", ...over }).inputs);
  await emulator.clearRequests();
  return res.outs;
}

function user(a: ScimApplicationOutputs, over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkScimUserInputs({
    userName: "alice",
    displayName: "Alice",
    externalId: "emp-1",
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

describe("ScimApplication", () => {
  it("creates the ServerApp, consents to /acs/scim and makes a secret: 3 calls", async () => {
    const res = await App.create(checkScimApplicationInputs({ appName: "directory-sync" }).inputs);
    expect(await log("ims")).toEqual([
      "CreateApplication:200",
      "ProvisionApplication:200",
      "CreateAppSecret:200",
    ]);
    expect(res.outs).toMatchObject({ clientId: res.id, scopes: ["/acs/scim"], secretVersion: 1 });
    expect(res.outs.clientSecret.length).toBeGreaterThan(10);
  });

  it("rotates the secret new-first: the new one works, the old one is gone, never none", async () => {
    const a = await app();
    const rotated = await App.update(
      a.appId,
      a,
      checkScimApplicationInputs({ appName: "directory-sync", secretVersion: 2 }).inputs,
    );
    expect(await log("ims")).toEqual(["CreateAppSecret:200", "DeleteAppSecret:200"]);
    expect(rotated.outs.clientSecret).not.toBe(a.clientSecret);
    await expect(U.create(user(rotated.outs))).resolves.toMatchObject({ outs: { userName: "alice" } });
    resetScimTokens();
    await expect(U.create(user(a, { userName: "bob", externalId: "emp-2" }))).rejects.toThrow(
      /invalid_client|401/,
    );
  });

  it("notices a secret deleted out of band and makes a new one", async () => {
    const a = await app();
    await emulator.console("ims", "DeleteAppSecret", { AppId: a.appId, AppSecretId: a.appSecretId });
    const read = await App.read(a.appId, a);
    expect(read.props.appSecretId).toBe("");
    const d = await App.diff(
      a.appId,
      read.props,
      checkScimApplicationInputs({ appName: "directory-sync" }).inputs,
    );
    expect(d.changes).toBe(true);
    const fixed = await App.update(
      a.appId,
      read.props,
      checkScimApplicationInputs({ appName: "directory-sync" }).inputs,
    );
    expect(fixed.outs.appSecretId).not.toBe("");
  });
});

describe("ScimUser", () => {
  it("creates users with one token for the whole process: 1 token + 1 POST per user", async () => {
    const a = await app();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        U.create(user(a, { userName: `user${i}`, externalId: `emp-${i}` })),
      ),
    );
    const entries = await log();
    expect(entries.filter((e) => e.startsWith("Token"))).toEqual(["Token:200"]);
    expect(entries.filter((e) => e.startsWith("CreateUser"))).toHaveLength(5);
  });

  it("gets a new token once when the old one expires mid-run", async () => {
    const a = await app({ accessTokenValidity: 900 });
    await U.create(user(a, { userName: "u1", externalId: "e1" }));
    offsetMs += 1000 * 1000; // past the 900 s lifetime; no signed call follows
    await U.create(user(a, { userName: "u2", externalId: "e2" }));
    const tokens = (await log()).filter((e) => e.startsWith("Token"));
    expect(tokens).toEqual(["Token:200", "Token:200"]);
  });

  it("renames through PUT, and reads drift through GET", async () => {
    const a = await app();
    const created = (await U.create(user(a))).outs;
    await emulator.clearRequests();
    const renamed = await U.update(created.scimId, created, user(a, { userName: "alice.chen" }));
    expect((await log("scim")).filter((e) => !e.startsWith("Token"))).toEqual(["ReplaceUser:200"]);
    expect(renamed.outs.userName).toBe("alice.chen");
    await emulator.console("ram", "UpdateUser", { UserName: "alice.chen", NewDisplayName: "Edited" });
    const read = await U.read(created.scimId, renamed.outs);
    expect(read.props.displayName).toBe("Edited");
    expect((await U.diff(created.scimId, read.props, user(a, { userName: "alice.chen" }))).changes).toBe(
      true,
    );
  });

  it("refuses an existing user (409) naming the field SCIM reported, and adopts it with adopt", async () => {
    const a = await app();
    await U.create(user(a, { displayName: "Made elsewhere" }));
    resetScimTokens();
    await emulator.clearRequests();
    const err = await U.create(user(a)).catch((e) => e);
    expect(err.message).toMatch(/^externalId: RAM user 'alice' already has externalId 'emp-1'.*adopt: true/s);
    // The POST and one lookup by the field SCIM named; nothing written.
    expect((await log("scim")).filter((e) => !e.startsWith("Token"))).toEqual([
      "CreateUser:409",
      "ListUsers:200",
    ]);
    const adopted = await U.create(user(a, { adopt: true, displayName: "Alice" }));
    expect(adopted.outs.displayName).toBe("Alice");
  });

  it("a userName taken by a console user: says userName, and adoption works", async () => {
    const a = await app();
    await emulator.console("ram", "CreateUser", { UserName: "alice" });
    const err = await U.create(user(a)).catch((e) => e);
    expect(err.message).toMatch(
      /^userName: a RAM user named 'alice' already exists \(no externalId.*adopt: true/s,
    );
    const adopted = await U.create(user(a, { adopt: true }));
    expect(adopted.outs).toMatchObject({ userName: "alice", externalId: "emp-1" });
  });

  it("a refusal that quotes a name the program marked secret masks it (ScimUser is not account-bound, and masks its own)", async () => {
    const a = await app();
    await emulator.console("ram", "CreateUser", { UserName: "jsmith-confidential" });
    const news = {
      userName: "jsmith-confidential",
      displayName: "J",
      externalId: "EMP-CONFIDENTIAL-777",
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      secretInputs: ["userName", "externalId"],
    };
    const checked = await U.check({}, news);
    expect(checked.failures ?? []).toEqual([]);
    const err = await U.create(checked.inputs as Record<string, unknown>).catch((e) => e);
    expect(err.message).toMatch(/^userName: a RAM user named '\*\*\*' already exists/);
    expect(err.message).not.toMatch(/jsmith-confidential|EMP-CONFIDENTIAL-777/);
  });

  it("a userName that belongs to another directory person: no adoption advice, adopt does not take it", async () => {
    const a = await app();
    await U.create(user(a, { userName: "alice", externalId: "hr-9" }));
    for (const adopt of [false, true]) {
      const err = await U.create(user(a, { userName: "ALICE", adopt })).catch((e) => e);
      expect(err.message).toMatch(
        /^userName: 'ALICE' is taken by RAM user 'alice', which belongs to another directory person \(externalId 'hr-9'\)/,
      );
      expect(err.message).not.toMatch(/adopt/);
    }
  });

  it("retries throttled SCIM calls and succeeds", async () => {
    const a = await app();
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "throttle", count: 2 });
    await U.create(user(a));
    expect((await log("scim")).filter((e) => e.startsWith("CreateUser"))).toEqual([
      "CreateUser:429",
      "CreateUser:429",
      "CreateUser:201",
    ]);
  });

  it("leaves alone a user a ScimDirectory took over in this deployment (a migration without retainOnDelete)", async () => {
    const a = await app();
    const created = (await U.create(user(a))).outs;
    // The directory that replaces the per-user resources takes alice over, then her ScimUser is deleted.
    const dir = await D.create(
      checkScimDirectoryInputs(
        {},
        {
          ...directoryMaps([
            { userName: "alice", displayName: created.displayName, externalId: created.externalId },
          ]),
          clientId: a.clientId,
          clientSecret: a.clientSecret,
          __provider: "p",
        },
      ).inputs,
    );
    expect(Object.values(directoryIds(dir.outs).ids)).toEqual([created.scimId]);
    await emulator.clearRequests();
    await U.delete(created.scimId, created);
    expect((await emulator.requests({ service: "scim" })).map((r) => r.action)).toEqual([]);
    expect((await U.read(created.scimId, created)).id).toBe(created.scimId);
  });

  it("deletes with one call, counts a missing user as deleted, and explains a refusal", async () => {
    const a = await app();
    const created = (await U.create(user(a))).outs;
    await emulator.console("ram", "AttachPolicyToUser", {
      UserName: "alice",
      PolicyType: "System",
      PolicyName: "AliyunOSSReadOnlyAccess",
    });
    const refused = await U.delete(created.scimId, created).catch((e) => e);
    expect(refused.message).toMatch(/RAM refused to delete user 'alice'.*AccessKeys or attached policies/s);
    await emulator.console("ram", "DetachPolicyFromUser", {
      UserName: "alice",
      PolicyType: "System",
      PolicyName: "AliyunOSSReadOnlyAccess",
    });
    await U.delete(created.scimId, created);
    await U.delete(created.scimId, created);
    expect(await U.read(created.scimId, created)).toEqual({ id: "", props: {} });
  });
});
