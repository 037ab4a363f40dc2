/**
 * examples/scim-directory under the real engine: the SCIM app and the whole
 * directory as one ScimDirectory come up with one token; a second up changes
 * nothing; a person edited in the console is caught by the drift gate and
 * repaired; removing a line deletes exactly that person; an empty or
 * truncated file is refused at preview, before any call; the client secret
 * never appears in plain text in state.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { REPO_ROOT } from "../../scripts/engine";
import { changeRecorder, type EngineHarness, outputSink, startEngine } from "./engine";

// Each engine run takes seconds, more on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const EXAMPLE = path.join(REPO_ROOT, "examples", "scim-directory");
const people = fs.readFileSync(path.join(EXAMPLE, "people.csv"), "utf8");
let h: EngineHarness;
let csv: string;

beforeAll(async () => {
  csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "af-scim-")), "people.csv");
  fs.writeFileSync(csv, people);
  h = await startEngine({ workDir: EXAMPLE, stackName: "e2e-scim", config: { directory: csv } });
}, 600_000);
afterAll(async () => {
  await h?.close();
  fs.rmSync(path.dirname(csv), { recursive: true, force: true });
}, 180_000);

type ScimUser = { id: string; userName: string; displayName: string };
async function ramUsers(): Promise<ScimUser[]> {
  const state = (await h.emulator.state()) as {
    services: { ram: { users: Array<Record<string, unknown>> } };
  };
  return state.services.ram.users.map((u) => ({
    id: String(u.userId),
    userName: String(u.userName),
    displayName: String(u.displayName),
  }));
}
/** Successful calls by action, SCIM and token only. */
async function calls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await h.emulator.requests())
    if ((r.service === "scim" || r.action === "Token") && r.status < 400)
      out[r.action] = (out[r.action] ?? 0) + 1;
  return out;
}
const without = (name: string) =>
  people
    .split("\n")
    .filter((l) => !l.startsWith(name))
    .join("\n");

it("ups the app and the whole directory as one resource, with one token", async () => {
  await h.emulator.clearRequests();
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toEqual({ create: 3 }); // stack, app, directory
  expect((await ramUsers()).map((u) => u.userName).sort()).toEqual([
    "alice.chen",
    "bob.kumar",
    "carol.ng",
    "dmitri.ivanov",
  ]);
  expect(await calls()).toEqual({ Token: 1, ListUsers: 1, CreateUser: 4 });
  const state = h.stateFile();
  expect(state).not.toMatch(/"clientSecret":\s*"[A-Za-z0-9]/);
  expect(res.outputs.scimClientSecret?.secret).toBe(true);
  expect(Object.keys(res.outputs.userIds?.value ?? {}).sort()).toEqual([
    "emp-1001",
    "emp-1002",
    "emp-1003",
    "emp-1004",
  ]);
}, 180_000);

it("shows no diff on a second up, and the refresh reads the directory in one page", async () => {
  await h.emulator.clearRequests();
  const res = await h.stack.up({ refresh: true });
  expect(res.summary.resourceChanges).toEqual({ same: 3 });
  expect((await calls()).ListUsers).toBe(1); // the refresh: 4 people, one page
}, 180_000);

it("catches a person edited in the console at the drift gate, naming them, and repairs them", async () => {
  await h.emulator.console("ram", "UpdateUser", {
    UserName: "bob.kumar",
    NewDisplayName: "Robert (edited by hand)",
  });
  const sink = outputSink();
  const plan = changeRecorder();
  const gate = await h.stack
    .preview({
      refresh: true,
      expectNoChanges: true,
      diff: true,
      onOutput: sink.onOutput,
      onEvent: plan.onEvent,
    })
    .then(
      () => "passed",
      () => "failed",
    );
  expect(gate).toBe("failed");
  // The engine's own line diff marks exactly the person who drifted, by externalId and user name
  // (the refresh, then the plan), with at most two lines of context around it, not the directory.
  const text = sink.lines.join("");
  const marked = text.split("\n").filter((l) => /^\s*[+-] emp-/.test(l));
  expect(marked).toEqual([
    expect.stringMatching(/- emp-1002 bob.kumar "Bob Kumar"$/),
    expect.stringMatching(/\+ emp-1002 bob.kumar "Robert \(edited by hand\)"$/),
    expect.stringMatching(/- emp-1002 bob.kumar "Robert \(edited by hand\)"$/),
    expect.stringMatching(/\+ emp-1002 bob.kumar "Bob Kumar"$/),
  ]);
  await h.emulator.clearRequests();
  const run = changeRecorder();
  const res = await h.stack.up({ refresh: true, onEvent: run.onEvent });
  expect(res.summary.resourceChanges).toMatchObject({ update: 1 });
  expect((await calls()).ReplaceUser).toBe(1);
  // The plan was the execution: the directory, and nothing else (not the SCIM app it uses).
  expect(plan.planned()).toHaveLength(1);
  expect(plan.planned()[0]).toMatch(/:update$/);
  expect(run.executed()).toEqual(plan.planned());
  expect((await ramUsers()).find((u) => u.userName === "bob.kumar")?.displayName).toBe("Bob Kumar");
}, 180_000);

it("deletes exactly the person whose line was removed, and the preview names them", async () => {
  fs.writeFileSync(csv, without("carol.ng"));
  const sink = outputSink();
  await h.stack.preview({ diff: true, onOutput: sink.onOutput });
  const marked = sink.lines
    .join("")
    .split("\n")
    .filter((l) => /^\s*[~+-] emp-/.test(l));
  expect(marked).toEqual([expect.stringMatching(/- emp-1003 carol.ng "Carol Ng"$/)]);
  await h.emulator.clearRequests();
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toMatchObject({ update: 1, same: 2 });
  expect((await ramUsers()).map((u) => u.userName).sort()).toEqual([
    "alice.chen",
    "bob.kumar",
    "dmitri.ivanov",
  ]);
  expect(await calls()).toEqual({ Token: 1, DeleteUser: 1 });
}, 180_000);

it("refuses an empty or truncated file at preview, before any call", async () => {
  await h.emulator.clearRequests();
  const refused = async () => {
    const sink = outputSink();
    const err = await h.stack.preview({ onOutput: sink.onOutput }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeDefined();
    return `${err?.message}\n${sink.lines.join("")}`;
  };
  fs.writeFileSync(csv, "userName,displayName,externalId\n");
  expect(await refused()).toMatch(
    /Set allowEmpty: true.*the directory is empty, so it would delete all 3 people/s,
  );
  // Cut after the first person; the guard's threshold lowered to 1 through config.
  fs.writeFileSync(csv, people.split("\n").slice(0, 2).join("\n"));
  await h.stack.setConfig("maxDeletions", { value: "1" });
  const cut = await refused();
  expect(cut).toMatch(/Set confirmDeletions: 2 .*would delete 2 people, more than maxDeletions \(1\)/s);
  // The refusal's own line says what to do within its first 200 characters (no directory beside it).
  const line = cut.split("\n").find((l) => l.includes("error:") && l.includes("confirmDeletions")) ?? "";
  expect(line.trimStart().slice(0, 200)).toContain("Set confirmDeletions: 2");
  // A line cut short and names that differ only in case, all reported with their lines.
  fs.writeFileSync(csv, `${people}ALICE.CHEN,Alice again,emp-2001\ndmitri2,Dmi`);
  const text = await refused();
  expect(text).toContain("line 7: has 2 fields, the header has 3");
  expect(text).toContain("line 6: userName 'ALICE.CHEN' is already used on line 2");
  await h.stack.removeConfig("maxDeletions");
  expect(await calls()).toEqual({});
  expect(await ramUsers()).toHaveLength(3);
}, 180_000);

it("a response lost mid-sync, then a re-run: everyone exactly once, nothing duplicated", async () => {
  const more = "erin.li,Erin Li,emp-1005\nfaisal.rahman,Faisal Rahman,emp-1006\ngrace.ho,Grace Ho,emp-1007\n";
  fs.writeFileSync(csv, `${without("carol.ng").trimEnd()}\n${more}`);
  // The second create is done by the service, but its answer, and every retry's, never arrives.
  await h.emulator.injectFault({ service: "scim", action: "CreateUser", kind: "lost", nth: 2, count: 50 });
  const first = await h.stack.up().then(
    () => "completed",
    (e: Error) => e.message,
  );
  expect(first).toMatch(/ScimDirectory: the sync stopped with \d+ problems? \(4 people in step\)/);
  // The people done so far are in state (partial state), and the secret is still not in plain text.
  expect(h.stateFile()).not.toMatch(/"clientSecret":\s*"[A-Za-z0-9]/);
  await h.emulator.clearFaults();
  await h.emulator.clearRequests();
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toMatchObject({ update: 1 });
  const names = (await ramUsers()).map((u) => u.userName).sort();
  expect(names).toEqual(["alice.chen", "bob.kumar", "dmitri.ivanov", "erin.li", "faisal.rahman", "grace.ho"]);
  expect(Object.keys(res.outputs.userIds?.value ?? {})).toHaveLength(6);
  // The re-run created what was missing; the person made by the lost call was found, not made twice.
  const after = await h.stack.up({ refresh: true });
  expect(after.summary.resourceChanges).toEqual({ same: 3 });
}, 240_000);

it("after an up that failed half-way, the guard counts from what the state holds: refused at preview, then exactly those", async () => {
  const six = fs.readFileSync(csv, "utf8");
  const drop = (...names: string[]) =>
    six
      .split("\n")
      .filter((l) => !names.some((n) => l.startsWith(`${n},`)))
      .join("\n");
  await h.stack.setConfig("maxDeletions", { value: "2" });
  await h.stack.up();
  // Up 1 drops two people (within the guard) and fails on the deletes: nobody is deleted.
  await h.emulator.injectFault({ service: "scim", action: "DeleteUser", kind: "server-error", ratio: 1 });
  fs.writeFileSync(csv, drop("erin.li", "faisal.rahman"));
  expect(
    await h.stack.up().then(
      () => "completed",
      (e: Error) => e.message,
    ),
  ).toMatch(/ScimDirectory: the sync stopped/);
  await h.emulator.clearFaults();
  // Up 2 drops two more: two against the roster of up 1, four against the state, which up deletes.
  fs.writeFileSync(csv, drop("erin.li", "faisal.rahman", "grace.ho", "dmitri.ivanov"));
  await h.emulator.clearRequests();
  const sink = outputSink();
  const refused = await h.stack.preview({ onOutput: sink.onOutput }).then(
    () => "previewed",
    () => sink.lines.join(""),
  );
  expect(refused).toMatch(/Set confirmDeletions: 4 .*would delete 4 people, more than maxDeletions \(2\)/s);
  const line = refused.split("\n").find((l) => l.includes("error:") && l.includes("confirmDeletions")) ?? "";
  expect(line.trimStart().slice(0, 200)).toContain("Set confirmDeletions: 4");
  expect(refused.length).toBeLessThan(4096);
  expect(refused).not.toMatch(/\bat (async )?Object\./); // no stack trace
  expect(await calls()).toEqual({});
  await h.stack.setConfig("confirmDeletions", { value: "4" });
  await h.stack.up();
  expect((await ramUsers()).map((u) => u.userName).sort()).toEqual(["alice.chen", "bob.kumar"]);
  // Left in the program, the confirmation has nothing to confirm: every preview says to remove it.
  const idle = outputSink();
  await h.stack.preview({ onOutput: idle.onOutput });
  const said = idle.lines.join("");
  expect(said).toMatch(
    /warning: ScimDirectory: Remove confirmDeletions \(4\) from the program: this update deletes 0 people/,
  );
  expect(said.length).toBeLessThan(4096);
  // Back to the six, for the tests after this one.
  await h.stack.removeConfig("confirmDeletions");
  await h.stack.removeConfig("maxDeletions");
  fs.writeFileSync(csv, six);
  await h.stack.up();
  expect(await ramUsers()).toHaveLength(6);
}, 300_000);

it("up --replace of the directory keeps everyone: the new one takes them over, the old one deletes nobody", async () => {
  await h.stack.setConfig("maxDeletions", { value: "2" });
  await h.stack.up();
  const before = (await ramUsers()).map((u) => u.id).sort();
  expect(before).toHaveLength(6);
  const urn = (await h.stack.exportStack()).deployment.resources.find((r: { type: string }) =>
    r.type.endsWith(":ScimDirectory"),
  )?.urn as string;
  await h.emulator.clearRequests();
  // Create before delete, the engine's default: more than maxDeletions held, and no allowDestroy.
  const res = await h.stack.up({ replace: [urn] });
  expect(res.summary.resourceChanges?.replace).toBe(1);
  expect((await calls()).DeleteUser).toBeUndefined();
  expect((await ramUsers()).map((u) => u.id).sort()).toEqual(before);
  // The new directory holds them: a second up changes nothing.
  const again = await h.stack.up();
  expect(again.summary.resourceChanges?.update ?? 0).toBe(0);
  await h.stack.removeConfig("maxDeletions");
}, 240_000);

it("refuses to destroy more than maxDeletions people until an up records allowDestroy", async () => {
  // The guard reads what the last up recorded: the threshold is lowered by an up first.
  await h.stack.setConfig("maxDeletions", { value: "2" });
  await h.stack.up();
  await h.emulator.clearRequests();
  const sink = outputSink();
  const refused = await h.stack.destroy({ onOutput: sink.onOutput }).then(
    () => "destroyed",
    () => sink.lines.join(""),
  );
  expect(refused).toMatch(
    /Set allowDestroy: true on it and run pulumi up first.*deleting this ScimDirectory would delete its 6 people/,
  );
  expect(refused).not.toMatch(/\bat Object\.delete\b/); // no stack trace
  // As the engine prints it, behind the resource's URN: what to do within the first 200 characters.
  const error = refused.slice(refused.indexOf("error: "));
  expect(error.slice(0, 200)).toContain("Set allowDestroy: true");
  expect(refused.length).toBeLessThanOrEqual(4096);
  expect((await calls()).DeleteUser).toBeUndefined();
  expect(await ramUsers()).toHaveLength(6);
  await h.stack.setConfig("allowDestroy", { value: "true" });
  await h.stack.up();
  await h.stack.destroy();
  expect(await ramUsers()).toEqual([]);
  await h.stack.removeConfig("maxDeletions");
  await h.stack.removeConfig("allowDestroy");
}, 240_000);
