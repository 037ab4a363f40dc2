/**
 * Live probes: every scenario step (test/live/scenario.ts) against the target, each answering or
 * refusing as the step expects. With ALICLOUD_FEDERATION_LIVE_RECORD=1 the shapes of the answers
 * are written to test/live/snapshots.json (source `live <date>`; the step leaves `missing`);
 * otherwise every recorded entry must match the target's answer, which is how a real account settles the shapes the emulator and
 * the documentation assume. The official CLI application's steps run only when
 * ALICLOUD_FEDERATION_LIVE_OFFICIAL_CLI=1 says it is installed (a live run never installs it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { checkAccount } from "./account";
import { scenario } from "./scenario";
import { compareEntry, entryOf, type SnapshotEntry } from "./shape";
import { type Answer, rawTransport, targetFromEnv } from "./target";

const FILE = join(__dirname, "snapshots.json");

test("every step answers as expected, and its shape matches the recorded one", async () => {
  const target = targetFromEnv();
  const accountId = await checkAccount(target);
  const prefix = process.env.ALICLOUD_FEDERATION_LIVE_PREFIX ?? "";
  const call = rawTransport(target);
  const steps = scenario({
    prefix,
    accountId,
    live: true,
    officialCli: process.env.ALICLOUD_FEDERATION_LIVE_OFFICIAL_CLI === "1",
    ...(target.eiamInstanceId ? { eiamInstanceId: target.eiamInstanceId } : {}),
  });
  const answers = new Map<string, Answer>();
  const unexpected: string[] = [];
  for (const step of steps) {
    const answer = await call(step.product, step.action, step.params());
    answers.set(step.id, answer);
    if (answer.ok) step.after?.(answer.body);
    if (answer.ok === Boolean(step.expectError)) {
      unexpected.push(
        `${step.id}: ${answer.ok ? "answered; a refusal was expected" : `${answer.code} ${answer.message}`}`,
      );
    }
  }
  const file = JSON.parse(readFileSync(FILE, "utf8")) as {
    entries: Record<string, SnapshotEntry>;
    missing?: Record<string, string>;
  };
  if (process.env.ALICLOUD_FEDERATION_LIVE_RECORD === "1") {
    const source = `live ${new Date().toISOString().slice(0, 10)}`;
    for (const [id, answer] of answers) {
      const ignore = file.entries[id]?.ignore;
      file.entries[id] = { source, ...entryOf(answer), ...(ignore ? { ignore } : {}) };
      delete file.missing?.[id];
    }
    writeFileSync(FILE, `${JSON.stringify(file, null, 2)}\n`);
  } else {
    const differences: Record<string, string[]> = {};
    for (const [id, entry] of Object.entries(file.entries)) {
      const answer = answers.get(id);
      if (!answer) continue; // a step left out of this run (EIAM without an instance, shared state)
      const d = compareEntry(entry, answer);
      if (d.length > 0) differences[id] = d;
    }
    expect(differences).toEqual({});
  }
  expect(unexpected).toEqual([]);
});
