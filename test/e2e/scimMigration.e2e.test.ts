/**
 * The documented migration from a per-user stack (`scimUsersFromDirectory`)
 * to one `ScimDirectory`, under the real engine: no user is deleted or
 * recreated, and no SCIM write is made.
 *
 * 1. `retainOnDelete: true` on the ScimUsers (one `up`: state only);
 * 2. the program declares a ScimDirectory instead (one `up`): it reads the
 *    account once, finds every person with the same userName and externalId
 *    and takes them over; the ScimUsers leave the state without a call.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { directoryIds } from "../../provider/resources/scimDirectory";
import { REPO_ROOT } from "../../scripts/engine";
import { type EngineHarness, startEngine } from "./engine";

const PROGRAM = path.join(REPO_ROOT, "test", "e2e", "programs", "scim-migration");
const people = fs.readFileSync(path.join(REPO_ROOT, "examples", "scim-directory", "people.csv"), "utf8");
let h: EngineHarness;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-scim-mig-"));
  fs.writeFileSync(path.join(dir, "people.csv"), people);
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e-scim-migration",
    config: { directory: path.join(dir, "people.csv"), mode: "per-user" },
  });
}, 600_000);
afterAll(async () => {
  await h?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function userIds(): Promise<Record<string, string>> {
  const state = (await h.emulator.state()) as {
    services: { ram: { users: Array<Record<string, unknown>> } };
  };
  return Object.fromEntries(state.services.ram.users.map((u) => [String(u.userName), String(u.userId)]));
}
const writes = async () =>
  (await h.emulator.requests())
    .filter(
      (r) => r.status < 400 && r.service !== "" && !/^(Get|List)/.test(r.action) && r.action !== "Token",
    )
    .map((r) => r.action);

it("moves a per-user stack to one ScimDirectory without deleting or recreating anyone", async () => {
  const first = await h.stack.up();
  expect(first.summary.resourceChanges).toEqual({ create: 7 }); // stack, app, guard, 4 users
  const before = await userIds();
  expect(Object.keys(before)).toHaveLength(4);

  // The per-user program's guard: an export that came out empty deletes nobody, even in an `up`
  // without a preview (the Automation API skips it): the check fails before any delete step.
  fs.writeFileSync(path.join(dir, "people.csv"), "userName,displayName,externalId\n");
  const refused = await h.stack.up().then(
    () => "applied",
    (e: Error) => e.message,
  );
  expect(refused).toMatch(/Set allowEmpty: true.*the directory is empty, so it would delete all 4 people/);
  expect(await userIds()).toEqual(before);
  fs.writeFileSync(path.join(dir, "people.csv"), people);

  await h.stack.setConfig("mode", { value: "retain" });
  await h.emulator.clearRequests();
  const retained = await h.stack.up();
  expect(retained.summary.resourceChanges?.create ?? 0).toBe(0);
  expect(retained.summary.resourceChanges?.delete ?? 0).toBe(0);
  expect(await writes()).toEqual([]);

  await h.stack.setConfig("mode", { value: "directory" });
  await h.emulator.clearRequests();
  const moved = await h.stack.up();
  expect(moved.summary.resourceChanges).toMatchObject({ create: 1, delete: 5, same: 2 });
  expect(await writes()).toEqual([]); // no POST, PUT or DELETE: every person was taken over
  expect(await userIds()).toEqual(before);
  const state = JSON.parse(h.stateFile()) as {
    checkpoint: {
      latest: { resources: Array<{ type: string; outputs?: { ids?: string } }> };
    };
  };
  const directory = state.checkpoint.latest.resources.find((r) => r.type.endsWith("ScimDirectory"));
  const held = directoryIds({ ids: directory?.outputs?.ids }).ids;
  expect(Object.values(held).sort()).toEqual(Object.values(before).sort());

  const again = await h.stack.up({ refresh: true });
  expect(again.summary.resourceChanges).toEqual({ same: 3 });
  await h.stack.destroy();
  expect(await userIds()).toEqual({});
}, 400_000);
