/**
 * The emulator against the recorded shapes of real answers (test/live/snapshots.json): the
 * scenario runs against the emulator, and every recorded entry must match the emulator's answer
 * to the same step (keys, types, error code, HTTP status). Every entry must name a step of the
 * scenario and its source; every step has an entry or, in `missing`, the reason it has none.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { scenario } from "./scenario";
import { compareEntry, type SnapshotEntry } from "./shape";
import { type Answer, rawTransport } from "./target";

const FILE = JSON.parse(readFileSync(join(__dirname, "snapshots.json"), "utf8")) as {
  entries: Record<string, SnapshotEntry>;
  missing: Record<string, string>;
};

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator?.close());

test("every recorded shape matches the emulator's answer to the same step", async () => {
  const call = rawTransport({
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    securityToken: undefined,
    allowedAccounts: [],
    eiamInstanceId: emulator.eiamInstanceId,
    eiamRegion: "cn-hangzhou",
  });
  const steps = scenario({
    prefix: "snap-",
    eiamInstanceId: emulator.eiamInstanceId,
    accountId: emulator.accountId,
  });
  const answers = new Map<string, Answer>();
  for (const step of steps) {
    const answer = await call(step.product, step.action, step.params());
    if (answer.ok) step.after?.(answer.body);
    answers.set(step.id, answer);
  }
  const differences: Record<string, string[]> = {};
  for (const [id, entry] of Object.entries(FILE.entries)) {
    expect(entry.source, id).toMatch(/^(https:\/\/\S+|live \d{4}-\d\d-\d\d)/);
    const answer = answers.get(id);
    if (!answer) {
      differences[id] = ["no scenario step has this id"];
      continue;
    }
    const d = compareEntry(entry, answer);
    if (d.length > 0) differences[id] = d;
  }
  expect(differences).toEqual({});
});

test("every scenario step has a recorded shape or a reason in `missing`, never both", () => {
  const steps = scenario({ prefix: "x-", accountId: "1", eiamInstanceId: "i", officialCli: true }).map(
    (s) => s.id,
  );
  const uncovered = steps.filter((id) => !(id in FILE.entries) && !FILE.missing[id]?.trim());
  const both = steps.filter((id) => id in FILE.entries && id in FILE.missing);
  const strays = Object.keys(FILE.missing).filter((id) => !steps.includes(id));
  expect({ uncovered, both, strays }).toEqual({ uncovered: [], both: [], strays: [] });
  // Sources name a page and the part of it read (or a live recording).
  const unnamed = Object.entries(FILE.entries)
    .filter(([, e]) => !/^(live \d{4}-\d\d-\d\d|https:\/\/\S+ \(.+\))$/.test(e.source))
    .map(([id]) => id);
  expect(unnamed).toEqual([]);
});

test("a missing or extra key, another type, another code or status, is a difference; ignored paths are not", () => {
  const recorded: SnapshotEntry = {
    source: "live 2026-01-01",
    status: 200,
    body: { A: "string", B: { C: "number" }, L: [{ D: "boolean" }] },
    ignore: [{ path: "Skip", reason: "test" }],
  };
  const answer = (body: Record<string, unknown>, status = 200): Answer => ({ ok: true, status, body });
  expect(compareEntry(recorded, answer({ A: "x", B: { C: 1 }, L: [{ D: true }], Skip: 1 }))).toEqual([]);
  expect(compareEntry(recorded, answer({ A: "x", B: { C: "1" }, L: [], E: 1 }, 201))).toEqual([
    "HTTP status: recorded 200, got 201",
    "B.C: recorded number, got string",
    "E: not recorded, answered",
  ]);
  expect(compareEntry(recorded, answer({ B: { C: 1 }, L: [{ D: 1 }] }))).toEqual([
    "A: recorded, missing",
    "L[].D: recorded boolean, got number",
  ]);
  expect(
    compareEntry(
      { source: "live 2026-01-01", status: 404, code: "EntityNotExist.Role" },
      { ok: false, status: 404, code: "EntityNotExist.User", message: "" },
    ),
  ).toEqual(["error code: recorded EntityNotExist.Role, got EntityNotExist.User"]);
});
