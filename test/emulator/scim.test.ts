import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Ims from "@alicloud/ims20190815";
import type Ram from "@alicloud/ram20150501";
import * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { IMS_APP } from "../../provider/limits";
import { $Ims, caught, imsClient, ramClient } from "./helpers";
import { type ScimResponse, scim, scimServerApp, scimToken } from "./scim-helpers";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

let emulator: Emulator;
let ims: Ims;
let ram: Ram;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ims = imsClient(emulator);
  ram = ramClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  token = await scimToken(emulator, await scimServerApp(ims));
});

const call = (method: string, path: string, body?: unknown): Promise<ScimResponse> =>
  scim(emulator, token, method, path, body);
const createUser = (userName: string, extra: Record<string, unknown> = {}) =>
  call("POST", "/Users", { schemas: [USER], userName, displayName: `${userName} display`, ...extra });
const idOf = (r: ScimResponse): string => String(r.body?.id);
const list = (query: string) => call("GET", `/Users?${query}`);
const filter = (f: string, more = "") => list(`filter=${encodeURIComponent(f)}${more}`);
const userNames = (r: ScimResponse) =>
  ((r.body?.Resources ?? []) as Array<{ userName: string }>).map((u) => u.userName);

describe("POST /Users", () => {
  test("201 with the full user; id is the RAM UserId; meta per the doc", async () => {
    const res = await createUser("alice", { externalId: "ext-1" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      schemas: [USER],
      id: expect.stringMatching(/^\d{16,19}$/),
      userName: "alice",
      displayName: "alice display",
      externalId: "ext-1",
      meta: {
        resourceType: "User",
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${emulator.url}/Users/${idOf(res)}`,
      },
    });
    expect(res.headers.get("location")).toBe(`${emulator.url}/Users/${idOf(res)}`);
  });

  test("the SCIM user is a RAM user: RAM GetUser and IMS GetUser see it", async () => {
    const id = idOf(await createUser("bob"));
    const r = await ram.getUser(new $Ram.GetUserRequest({ userName: "bob" }));
    expect([r.body!.user!.userId, r.body!.user!.displayName]).toEqual([id, "bob display"]);
    const i = await ims.getUser(new $Ims.GetUserRequest({ userId: id }));
    expect(i.body!.user!.userPrincipalName).toBe(`bob@${emulator.accountId}.onaliyun.com`);
  });

  test("a taken userName, in any case, is 409 uniqueness", async () => {
    await createUser("carol");
    const res = await createUser("CAROL");
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      schemas: [ERROR],
      status: "409",
      scimType: "uniqueness",
      detail: expect.stringMatching(/^userName: /),
    });
  });

  test("a taken externalId is 409 uniqueness whose detail names externalId", async () => {
    const dave = await createUser("dave", { externalId: "e-1" });
    const res = await createUser("erin", { externalId: "e-1" });
    expect([res.status, res.body?.scimType]).toEqual([409, "uniqueness"]);
    expect(res.body?.detail).toBe('externalId: "e-1" is already used by another user.');
    // Once its holder is deleted, the externalId is free again.
    expect((await call("DELETE", `/Users/${idOf(dave)}`)).status).toBe(204);
    expect((await createUser("erin", { externalId: "e-1" })).status).toBe(201);
  });

  test("RAM user-name rules: 64 characters pass, 65 fail; other characters fail (400 invalidValue)", async () => {
    expect((await createUser("u".repeat(64))).status).toBe(201);
    for (const bad of ["v".repeat(65), "has space", "a@b"]) {
      const res = await createUser(bad);
      expect([res.status, res.body?.scimType]).toEqual([400, "invalidValue"]);
    }
  });

  test("displayName: 128 characters pass, 129 fail; omitted defaults to userName", async () => {
    expect((await createUser("d1", { displayName: "x".repeat(128) })).status).toBe(201);
    expect((await createUser("d2", { displayName: "x".repeat(129) })).status).toBe(400);
    const res = await call("POST", "/Users", { schemas: [USER], userName: "d3" });
    expect(res.body?.displayName).toBe("d3");
  });

  test("a body without the User schema or not JSON is 400 invalidSyntax", async () => {
    expect((await call("POST", "/Users", { userName: "x" })).body?.scimType).toBe("invalidSyntax");
    const res = await fetch(`${emulator.url}/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
  });
});

describe("GET /Users", () => {
  test("GET /Users/{id}; an unknown id is 404", async () => {
    const id = idOf(await createUser("alice"));
    const res = await call("GET", `/Users/${id}`);
    expect([res.status, res.body?.userName]).toEqual([200, "alice"]);
    const missing = await call("GET", "/Users/999");
    expect([missing.status, missing.body?.status]).toEqual([404, "404"]);
  });

  test("console users (RAM CreateUser) are listed, without externalId", async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: "console-user" }));
    const res = await list("");
    expect(res.body).toMatchObject({ schemas: [LIST], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    const [u] = (res.body?.Resources ?? []) as Array<Record<string, unknown>>;
    expect(u?.userName).toBe("console-user");
    expect(u).not.toHaveProperty("externalId");
  });

  test("filter eq on userName is case-insensitive; on id and externalId exact", async () => {
    const id = idOf(await createUser("Alice", { externalId: "Ext-A" }));
    await createUser("bob", { externalId: "ext-b" });
    expect(userNames(await filter('userName eq "alice"'))).toEqual(["Alice"]);
    expect(userNames(await filter(`id eq "${id}"`))).toEqual(["Alice"]);
    expect(userNames(await filter('externalId eq "Ext-A"'))).toEqual(["Alice"]);
    expect(userNames(await filter('externalId eq "ext-a"'))).toEqual([]);
  });

  test("filter with and", async () => {
    await createUser("alice", { externalId: "a" });
    await createUser("bob", { externalId: "b" });
    expect(userNames(await filter('userName eq "alice" and externalId eq "a"'))).toEqual(["alice"]);
    expect(userNames(await filter('userName eq "alice" AND externalId eq "b"'))).toEqual([]);
  });

  test("anything else is 400 invalidFilter: co, or, emails, unquoted values, parentheses", async () => {
    for (const f of [
      'userName co "al"',
      'userName eq "a" or userName eq "b"',
      'emails eq "a@example.com"',
      "userName eq alice",
      '(userName eq "a")',
      "userName pr",
    ]) {
      const res = await filter(f);
      expect([f, res.status, res.body?.scimType]).toEqual([f, 400, "invalidFilter"]);
    }
  });

  test("paging: startIndex is 1-based, count limits the page, default 30", async () => {
    for (let i = 0; i < 35; i++) await createUser(`user${String(i).padStart(2, "0")}`);
    const first = await list("");
    expect(first.body).toMatchObject({ totalResults: 35, startIndex: 1, itemsPerPage: 30 });
    const page = await list("startIndex=31&count=10");
    expect(page.body).toMatchObject({ totalResults: 35, startIndex: 31, itemsPerPage: 5 });
    expect(userNames(page)[0]).toBe("user30");
    expect((await list("startIndex=2&count=2")).body?.itemsPerPage).toBe(2);
    expect((await list("count=0")).body).toMatchObject({ totalResults: 35, itemsPerPage: 0 });
    expect((await list("count=abc")).status).toBe(400);
  });

  test("paging: count is capped at 100; walking startIndex visits every user once", async () => {
    for (let i = 0; i < 105; i++) await createUser(`p${String(i).padStart(3, "0")}`);
    const first = await list("count=1000");
    expect(first.body).toMatchObject({ totalResults: 105, startIndex: 1, itemsPerPage: 100 });
    const second = await list("startIndex=101&count=100");
    expect(second.body).toMatchObject({ totalResults: 105, startIndex: 101, itemsPerPage: 5 });
    expect(new Set([...userNames(first), ...userNames(second)]).size).toBe(105);
  });
});

describe("the RAM user quota", () => {
  test("the quota (1000 unless raised) is honoured at its edge: LimitExceeded.User, not a uniqueness 409", async () => {
    const small = await startEmulator({ port: 0, limits: { ram: { maxUsersPerAccount: 2 } } });
    try {
      const t = await scimToken(small, await scimServerApp(imsClient(small)));
      const post = (userName: string) => scim(small, t, "POST", "/Users", { schemas: [USER], userName });
      expect((await post("q1")).status).toBe(201);
      expect((await post("q2")).status).toBe(201);
      const third = await post("q3");
      expect(third.status).toBe(409);
      expect(third.body?.scimType).toBeUndefined(); // not a uniqueness conflict: nothing to adopt
      expect(String(third.body?.detail)).toMatch(/^LimitExceeded.User: .* is 2\.$/);
    } finally {
      await small.close();
    }
  });
});

describe("PUT /Users/{id}", () => {
  test("full replace: rename, displayName, externalId; RAM sees the new name", async () => {
    const id = idOf(await createUser("old", { externalId: "x1" }));
    const res = await call("PUT", `/Users/${id}`, {
      schemas: [USER],
      userName: "new-name",
      displayName: "New",
      externalId: "x2",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, userName: "new-name", displayName: "New", externalId: "x2" });
    const r = await ram.getUser(new $Ram.GetUserRequest({ userName: "new-name" }));
    expect(r.body!.user!.userId).toBe(id);
    expect((await caught(() => ram.getUser(new $Ram.GetUserRequest({ userName: "old" })))).code).toBe(
      "EntityNotExist.User",
    );
  });

  test("renaming onto another user's name (any case) is 409; a change of case is allowed", async () => {
    await createUser("taken");
    const id = idOf(await createUser("mine"));
    const clash = await call("PUT", `/Users/${id}`, { schemas: [USER], userName: "TAKEN" });
    expect([clash.status, clash.body?.scimType]).toEqual([409, "uniqueness"]);
    const recase = await call("PUT", `/Users/${id}`, { schemas: [USER], userName: "MINE" });
    expect([recase.status, recase.body?.userName]).toEqual([200, "MINE"]);
  });

  test("a PUT without externalId removes it", async () => {
    const id = idOf(await createUser("x", { externalId: "gone" }));
    const res = await call("PUT", `/Users/${id}`, { schemas: [USER], userName: "x" });
    expect(res.body).not.toHaveProperty("externalId");
  });
});

describe("DELETE /Users/{id} and PATCH", () => {
  test("204, then 404; RAM no longer has the user", async () => {
    const id = idOf(await createUser("temp"));
    const res = await call("DELETE", `/Users/${id}`);
    expect([res.status, res.body]).toEqual([204, undefined]);
    expect((await call("GET", `/Users/${id}`)).status).toBe(404);
    expect((await caught(() => ram.getUser(new $Ram.GetUserRequest({ userName: "temp" })))).code).toBe(
      "EntityNotExist.User",
    );
  });

  test("409 while RAM holds a policy on the user; fine once detached", async () => {
    const id = idOf(await createUser("held"));
    const attach = { policyType: "System", policyName: "AliyunOSSReadOnlyAccess", userName: "held" };
    await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest(attach));
    const res = await call("DELETE", `/Users/${id}`);
    expect(res.status).toBe(409);
    expect(String(res.body?.detail)).toContain("DeleteConflict.User.Policy");
    await ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest(attach));
    expect((await call("DELETE", `/Users/${id}`)).status).toBe(204);
  });

  test("PATCH is refused with 405", async () => {
    const id = idOf(await createUser("p"));
    const res = await call("PATCH", `/Users/${id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "displayName", value: "x" }],
    });
    expect([res.status, res.body?.status]).toEqual([405, "405"]);
  });
});

describe("discovery", () => {
  test("/ResourceTypes lists the User type", async () => {
    const res = await call("GET", "/ResourceTypes");
    expect(res.body).toMatchObject({
      schemas: [LIST],
      totalResults: 1,
      Resources: [{ id: "User", name: "User", endpoint: "/Users", schema: USER }],
    });
  });

  test("/Schemas holds the core User schema with userName, displayName, externalId", async () => {
    const res = await call("GET", "/Schemas");
    const [schema] = (res.body?.Resources ?? []) as Array<{
      id: string;
      attributes: Array<{ name: string }>;
    }>;
    expect(schema?.id).toBe(USER);
    expect(schema?.attributes.map((a) => a.name)).toEqual(["userName", "displayName", "externalId"]);
  });
});

describe("authentication", () => {
  test("no token, or an unknown one: 401 with an RFC 7644 body", async () => {
    const none = await scim(emulator, undefined, "GET", "/Users");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ schemas: [ERROR], status: "401" });
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await scim(emulator, "not-a-token", "GET", "/Users")).status).toBe(401);
  });

  test("a token without /acs/scim is 403 (an app provisioned with no scope)", async () => {
    const app = await scimServerApp(ims, { appName: "narrow", provision: false });
    await emulator.console("ims", "ProvisionApplication", { AppId: app.appId, Scopes: "" });
    const narrow = await scimToken(emulator, app);
    const res = await scim(emulator, narrow, "GET", "/Users");
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ schemas: [ERROR], status: "403" });
  });

  test("a CLI OAuth token is not accepted by SCIM", async () => {
    expect((await scim(emulator, "cli-token-that-is-unknown", "GET", "/Users")).status).toBe(401);
  });
});

describe("faults on SCIM routes", () => {
  test("latency applies to SCIM calls", async () => {
    await emulator.injectFault({ service: "scim", kind: "latency", latencyMs: 20 });
    const started = performance.now();
    expect((await call("GET", "/Users")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    await emulator.clearFaults();
  });

  test("a throttle is 429 with an RFC 7644 body and Retry-After; the log names the fault", async () => {
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "throttle", count: 1 });
    const res = await createUser("throttled");
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      schemas: [ERROR],
      status: "429",
      detail: expect.stringContaining("Throttling"),
    });
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await createUser("throttled")).status).toBe(201);
    const [entry] = await emulator.requests({ service: "scim", action: "CreateUser" });
    expect(entry).toMatchObject({ method: "POST", path: "/Users", status: 429, fault: "throttle" });
  });

  test("a 20% throttle ratio throttles some calls and lets the rest through", async () => {
    await emulator.injectFault({ service: "scim", kind: "throttle", ratio: 0.2 });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await call("GET", "/Users")).status);
    const throttled = statuses.filter((s) => s === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(throttled).toBeLessThan(25);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 200)).toBe(true);
    await emulator.clearFaults();
  });

  test("option latencyMs delays every call and combines with a throttle ratio", async () => {
    const slow = await startEmulator({ port: 0, latencyMs: 20 });
    try {
      const t = await scimToken(slow, await scimServerApp(imsClient(slow)));
      await slow.injectFault({ service: "scim", kind: "throttle", ratio: 0.2 });
      const started = performance.now();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await scim(slow, t, "GET", "/Users")).status);
      expect(performance.now() - started).toBeGreaterThanOrEqual(20 * 19);
      expect(statuses).toContain(429);
      expect(statuses).toContain(200);
    } finally {
      await slow.close();
    }
  });

  test("the SCIM log never holds the bearer token", async () => {
    await createUser("logged");
    expect(JSON.stringify(await emulator.requests())).not.toContain(token);
  });
});

describe("SCIM users in the rest of the account", () => {
  test("a SCIM user can be assigned to official-cli; the assignment follows a rename", async () => {
    const cli = IMS_APP.officialCliAppId.cn;
    await emulator.console("ims", "ProvisionExternalApplication", { AppId: cli });
    const id = idOf(await createUser("sync-user"));
    const domain = `${emulator.accountId}.onaliyun.com`;
    await emulator.console("ims", "CreateApplicationAssignment", {
      AppId: cli,
      PrincipalType: "user",
      PrincipalName: `sync-user@${domain}`,
    });
    await call("PUT", `/Users/${id}`, { schemas: [USER], userName: "renamed-user" });
    const listed = await emulator.console("ims", "ListApplicationAssignments", { AppId: cli });
    expect(JSON.stringify(listed)).toContain(`renamed-user@${domain}`);
  });

  test("externalIds and SCIM tokens survive a restart from the state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scim-state-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startEmulator({ port: 0, stateFile });
      const app = await scimServerApp(imsClient(first));
      const t = await scimToken(first, app);
      const created = await scim(first, t, "POST", "/Users", {
        schemas: [USER],
        userName: "kept",
        externalId: "k-1",
      });
      await first.close();
      expect(readFileSync(stateFile, "utf8")).not.toContain(t);
      const second = await startEmulator({ port: 0, stateFile });
      try {
        const res = await scim(second, t, "GET", `/Users/${idOf(created)}`);
        expect([res.status, res.body?.externalId]).toEqual([200, "k-1"]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
