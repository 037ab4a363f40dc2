/**
 * ScimDirectory against the emulator, provider methods called as the engine
 * calls them: exact call counts for create, the drift read (paged), one
 * change, one removal; drift of exactly one person; users the directory never
 * made left alone; partial state after a failure part-way and a re-run with
 * no duplicate; honest conflicts; the deletion guard at its edges.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetCallerAccount } from "../../provider/account";
import { listAllScimUsers, resetScimTokens } from "../../provider/client/scim";
import { setWarningSink } from "../../provider/diagnostics";
import type { DirectoryEntry } from "../../provider/directory";
import { UNKNOWN } from "../../provider/normalize";
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
  peopleMaps,
  ROSTER_HEADER,
  type ScimDirectoryOutputs,
} from "../../provider/resources/scimDirectory";
import { configOf, startWired } from "./harness";

let emulator: Emulator;
let config: Record<string, string>;
let a: ScimApplicationOutputs;
const OTHER = {
  accountId: "2234567890123456",
  accessKeyId: "LTAI5tEmulatorOtherKey",
  accessKeySecret: "other-account-secret-0123456789",
};
const PROVIDER = "shim-text";

beforeAll(async () => {
  const wired = await startWired({ accounts: [OTHER] });
  emulator = wired.emulator;
  config = wired.config;
  await App.configure(configOf(wired.config));
  await D.configure(configOf(wired.config));
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  resetScimTokens();
  a = (await App.create(checkScimApplicationInputs({ appName: "directory-sync" }).inputs)).outs;
  await emulator.clearRequests();
});

const people = (n: number, from = 0): DirectoryEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    userName: `user${i + from}`,
    displayName: `User ${i + from}`,
    externalId: `emp-${String(i + from).padStart(5, "0")}`,
  }));

/** The inputs the engine hands the provider after check, with olds for the guard. */
function inputs(
  entries: DirectoryEntry[],
  extra: Record<string, unknown> = {},
  olds: Record<string, unknown> = {},
) {
  const { inputs, failures } = checkScimDirectoryInputs(olds, {
    ...directoryMaps(entries),
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    __provider: PROVIDER,
    ...extra,
  });
  return { inputs, failures };
}
const ok = (entries: DirectoryEntry[], extra: Record<string, unknown> = {}) => {
  const { inputs: i, failures } = inputs(entries, extra);
  expect(failures).toEqual([]);
  return i;
};

const calls = async () => {
  const counts: Record<string, number> = {};
  for (const r of await emulator.requests({ service: "scim" }))
    if (r.status < 400) counts[r.action] = (counts[r.action] ?? 0) + 1;
  for (const r of await emulator.requests({ service: "oauth" }))
    if (r.status < 400) counts[r.action] = (counts[r.action] ?? 0) + 1;
  return counts;
};
const scimUsers = async () => listAllScimUsers({ clientId: a.clientId, clientSecret: a.clientSecret });

async function synced(entries: DirectoryEntry[]): Promise<{ id: string; outs: ScimDirectoryOutputs }> {
  const res = await D.create(ok(entries));
  await emulator.clearRequests();
  return res;
}

describe("ScimDirectory sync", () => {
  it("creates 250 people: one token, one paged read, one POST each; ~one line of state per person", async () => {
    const res = await D.create(ok(people(250)));
    expect(await calls()).toEqual({ Token: 1, ListUsers: 1, CreateUser: 250 });
    expect(Object.keys(peopleMaps(res.outs).people)).toHaveLength(250);
    expect(peopleMaps(res.outs).people["emp-00007"]).toBe("user7 (User 7)");
    expect(Object.keys(directoryIds(res.outs).ids)).toHaveLength(250);
    expect((await scimUsers()).filter((u) => u.externalId.startsWith("emp-"))).toHaveLength(250);
    // The outputs a person adds, compact JSON: value + id (the secret is held once, not per person).
    const perPerson =
      (JSON.stringify(res.outs).length -
        JSON.stringify((await D.create(ok([], { allowEmpty: true }))).outs).length) /
      250;
    expect(perPerson).toBeLessThan(80);
  });

  it("reads drift with SCIM paging: ceil(N/100) list calls, and no change on an unchanged account", async () => {
    const { id, outs } = await synced(people(250));
    await emulator.console("ram", "CreateUser", { UserName: "console.only" });
    const read = await D.read(id, outs);
    expect(await calls()).toEqual({ ListUsers: 3 }); // 251 users, 100 a page
    expect(read.props).toEqual(outs);
    expect((await D.diff(id, read.props, ok(people(250)))).changes).toBe(false);
  });

  it("reads its pages `concurrency` at a time: all at once by default, one by one with concurrency 1", async () => {
    const res = await D.create(ok(people(950)));
    // Every page answers 300 ms late: how many arrive before the second page is answered.
    await emulator.injectFault({ service: "scim", action: "ListUsers", kind: "latency", latencyMs: 300 });
    const atOnce = async (concurrency: number) => {
      await emulator.clearRequests();
      await D.read(res.id, { ...res.outs, concurrency });
      const arrived = (await emulator.requests())
        .filter((r) => r.action === "ListUsers")
        .map((r) => Date.parse(r.time));
      expect(arrived).toHaveLength(10); // 950 users, 100 a page
      return arrived.slice(1).filter((t) => t - arrived[1]! < 150).length;
    };
    expect(await atOnce(16)).toBe(9);
    expect(await atOnce(1)).toBe(1);
  });

  it("pages by what the service returns: 20 users at 7 a page are 3 calls, each user once", async () => {
    await synced(people(20));
    const all = await listAllScimUsers({ clientId: a.clientId, clientSecret: a.clientSecret }, 7);
    expect(await calls()).toEqual({ ListUsers: 3 });
    expect(new Set(all.map((u) => u.id)).size).toBe(20);
  });

  it("shows a console edit and a console deletion as drift of exactly those people, and repairs them", async () => {
    const { id, outs } = await synced(people(30));
    await emulator.console("ram", "UpdateUser", { UserName: "user3", NewDisplayName: "Edited by hand" });
    await emulator.console("ram", "DeleteUser", { UserName: "user4" });
    const read = await D.read(id, outs);
    expect(peopleMaps(read.props).people["emp-00003"]).toBe("user3 (Edited by hand)");
    expect(peopleMaps(read.props).people["emp-00004"]).toBeUndefined();
    const changed = Object.keys(peopleMaps(outs).people).filter(
      (k) => peopleMaps(read.props).people[k] !== peopleMaps(outs).people[k],
    );
    expect(changed).toEqual(["emp-00003", "emp-00004"]);
    expect((await D.diff(id, read.props, ok(people(30)))).changes).toBe(true);
    await emulator.clearRequests();
    const fixed = await D.update(id, read.props, ok(people(30)));
    expect(await calls()).toEqual({ ReplaceUser: 1, CreateUser: 1 });
    expect(peopleMaps(fixed.outs).people).toEqual(peopleMaps(outs).people);
  });

  it("one changed person is exactly one PUT; one removed line is exactly one DELETE", async () => {
    const { id, outs } = await synced(people(40));
    const edited = people(40).map((p) => (p.userName === "user9" ? { ...p, displayName: "Nine" } : p));
    const one = await D.update(id, outs, ok(edited));
    expect(await calls()).toEqual({ ReplaceUser: 1 });
    await emulator.clearRequests();
    const fewer = edited.filter((p) => p.userName !== "user12");
    const two = await D.update(id, one.outs, ok(fewer));
    expect(await calls()).toEqual({ DeleteUser: 1 });
    expect(peopleMaps(two.outs).people["emp-00012"]).toBeUndefined();
    expect((await scimUsers()).map((u) => u.userName)).not.toContain("user12");
  });

  it("reads, updates and deletes state written by earlier versions (people and ids as maps)", async () => {
    const { id, outs } = await synced([...people(3), { userName: "Nobody.Else" }]);
    const { ids, idsByName } = directoryIds(outs);
    expect(Object.keys(ids)).toHaveLength(3);
    expect(idsByName).toEqual({ "nobody.else": expect.any(String) });
    // What earlier versions wrote: ids and idsByName as maps, and (earlier still) the people too.
    const mapIds = { ...outs, ids, idsByName } as unknown as ScimDirectoryOutputs;
    const allMaps = { ...mapIds, ...peopleMaps(outs) } as unknown as ScimDirectoryOutputs;
    for (const old of [mapIds, allMaps]) {
      const read = await D.read(id, old);
      expect(read.props).toEqual(outs); // the same people and ids, now as text
      expect(await calls()).toEqual({ ListUsers: 1 });
      expect((await D.diff(id, old, ok([...people(3), { userName: "Nobody.Else" }]))).changes).toBe(false);
      await emulator.clearRequests();
    }
    const edited = [...people(3).map((p) => ({ ...p, displayName: "Edited" })), { userName: "Nobody.Else" }];
    expect((await D.diff(id, allMaps, ok(edited))).changes).toBe(true);
    expect((await D.diff(id, outs, ok(edited))).changes).toBe(true);
    const res = await D.update(id, allMaps, ok(edited));
    expect(await calls()).toEqual({ ReplaceUser: 3 }); // each by the id the old state held
    expect(directoryIds(res.outs)).toEqual({ ids, idsByName });
    await emulator.clearRequests();
    await D.delete(id, allMaps);
    expect(await calls()).toEqual({ DeleteUser: 4 });
    expect(await scimUsers()).toEqual([]);
  });

  it("a new externalId for the same user name is one PUT, not a delete and a create", async () => {
    const { id, outs } = await synced(people(3));
    const rekeyed = people(3).map((p) => (p.userName === "user1" ? { ...p, externalId: "hr-1" } : p));
    const res = await D.update(id, outs, ok(rekeyed));
    expect(await calls()).toEqual({ ReplaceUser: 1 });
    expect(directoryIds(res.outs).ids["hr-1"]).toBe(directoryIds(outs).ids["emp-00001"]);
    expect((await scimUsers()).find((u) => u.userName === "user1")?.externalId).toBe("hr-1");
  });

  it("people who gain an externalId are not deletions to the guard: the preview and the update agree", async () => {
    // Four people without an externalId, guarded at 2 deletions.
    const bare = people(4).map(({ externalId: _e, ...p }) => p);
    const { id, outs } = await synced(bare);
    const guarded = { ...outs, maxDeletions: 2 };
    const keyed = people(4);
    // All four re-keyed (same user names): nobody is deleted, so nothing to confirm. The engine
    // gives a check the old inputs (no SCIM ids in them), the recorded outputs to an update.
    expect(inputs(keyed, { maxDeletions: 2 }, ok(bare, { maxDeletions: 2 })).failures).toEqual([]);
    expect((await D.diff(id, guarded, ok(keyed, { maxDeletions: 2 }))).changes).toBe(true);
    const res = await D.update(id, guarded, ok(keyed, { maxDeletions: 2 }));
    expect(await calls()).toEqual({ ReplaceUser: 4 });
    expect(Object.keys(directoryIds(res.outs).ids).sort()).toEqual(keyed.map((p) => p.externalId).sort());
    // Three re-keyed under new user names are three deletions (and three creates): refused at 2.
    const renamed = keyed.map((p, i) => (i < 3 ? { ...p, userName: `new${i}`, externalId: `hr-${i}` } : p));
    const renamedNews = ok(renamed, { maxDeletions: 2 });
    await D.check({}, renamedNews); // the diff judges the guard for what a check returned
    await expect(D.diff(id, res.outs, renamedNews)).rejects.toThrow(/would delete 3 people/);
    await expect(D.update(id, res.outs, ok(renamed, { maxDeletions: 2 }))).rejects.toThrow(
      /would delete 3 people/,
    );
  });

  it("leaves alone users it never created, even on delete", async () => {
    await emulator.console("ram", "CreateUser", { UserName: "break.glass" });
    const { id, outs } = await synced(people(5));
    await D.delete(id, outs);
    expect((await scimUsers()).map((u) => u.userName)).toEqual(["break.glass"]);
  });

  it("refuses to delete more than maxDeletions people unless allowDestroy was recorded, before any call", async () => {
    const { id, outs } = await synced(people(4));
    const guarded = { ...outs, maxDeletions: 3 };
    await expect(D.delete(id, guarded)).rejects.toThrow(
      /^Set allowDestroy: true on it and run pulumi up first.*deleting this ScimDirectory would delete its 4 people/,
    );
    expect(await calls()).toEqual({});
    expect(await scimUsers()).toHaveLength(4);
    // Exactly maxDeletions is allowed; so is any number once allowDestroy was recorded.
    await D.delete(id, { ...outs, maxDeletions: 4 });
    expect(await scimUsers()).toHaveLength(0);
    const again = await synced(people(4));
    await D.delete(again.id, { ...again.outs, maxDeletions: 0, allowDestroy: true });
    expect(await scimUsers()).toHaveLength(0);
  });

  it("a replacement (the new directory created first) deletes only whom the new one does not hold", async () => {
    // The old directory: 4 people, maxDeletions 1, no allowDestroy recorded.
    const old = await synced(people(4));
    const guarded = { ...old.outs, maxDeletions: 1 };
    // The replacement takes all 4 over: the old one's delete removes nobody, and is not refused.
    const same = await D.create(ok(people(4)));
    await emulator.clearRequests();
    await D.delete(old.id, guarded);
    expect((await calls()).DeleteUser ?? 0).toBe(0);
    expect(await scimUsers()).toHaveLength(4);
    expect(Object.keys(directoryIds(same.outs).ids)).toHaveLength(4);
    // A replacement that keeps 3 of the 4: the old one deletes the one left (within maxDeletions 1).
    const kept = await D.create(ok(people(3)));
    await emulator.clearRequests();
    await D.delete(same.id, { ...same.outs, maxDeletions: 1 });
    expect(await calls()).toMatchObject({ DeleteUser: 1 });
    expect((await scimUsers()).map((u) => u.externalId).sort()).toEqual(
      Object.keys(directoryIds(kept.outs).ids).sort(),
    );
    // A replacement that keeps 1 of the 3: 2 would go, more than maxDeletions 1, so it is refused.
    await D.create(ok(people(1)));
    await emulator.clearRequests();
    await expect(D.delete(kept.id, { ...kept.outs, maxDeletions: 1 })).rejects.toThrow(
      /^Remove this old ScimDirectory from the stack's state \(pulumi state delete with its URN\): its 2 people .*the new one took over 1 of its people.*Nothing was deleted/,
    );
    expect(await calls()).toEqual({});
    expect(await scimUsers()).toHaveLength(3);
  });

  it("a replaced directory whose deletes fail ends its delete with a warning, never as a retry that forgets", async () => {
    const old = await synced(people(4));
    await D.create(ok(people(3)));
    const warnings: string[] = [];
    setWarningSink((m) => warnings.push(m));
    await emulator.injectFault({ service: "scim", action: "DeleteUser", kind: "server-error", ratio: 1 });
    try {
      // The one person the new directory dropped cannot be deleted: no error (a pending delete's
      // retry would delete the three the new one holds), a warning naming what stays.
      await D.delete(old.id, old.outs);
    } finally {
      await emulator.clearFaults();
      setWarningSink(undefined);
    }
    expect(warnings.join("\n")).toMatch(
      /^ScimDirectory \(replaced\): 1 people it no longer lists could not be deleted/,
    );
    expect(await scimUsers()).toHaveLength(4);
  });

  it("records the people done when a sync fails part-way; the re-run finishes with no duplicate", async () => {
    const all = people(40);
    // Half of all calls fail; a person fails when all 4 attempts do. Seeded, and one call at a time.
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "server-error", ratio: 0.5 });
    const err = (await D.create(ok(all, { concurrency: 1 })).catch((e) => e)) as Error & {
      id: string;
      properties: ScimDirectoryOutputs & { __provider?: string };
    };
    const done = Object.keys(peopleMaps(err.properties ?? {}).people).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(40);
    expect(err.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toMatch(/What exists so far is recorded in the stack's state/);
    expect(err.properties.__provider).toBe(PROVIDER); // refresh and delete need it
    expect(err.properties.clientSecret).toBe(a.clientSecret); // held once, as an input is
    await emulator.clearFaults();
    await emulator.clearRequests();
    // The engine runs update on the recorded resource.
    const fixed = await D.update(err.id, err.properties, ok(all));
    expect(await calls()).toEqual({ CreateUser: 40 - done });
    expect(Object.keys(peopleMaps(fixed.outs).people)).toHaveLength(40);
    const names = (await scimUsers()).map((u) => u.userName);
    expect(new Set(names).size).toBe(40);
    expect(names).toHaveLength(40);
  });

  it("after a failed up the guard counts from the state, as up deletes: at preview (diff) and before update's first call", async () => {
    const start = await D.create(ok(people(10), { maxDeletions: 3 }));
    const seven = people(7);
    // Up 1 drops 3 (within maxDeletions) and fails on the deletes: the engine then stores the
    // 7-person roster as the inputs, and the 10 people still held as the state.
    await emulator.injectFault({ service: "scim", action: "DeleteUser", kind: "server-error", ratio: 1 });
    const err = (await D.update(start.id, start.outs, ok(seven, { maxDeletions: 3 })).catch(
      (e) => e,
    )) as Error & {
      properties: ScimDirectoryOutputs;
    };
    await emulator.clearFaults();
    expect(Object.keys(peopleMaps(err.properties).people)).toHaveLength(10);
    // Up 2 drops 3 more: 3 against the old inputs, but 6 against the state, which up would delete.
    const storedInputs = ok(seven, { maxDeletions: 3 });
    const four = inputs(people(4), { maxDeletions: 3 }, storedInputs);
    expect(four.failures).toEqual([]);
    const refusal =
      /^Set confirmDeletions: 6 to let these deletions through once.*would delete 6 people, more than maxDeletions \(3\)/;
    await D.check(storedInputs, four.inputs);
    await expect(D.diff(start.id, err.properties, four.inputs)).rejects.toThrow(refusal);
    await emulator.clearRequests();
    await expect(D.update(start.id, err.properties, four.inputs)).rejects.toThrow(refusal);
    expect(await calls()).toEqual({});
    expect(await scimUsers()).toHaveLength(10);
    // Confirmed with the count the state gives, up deletes exactly those 6.
    const confirmed = inputs(people(4), { maxDeletions: 3, confirmDeletions: 6 }, storedInputs).inputs;
    expect((await D.diff(start.id, err.properties, confirmed)).changes).toBe(true);
    await emulator.clearRequests();
    await D.update(start.id, err.properties, confirmed);
    expect(await calls()).toEqual({ DeleteUser: 6 });
    expect((await scimUsers()).map((u) => u.userName).sort()).toEqual(["user0", "user1", "user2", "user3"]);
  });

  it("a person removed whose SCIM id the state lost is looked up by user name and externalId and deleted, not stranded", async () => {
    const { id, outs } = await synced(people(3));
    const lost = {
      ...outs,
      ids: outs.ids
        .split("\n")
        .filter((l) => !l.includes("emp-00002"))
        .join("\n"),
    };
    expect(directoryIds(lost).ids["emp-00002"]).toBeUndefined();
    await D.update(id, lost, ok(people(2)));
    expect(await calls()).toEqual({ ListUsers: 1, DeleteUser: 1 });
    expect((await scimUsers()).map((u) => u.userName).sort()).toEqual(["user0", "user1"]);
  });

  it("people who swap user names, or rename in a chain, are renamed in one up, each keeping their RAM user", async () => {
    const { id, outs } = await synced(people(4));
    const idsBefore = new Map((await scimUsers()).map((u) => [u.externalId, u.id]));
    await emulator.clearRequests();
    const [p0, p1, p2, p3] = people(4);
    // 0 and 1 swap names; 2 takes 3's name, which 3 leaves for a new one (tried in that order).
    const wanted = [
      { ...p0!, userName: "user1" },
      { ...p1!, userName: "user0" },
      { ...p2!, userName: "user3" },
      { ...p3!, userName: "user9" },
    ];
    const res = await D.update(id, outs, ok(wanted, { concurrency: 1 }));
    // 4 renames and one step aside for the swap; nothing deleted or created.
    expect(await calls()).toEqual({ ReplaceUser: 5 });
    const live = await scimUsers();
    expect(Object.fromEntries(live.map((u) => [u.externalId, u.userName]))).toEqual({
      "emp-00000": "user1",
      "emp-00001": "user0",
      "emp-00002": "user3",
      "emp-00003": "user9",
    });
    expect(new Map(live.map((u) => [u.externalId, u.id]))).toEqual(idsBefore);
    expect(peopleMaps(res.outs).people).toEqual(peopleMaps(ok(wanted)).people);
    expect(
      (await D.diff(id, (await D.read(id, res.outs)).props, ok(wanted, { concurrency: 1 }))).changes,
    ).toBe(false);
  });

  it("three swaps at once converge in one up; a chain ending at a name held outside steps nobody aside", async () => {
    const { id, outs } = await synced(people(6));
    const swapped = people(6).map((p, i) => ({ ...p, userName: `user${i % 2 === 0 ? i + 1 : i - 1}` }));
    const res = await D.update(id, outs, ok(swapped));
    expect(Object.fromEntries((await scimUsers()).map((u) => [u.externalId, u.userName]))).toEqual(
      Object.fromEntries(swapped.map((p) => [p.externalId, p.userName])),
    );
    // user0 wants a name a console user holds; user1 wants user0's name: no cycle, nobody moves aside.
    await emulator.console("ram", "CreateUser", { UserName: "held.outside" });
    const [p0, p1, ...rest] = swapped;
    const wanted = [{ ...p0!, userName: "held.outside" }, { ...p1!, userName: p0!.userName }, ...rest];
    const err = (await D.update(id, res.outs, ok(wanted)).catch((e) => e)) as Error;
    expect(err.message).toMatch(/SCIM refused to set userName 'held\.outside'/);
    expect((await scimUsers()).map((u) => u.userName)).not.toContainEqual(expect.stringMatching(/moving/));
  });

  it("a name a user outside the directory holds is one person's problem; a refused delete holds back no rename", async () => {
    const { id, outs } = await synced(people(3));
    await emulator.console("ram", "CreateUser", { UserName: "taken.name" });
    // user2 has a policy attached: RAM refuses to delete it over SCIM.
    await emulator.console("ram", "AttachPolicyToUser", {
      PolicyType: "System",
      PolicyName: "AliyunOSSReadOnlyAccess",
      UserName: "user2",
    });
    const [p0, p1] = people(2);
    const wanted = [
      { ...p0!, userName: "taken.name" },
      { ...p1!, userName: "user1b" },
      { userName: "user9", displayName: "User 9", externalId: "emp-00009" },
    ];
    const err = (await D.update(id, outs, ok(wanted)).catch((e) => e)) as Error & {
      properties: ScimDirectoryOutputs;
    };
    expect(err.message).toMatch(/user2: RAM refused to delete the user/);
    expect(err.message).toMatch(
      /taken\.name: SCIM refused to set userName 'taken\.name' .*another RAM user holds it, and this sync does not move it away/,
    );
    // The rename and the new person went through; user0 and user2 stay as they were, in state too.
    expect(peopleMaps(err.properties).people).toEqual({
      "emp-00000": "user0 (User 0)",
      "emp-00001": "user1b (User 1)",
      "emp-00002": "user2 (User 2)",
      "emp-00009": "user9 (User 9)",
    });
    expect((await scimUsers()).map((u) => u.userName).sort()).toEqual([
      "taken.name",
      "user0",
      "user1b",
      "user2",
      "user9",
    ]);
  });

  it("a failed up does not record allowDestroy or a higher maxDeletions: only a successful one does", async () => {
    const start = await D.create(ok(people(4), { maxDeletions: 3 }));
    // This up would record allowDestroy and maxDeletions 50, and fails adding a fifth person.
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "server-error", ratio: 1 });
    const err = (await D.update(
      start.id,
      start.outs,
      ok(people(5), { maxDeletions: 50, allowDestroy: true }),
    ).catch((e) => e)) as Error & { properties: ScimDirectoryOutputs };
    await emulator.clearFaults();
    expect(err.properties).toMatchObject({ allowDestroy: false, maxDeletions: 3 });
    // 4 synced, and the fifth, whose create got no answer (pending): the delete would look it up too.
    await expect(D.delete(start.id, err.properties)).rejects.toThrow(
      /^Set allowDestroy: true on it and run pulumi up first.*deleting this ScimDirectory would delete its 5 people/,
    );
    // A first sync that fails records the defaults, whatever it asked for.
    await emulator.injectFault({
      service: "scim",
      action: "CreateUser",
      kind: "server-error",
      nth: 2,
      count: 99,
    });
    const first = (await D.create(ok(people(3, 10), { maxDeletions: 500, allowDestroy: true })).catch(
      (e) => e,
    )) as Error & { properties: ScimDirectoryOutputs };
    await emulator.clearFaults();
    expect(first.properties).toMatchObject({ allowDestroy: false, maxDeletions: 100 });
  });

  it("a create whose answers are all lost is remembered: the re-run takes it over, a destroy deletes it", async () => {
    const all = people(6);
    // The 3rd create is made, but its answer and every retry's are lost (the retries meet 409s).
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "lost", nth: 3, count: 4 });
    const err = (await D.create(ok(all, { concurrency: 1 })).catch((e) => e)) as Error & {
      id: string;
      properties: ScimDirectoryOutputs;
    };
    expect(Object.keys(peopleMaps(err.properties).people)).toEqual(["emp-00000", "emp-00001"]);
    expect(err.properties.pending).toEqual({ "e:emp-00002": "user2 (User 2)" });
    expect((await scimUsers()).map((u) => u.userName)).toEqual(["user0", "user1", "user2"]);
    // A destroy right after the failure strands nobody: the pending person is found and deleted.
    await emulator.clearFaults();
    await D.delete(err.id, err.properties);
    expect(await scimUsers()).toEqual([]);
  });

  it("after lost answers, the re-run takes the person over instead of creating a second", async () => {
    const all = people(6);
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "lost", nth: 3, count: 4 });
    const err = (await D.create(ok(all, { concurrency: 1 })).catch((e) => e)) as Error & {
      id: string;
      properties: ScimDirectoryOutputs;
    };
    await emulator.clearFaults();
    await emulator.clearRequests();
    const fixed = await D.update(err.id, err.properties, ok(all));
    // user2 was found by the 409 (one lookup by the externalId SCIM named), not made twice.
    expect(await calls()).toEqual({ CreateUser: 3, ListUsers: 1 });
    expect(fixed.outs.pending).toBeUndefined();
    expect(Object.keys(peopleMaps(fixed.outs).people)).toHaveLength(6);
    const names = (await scimUsers()).map((u) => u.userName);
    expect(names.sort()).toEqual(["user0", "user1", "user2", "user3", "user4", "user5"]);
  });

  it("an update that fails part-way records what it did", async () => {
    const made = await synced(people(25));
    await emulator.injectFault({ service: "scim", action: "CreateUser", kind: "server-error" });
    const err = (await D.update(made.id, made.outs, ok(people(40))).catch((e) => e)) as Error & {
      id: string;
      properties: ScimDirectoryOutputs;
    };
    expect(err.id).toBe(made.id);
    expect(peopleMaps(err.properties).people).toEqual(peopleMaps(made.outs).people);
    // Not one failed call per remaining person: the pool stops starting new work.
    expect((await emulator.requests({ service: "scim" })).length).toBeLessThanOrEqual(16 * 4);
  });

  it("takes over people already there with the same userName and externalId (migration, lost answers)", async () => {
    // What a per-user stack (or an earlier run whose answer was lost) left behind.
    const first = await D.create(ok(people(10)));
    await emulator.clearRequests();
    const adopted = await D.create(ok(people(12)));
    expect(await calls()).toEqual({ ListUsers: 1, CreateUser: 2 });
    expect(directoryIds(adopted.outs).ids["emp-00003"]).toBe(directoryIds(first.outs).ids["emp-00003"]);
    expect(await scimUsers()).toHaveLength(12);
  });

  it("on a 409 during update looks the holder up once by the field SCIM named and takes it over if it is the same person", async () => {
    const { id, outs } = await synced(people(2));
    // Made by a call whose answer never arrived: same userName and externalId.
    await D.create(ok(people(1, 2))).then(() => emulator.clearRequests());
    const res = await D.update(id, outs, ok(people(3)));
    const log = (await emulator.requests({ service: "scim" })).map((r) => `${r.action}:${r.status}`);
    expect(log).toEqual(["CreateUser:409", "ListUsers:200"]);
    expect(peopleMaps(res.outs).people["emp-00002"]).toBe("user2 (User 2)");
    expect(await scimUsers()).toHaveLength(3);
  });
});

describe("ScimDirectory is bound to its account", () => {
  it("records the account, and refuses refresh, update and delete with another account's keys before any SCIM call", async () => {
    const { id, outs } = await synced(people(3));
    expect(outs).toMatchObject({ accountId: emulator.accountId });
    const other = {
      ...config,
      "alicloud-federation:accessKeyId": OTHER.accessKeyId,
      "alicloud-federation:accessKeySecret": OTHER.accessKeySecret,
    };
    resetCallerAccount();
    await D.configure(configOf(other));
    try {
      await emulator.clearRequests();
      for (const attempt of [
        () => D.read(id, outs),
        () => D.update(id, outs, ok(people(4))),
        () => D.delete(id, outs),
      ])
        await expect(attempt()).rejects.toThrow(
          new RegExp(`belongs to account ${emulator.accountId}.*refusing to .*nothing was changed`, "s"),
        );
      expect((await emulator.requests()).filter((r) => r.service === "scim")).toEqual([]);
      expect(await scimUsers()).toHaveLength(3);
    } finally {
      resetCallerAccount();
      await D.configure(configOf(config));
    }
  });
});

describe("ScimDirectory conflicts name the field SCIM reported", () => {
  it("userName held by another directory person: no adoption advice", async () => {
    await D.create(ok([{ userName: "alice", externalId: "hr-7" }]));
    resetScimTokens();
    const err = (await D.create(ok([{ userName: "ALICE", externalId: "emp-1" }])).catch((e) => e)) as Error;
    expect(err.message).toMatch(/ALICE: userName is taken by another directory person \(externalId 'hr-7'\)/);
    expect(err.message).not.toMatch(/adoptExisting/);
  });

  it("a console user with the same name: adoption advice, and adoptExisting takes it over", async () => {
    await emulator.console("ram", "CreateUser", { UserName: "bob" });
    const err = (await D.create(ok([{ userName: "bob", externalId: "emp-2" }])).catch((e) => e)) as Error;
    expect(err.message).toMatch(
      /bob: userName is taken by a RAM user without externalId.*adoptExisting: true/s,
    );
    const res = await D.create(ok([{ userName: "bob", externalId: "emp-2" }], { adoptExisting: true }));
    expect((await scimUsers()).map((u) => [u.userName, u.externalId])).toEqual([["bob", "emp-2"]]);
    expect(peopleMaps(res.outs).people).toEqual({ "emp-2": "bob" });
  });

  it("externalId held under another user name: says externalId, and how to adopt", async () => {
    await D.create(ok([{ userName: "carol.old", externalId: "emp-3" }]));
    const { id, outs } = await synced([{ userName: "dave", externalId: "emp-4" }]);
    const err = (await D.update(
      id,
      outs,
      ok([...[{ userName: "dave", externalId: "emp-4" }], { userName: "carol", externalId: "emp-3" }]),
    ).catch((e) => e)) as Error & { properties: ScimDirectoryOutputs };
    expect(err.message).toMatch(
      /carol: externalId 'emp-3' is already held by RAM user 'carol.old'.*adoptExisting/s,
    );
    expect(peopleMaps(err.properties).people).toEqual({ "emp-4": "dave" });
  });
});

describe("ScimDirectory check: the deletion guard at preview", () => {
  const olds = (n: number) => ok(people(n));
  it("refuses more than maxDeletions at preview (diff, counted from the state), naming the count and the confirmation", async () => {
    const refusal = (
      entries: DirectoryEntry[],
      extra: Record<string, unknown>,
      state: Record<string, unknown>,
    ) =>
      D.check({}, ok(entries, extra))
        .then(() => D.diff("people", state, ok(entries, extra)))
        .then(
          () => undefined,
          (e: Error) => e.message,
        );
    expect(await refusal(people(150), {}, olds(251))).toMatch(
      /^Set confirmDeletions: 101 .*would delete 101 people, more than maxDeletions \(100\)/,
    );
    // Each check plans one diff: another diff of the same inputs (another directory's refresh) judges nothing.
    expect((await D.diff("people", olds(251), ok(people(150)))).changes).toBe(true);
    // The check asks for a confirmation, counted from the old inputs; its exact value is the diff's
    // to judge, from the state (after a failed up the two differ).
    expect(inputs(people(150), {}, olds(251)).failures[0]?.reason).toMatch(/^Set confirmDeletions: 101 /);
    expect(inputs(people(150), { confirmDeletions: 7 }, olds(251)).failures).toEqual([]);
    // A refresh diffs the refreshed state with inputs no check of the process returned: nothing to refuse.
    expect((await D.diff("people", olds(251), ok(people(149)))).changes).toBe(true);
    // A guard setting unknown at preview is not replaced by its default: nothing is counted until up.
    const pending = inputs(people(150), { maxDeletions: UNKNOWN }, olds(251));
    expect(pending.failures).toEqual([]);
    expect(pending.inputs.maxDeletions).toBe(UNKNOWN);
    expect(await refusal(people(151), {}, olds(251))).toBeUndefined(); // exactly 100: allowed
    expect(await refusal(people(150), { confirmDeletions: 101 }, olds(251))).toBeUndefined();
    expect(await refusal(people(150), { confirmDeletions: 100 }, olds(251))).toMatch(
      /confirmDeletions is 100, which does not match/,
    );
    expect(await refusal(people(5), { maxDeletions: 0 }, olds(6))).toMatch(/delete 1 people/);
    expect(await refusal(people(6), { maxDeletions: 0 }, olds(6))).toBeUndefined();
  });

  it("a confirmation with nothing to confirm is a warning at every preview until it is removed", async () => {
    const { id, outs } = await synced(people(5));
    const warned: string[] = [];
    setWarningSink((m) => warned.push(m));
    try {
      const plan = (entries: DirectoryEntry[], extra: Record<string, unknown>) =>
        D.check({}, ok(entries, { maxDeletions: 2, ...extra })).then(() =>
          D.diff(id, { ...outs, maxDeletions: 2 }, ok(entries, { maxDeletions: 2, ...extra })),
        );
      // The up that uses it: no warning.
      await plan(people(2), { confirmDeletions: 3 });
      expect(warned).toEqual([]);
      // Left in the program with nothing to confirm: said, counted from the state as up deletes.
      await plan(people(4), { confirmDeletions: 3 });
      await plan(people(5), { confirmDeletions: 3 });
      expect(warned).toEqual(
        [1, 0].map(
          (n) =>
            `ScimDirectory: Remove confirmDeletions (3) from the program: this update deletes ${n} ${n === 1 ? "person" : "people"}, within maxDeletions (2), ` +
            "so there is nothing for it to confirm; left in place, it lets a later update that deletes exactly 3 people through without asking.",
        ),
      );
      warned.length = 0;
      await plan(people(4), {});
      expect(warned).toEqual([]);
    } finally {
      setWarningSink(undefined);
    }
  });

  it("keeps what the engine prints short at any size: 10,000 bad people, a 150-person removal", async () => {
    // What the engine prints per failure: its ~100 characters, the property, the value of a
    // top-level property, the reason; twice (as it happens and under Diagnostics).
    const printed = (failures: Array<{ property: string; reason: string }>, news: Record<string, unknown>) =>
      2 *
      failures.reduce(
        (n, f) =>
          n +
          100 +
          f.property.length +
          f.reason.length +
          (f.property in news ? JSON.stringify(news[f.property]).length : 0),
        0,
      );
    const bad = Array.from({ length: 10_000 }, (_, i) => `emp-${i} bad!name${i}`);
    const news = { people: [ROSTER_HEADER, ...bad, ""].join("\n"), clientSecret: "never-shown-secret" };
    const many = (await D.check({}, news)).failures ?? [];
    expect(printed(many, news)).toBeLessThan(4096);
    expect(many.at(-1)?.reason).toMatch(/^Fix the problems above and run preview again: \d+ more not shown/);
    // A 150-person removal is refused by the diff, whose error the engine prints alone.
    const big = ok(people(10_000));
    await D.check({}, { ...ok(people(9_850)), __provider: PROVIDER });
    const removal = (await D.diff("people", big, { ...ok(people(9_850)), __provider: PROVIDER }).catch(
      (e) => e,
    )) as Error;
    expect(removal.message.slice(0, 100)).toContain("Set confirmDeletions: 150");
    expect(2 * (100 + removal.message.length)).toBeLessThan(4096);
  });

  it("refuses an empty directory unless allowEmpty", () => {
    expect(inputs([], {}, olds(3)).failures[0]?.reason).toMatch(
      /^Set allowEmpty: true if the directory really is empty now\. .*it would delete all 3 people/,
    );
    expect(inputs([], {}).failures[0]?.reason).toMatch(/empty/);
    expect(inputs([], { allowEmpty: true }, olds(3)).failures).toEqual([]);
  });

  it("checks every person and setting at once", () => {
    const long = "x".repeat(129);
    const { failures } = checkScimDirectoryInputs(
      {},
      {
        people: { "emp-1": "bad name", "emp-2": "Alice", "emp-3": "alice", [long]: "x" },
        peopleByName: { bob: "Bob2" },
        concurrency: 65,
        maxDeletions: -1,
      },
    );
    expect(failures.map((f) => `${f.property}: ${f.reason}`)).toEqual([
      "maxDeletions: must be a whole number, 0 or more (got -1)",
      "concurrency: must be a whole number from 1 to 64 (got 65)",
      'people["emp-1"]: must be `userName` or `userName (displayName)`',
      `peopleByName["bob"]: the key must be the lower-case user name 'bob2'`,
      `people["emp-3"]: userName 'alice' is also the user name of people["emp-2"]; RAM user names ignore case`,
      `people["${long}"]: externalId is 129 characters long, but at most 128 are allowed`,
    ]);
    // The roster form (what the class sends): every line's problem too, by line or by person.
    const roster = checkScimDirectoryInputs(
      {},
      {
        people: [
          ROSTER_HEADER,
          'emp-1 Alice "A"',
          "emp-2 alice",
          "emp-1 carol",
          "emp-4",
          `"${long}" dave`,
        ].join("\n"),
      },
    );
    expect(roster.failures.map((f) => `${f.property}: ${f.reason}`)).toEqual([
      "people line 4: externalId 'emp-1' is listed twice",
      'people line 5: must be `externalId userName` or `externalId userName "displayName"`',
      `people["emp-2"]: userName 'alice' is also the user name of people["emp-1"]; RAM user names ignore case`,
      `people["${long}"]: externalId is 129 characters long, but at most 128 are allowed`,
    ]);
    const edge = { people: { ["x".repeat(128)]: "x" }, concurrency: 64, maxDeletions: 0 };
    expect(checkScimDirectoryInputs({}, edge).failures).toEqual([]);
    expect(checkScimDirectoryInputs({}, { ...edge, concurrency: 0 }).failures).toHaveLength(1);
  });
});
