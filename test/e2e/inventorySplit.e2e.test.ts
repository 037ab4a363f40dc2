/**
 * Several stacks, one account, under the real engine: two teams each own a provider and a role,
 * each stack's FederationInventory accepts what the other declares (team b through a
 * StackReference to team a's exported `declared`, team a from a list of names), and each drift
 * gate passes; a role made by hand, trusting team a's provider, is declared by nobody and fails
 * both gates, named in each. A third stack, in another account, that reads team a's export is
 * refused at its preview, before it creates anything: a stack cannot vouch for objects in another
 * account.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { engineEnv, ensurePulumi, localStack } from "../../scripts/engine";
import { outputSink } from "./engine";

vi.setConfig({ testTimeout: 300_000 });

const PROGRAM = path.join(__dirname, "programs", "inventory-split");
let emulator: Emulator;
let stateDir: string;
const stacks: Record<"a" | "b" | "c", Stack> = {} as never;
const OTHER_ACCOUNT = "2222222222222222";

beforeAll(async () => {
  const binDir = ensurePulumi();
  emulator = await startEmulator({
    port: 0,
    accounts: [{ accountId: OTHER_ACCOUNT, accessKeyId: "LTAIotheraccountkey01" }],
  });
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-split-"));
  // One backend and one account for both stacks, as two teams' CI would have.
  const env = engineEnv({
    binDir,
    stateDir,
    endpoint: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    passphrase: "e2e",
  });
  env.ALICLOUD_FEDERATION_RETRY = JSON.stringify({ maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 });
  // Team c's CI signs with a key of another account.
  const other = emulator.accounts[0]!;
  const envC = {
    ...env,
    ...engineEnv({ binDir, stateDir, endpoint: emulator.url, ...other, passphrase: "e2e" }),
  };
  for (const team of ["a", "b", "c"] as const) {
    stacks[team] = (
      await localStack({
        binDir,
        workDir: PROGRAM,
        stackName: `e2e-split-${team}`,
        env: team === "c" ? envC : env,
      })
    ).stack;
    await stacks[team].setConfig("team", { value: `team-${team}` });
  }
  // Team a accepts team b's names as a list (b's stack does not exist yet); b reads a's export.
  await stacks.a.setConfig("acceptList", {
    value: JSON.stringify({ oidcProviders: ["team-b-idp"], roles: ["team-b-deployer"] }),
  });
  await stacks.b.setConfig("other", { value: "organization/e2e-inventory-split/e2e-split-a" });
  await stacks.c.setConfig("other", { value: "organization/e2e-inventory-split/e2e-split-a" });
}, 600_000);

afterAll(async () => {
  for (const team of ["c", "b", "a"] as const) {
    await stacks[team]?.workspace.removeStack(`e2e-split-${team}`, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(PROGRAM, `Pulumi.e2e-split-${team}.yaml`), { force: true });
  }
  await emulator?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

/** Runs one command on a stack: whether it passed, and what the engine printed. */
async function outcome(
  run: (opts: { onOutput: (out: string) => void }) => Promise<unknown>,
): Promise<{ passed: boolean; output: string }> {
  const sink = outputSink();
  const passed = await run({ onOutput: sink.onOutput }).then(
    () => true,
    () => false,
  );
  return { passed, output: sink.lines.join("") };
}

const gate = (stack: Stack) => outcome((o) => stack.preview({ ...o, refresh: true, expectNoChanges: true }));

it("two stacks in one account: each inventory accepts the other's, and each gate passes", async () => {
  const a = await stacks.a.up();
  expect(a.outputs.federation?.value).toEqual({
    oidcProviders: ["team-a-idp"],
    roles: ["team-a-deployer"],
    cliAssignments: [],
    // The official applications its inventory covers (both sites: no cliApplication given).
    cliAppIds: ["4038181954557748008", "4103531455503354461"],
    accountId: emulator.accountId,
  });
  const b = await stacks.b.up();
  expect(b.outputs.unmanaged?.value).toEqual([]);
  const [gateA, gateB] = await Promise.all([gate(stacks.a), gate(stacks.b)]);
  expect(gateA).toMatchObject({ passed: true });
  expect(gateB).toMatchObject({ passed: true });
});

it("a role made by hand is declared by nobody: both gates fail, each naming it", async () => {
  await emulator.console("ram", "CreateRole", {
    RoleName: "hand-made",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Federated: [`acs:ram::${emulator.accountId}:oidc-provider/team-a-idp`] },
          Condition: { StringEquals: { "oidc:aud": "sts.aliyuncs.com" } },
        },
      ],
    }),
  });
  const [gateA, gateB] = await Promise.all([gate(stacks.a), gate(stacks.b)]);
  for (const g of [gateA, gateB]) {
    expect(g.passed).toBe(false);
    expect(g.output).toMatch(/not declared: (\[[A-Z ,]+\] )?role 'hand-made' trusts/);
    // The other team's objects are not reported by either.
    expect(g.output).not.toMatch(/not declared: (role 'team-|oidc-provider 'team-)/);
  }
});

it("a stack in another account that accepts team a's declarations is refused at preview, naming both accounts", async () => {
  const refusal =
    `Remove from acceptDeclaredBy what comes from account ${emulator.accountId} (read the inventory of a stack in this account instead). ` +
    `FederationInventory: this stack's account is ${OTHER_ACCOUNT}, and a stack in another account cannot vouch for objects in this one.`;
  for (const result of [await outcome((o) => stacks.c.preview(o)), await outcome((o) => stacks.c.up(o))]) {
    expect(result.passed).toBe(false);
    expect(result.output).toContain(refusal);
  }
  // The inventory never came to be: nothing of team a's was accepted in the other account.
  const made = (await stacks.c.exportStack()).deployment?.resources ?? [];
  expect(made.filter((r: { type: string }) => r.type.endsWith("FederationInventory"))).toEqual([]);
  // Team a's own gate is untouched by it.
  await emulator.console("ram", "DeleteRole", { RoleName: "hand-made" });
  expect(await gate(stacks.a)).toMatchObject({ passed: true });
});
