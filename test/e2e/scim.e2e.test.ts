/**
 * examples/scim-directory under the real engine: the SCIM app and one user per
 * CSV line come up with one token; a second up changes nothing; a user edited
 * in the console is detected and repaired; removing a line deletes exactly
 * that user; the client secret never appears in plain text in state.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/engine";
import { type EngineHarness, outputSink, startEngine } from "./engine";

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
});

type ScimUser = { id: string; userName: string; displayName: string; externalId?: string };
async function scimUsers(): Promise<ScimUser[]> {
  const state = (await h.emulator.state()) as {
    services: { ram: { users: Array<Record<string, unknown>> } };
  };
  return state.services.ram.users.map((u) => ({
    id: String(u.userId ?? u.UserId ?? u.id),
    userName: String(u.userName ?? u.UserName),
    displayName: String(u.displayName ?? u.DisplayName),
    externalId: (u.externalId ?? u.ExternalId) as string | undefined,
  }));
}
const calls = async (action?: string) =>
  (await h.emulator.requests()).filter(
    (r) => r.status < 400 && (action === undefined || r.action === action),
  );

it("ups the app and one user per line, with one token request", async () => {
  await h.emulator.clearRequests();
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toEqual({ create: 6 }); // stack, app, 4 users
  expect((await scimUsers()).map((u) => u.userName).sort()).toEqual([
    "alice.chen",
    "bob.kumar",
    "carol.ng",
    "dmitri.ivanov",
  ]);
  expect(await calls("Token")).toHaveLength(1);
  const state = h.stateFile();
  expect(state).not.toMatch(/"clientSecret":\s*"[A-Za-z0-9]/);
  expect(res.outputs.scimClientSecret?.secret).toBe(true);
});

it("shows no diff on a second up", async () => {
  const res = await h.stack.up({ refresh: true });
  expect(res.summary.resourceChanges).toEqual({ same: 6 });
});

it("detects a user edited in the console and repairs it", async () => {
  await h.emulator.console("ram", "UpdateUser", {
    UserName: "bob.kumar",
    NewDisplayName: "Robert (edited by hand)",
  });
  const sink = outputSink();
  const gate = await h.stack
    .preview({ refresh: true, expectNoChanges: true, diff: true, onOutput: sink.onOutput })
    .then(
      () => "passed",
      () => "failed",
    );
  expect(gate).toBe("failed");
  expect(sink.lines.join("")).toContain("Robert (edited by hand)");
  const res = await h.stack.up({ refresh: true });
  expect(res.summary.resourceChanges).toMatchObject({ update: 1 });
  expect((await scimUsers()).find((u) => u.userName === "bob.kumar")?.displayName).toBe("Bob Kumar");
});

it("deletes exactly the user whose line was removed", async () => {
  fs.writeFileSync(
    csv,
    people
      .split("\n")
      .filter((l) => !l.startsWith("carol.ng"))
      .join("\n"),
  );
  await h.emulator.clearRequests();
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toMatchObject({ delete: 1, same: 5 });
  expect((await scimUsers()).map((u) => u.userName).sort()).toEqual([
    "alice.chen",
    "bob.kumar",
    "dmitri.ivanov",
  ]);
  const scimWrites = (await h.emulator.requests({ service: "scim" }))
    .filter((r) => r.status < 400)
    .map((r) => r.action)
    .filter((a) => a !== "GetUser" && a !== "ListUsers");
  expect(scimWrites).toEqual(["DeleteUser"]);
});

it("destroy removes the users and the app", async () => {
  await h.stack.destroy();
  expect(await scimUsers()).toEqual([]);
});
