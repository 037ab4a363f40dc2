/**
 * A stack is bound to the account it was built in. Built against the emulator's account, then run
 * with the credentials of a second emulated account: refresh, up and destroy each refuse, naming
 * both accounts, and nothing is written in either account. allowedAccountIds refuses any other
 * account before any write.
 */
import * as path from "node:path";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { emulatorOnly, LIVE, onEmulator } from "../target";
import { type EngineHarness, outputSink, prefixConfig, startEngine } from "./engine";

// Each engine run takes seconds, more on a busy machine; several run per test here.
vi.setConfig({ testTimeout: 180_000 });

const PROGRAM = path.join(__dirname, "programs", "role");
const OTHER = {
  accountId: "2234567890123456",
  accessKeyId: "LTAI5tEmulatorOtherKey",
  accessKeySecret: "other-account-secret-0123456789",
};
/** The program's role, named from the prefix the stack's config gives it. */
const ROLE = `${prefixConfig("account").prefix ?? ""}e2e-role`;
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngine({
    workDir: PROGRAM,
    stackName: "e2e-account",
    config: { preset: "github-main", ...prefixConfig("account") },
    emulator: { accounts: [OTHER] },
  });
}, 600_000);
afterAll(async () => {
  // Live mode destroys what the stack holds on close; the last test leaves it refusing, with the
  // allowed accounts recorded in state, so an up without them comes first.
  if (LIVE && h) {
    await h.stack.removeConfig("alicloud-federation:allowedAccountIds");
    await h.stack.up().catch(() => undefined);
  }
  await h?.close();
});

const env = () => (h.stack.workspace as LocalWorkspace).envVars;
const useKeys = (keys: { accessKeyId: string; accessKeySecret: string }) => {
  env().ALIBABA_CLOUD_ACCESS_KEY_ID = keys.accessKeyId;
  env().ALIBABA_CLOUD_ACCESS_KEY_SECRET = keys.accessKeySecret;
};

/** Calls other than reads, in any account. */
async function writes(): Promise<string[]> {
  return (await h.emulator.requests()).map((r) => r.action).filter((a) => !/^(Get|List)/.test(a));
}

async function failure(run: (o: { onOutput: (s: string) => void }) => Promise<unknown>): Promise<string> {
  const sink = outputSink();
  const err = await run({ onOutput: sink.onOutput }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, "the operation should have failed").toBeDefined();
  return `${err?.message}\n${sink.lines.join("")}`;
}

it("records the account of every resource", async () => {
  const res = await h.stack.up();
  expect(res.summary.resourceChanges).toEqual({ create: 3 });
  const resources = JSON.parse(h.stateFile()).checkpoint.latest.resources as Array<{
    type: string;
    outputs: Record<string, unknown>;
  }>;
  const ours = resources.filter((r) => r.type.includes("alicloud-federation"));
  expect(ours.map((r) => r.outputs.accountId)).toEqual([h.emulator.accountId, h.emulator.accountId]);
});

emulatorOnly("a second account's credentials").test(
  "with another account's credentials, refresh, up and destroy refuse, writing nothing anywhere",
  async () => {
    useKeys(OTHER);
    await h.emulator.clearRequests();
    const mismatch = `belongs to account ${h.emulator.accountId} (recorded in the stack's state), but the credentials in use belong to account ${OTHER.accountId}`;
    expect(await failure((o) => h.stack.refresh(o))).toContain(mismatch);
    // A change to the role, so that up has something to do.
    await h.stack.setConfig("preset", { value: "github-any-ref" });
    expect(await failure((o) => h.stack.up(o))).toContain(mismatch);
    expect(await failure((o) => h.stack.destroy(o))).toContain(mismatch);
    expect(await writes()).toEqual([]);
    // Only identity calls reached the other account; nothing at all reached the stack's own.
    const other = await h.emulator.requests();
    expect(new Set(other.map((r) => `${r.accountId}:${r.action}`))).toEqual(
      new Set([`${OTHER.accountId}:GetCallerIdentity`]),
    );
    // The objects are still there, untouched.
    expect(await h.emulator.console("ram", "GetRole", { RoleName: ROLE })).toBeDefined();
  },
);

it("allowedAccountIds refuses the stack's own account when it is not listed, before any write", async () => {
  useKeys({ accessKeyId: h.emulator.accessKeyId, accessKeySecret: h.emulator.accessKeySecret });
  await h.stack.setConfig("alicloud-federation:allowedAccountIds", { value: OTHER.accountId });
  // The change the second-account test made, so that up has something to do (live mode skips it).
  await h.stack.setConfig("preset", { value: "github-any-ref" });
  await h.emulator.clearRequests();
  const refused = `in account ${h.emulator.accountId}: alicloud-federation:allowedAccountIds allows only ${OTHER.accountId}`;
  expect(await failure((o) => h.stack.up(o))).toContain(refused);
  expect(await failure((o) => h.stack.destroy(o))).toContain(refused);
  await onEmulator(async () => expect(await writes()).toEqual([]));
  expect(await h.emulator.console("ram", "GetRole", { RoleName: ROLE })).toBeDefined();
});
