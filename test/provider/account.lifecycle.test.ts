/**
 * Account binding (provider/account.ts) through a running emulator with two accounts: every
 * resource records the account it was created in; read, update and delete refuse another account
 * before any other call; allowedAccountIds refuses before anything; one GetCallerIdentity per
 * process. And the preview-stable outputs check carries from the old inputs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { resetCallerAccount } from "../../provider/account";
import { FederationInventoryProvider } from "../../provider/resources/federationInventory";
import { checkOidcProviderInputs, OidcProviderProvider as P } from "../../provider/resources/oidcProvider";
import { OidcRoleProvider as R } from "../../provider/resources/oidcRole";
import { resetSettings } from "../../provider/settings";
import { emulatorOnly, named, namedIssuer, onEmulator } from "../target";
import { configOf, startWired } from "./harness";

// Names carry the run's prefix in live mode (test/target.ts).
const GITHUB = named("github");
// As the engine calls it (the implementation itself takes no arguments).
const deleteInventory = FederationInventoryProvider.delete as (id: string, props: object) => Promise<void>;
const secondAccount = emulatorOnly("a second account's credentials, which only the emulator has");

const OTHER = {
  accountId: "2234567890123456",
  accessKeyId: "LTAI5tEmulatorOtherKey",
  accessKeySecret: "other-account-secret-0123456789",
};
let emulator: Emulator;
let config: Record<string, string>;

beforeAll(async () => {
  ({ emulator, config } = await startWired({ accounts: [OTHER] }));
});
afterAll(async () => {
  await emulator?.close();
  resetSettings();
  resetCallerAccount();
});
beforeEach(async () => {
  await emulator.reset();
  resetCallerAccount();
  await P.configure(configOf(config));
});

const asOther = (extra: Record<string, string> = {}) =>
  P.configure(
    configOf({
      ...config,
      "alicloud-federation:accessKeyId": OTHER.accessKeyId,
      "alicloud-federation:accessKeySecret": OTHER.accessKeySecret,
      ...extra,
    }),
  );

function inputs(over: Record<string, unknown> = {}) {
  const { inputs, failures } = checkOidcProviderInputs({
    oidcProviderName: GITHUB,
    issuerUrl: namedIssuer("https://token.actions.githubusercontent.com"),
    fingerprints: ["a".repeat(40)],
    clientIds: ["sts.aliyuncs.com"],
    ...over,
  });
  expect(failures).toEqual([]);
  return inputs;
}

/** Every call the emulator saw, as `account:service:action` (account "main" for the main one). */
async function calls(): Promise<string[]> {
  return (await emulator.requests()).map((r) => `${r.accountId ?? "main"}:${r.service}:${r.action}`);
}

describe("account binding", () => {
  it("records the account; one GetCallerIdentity for the whole lifecycle of the process", async () => {
    const created = await P.create(inputs());
    expect(created.outs).toMatchObject({ accountId: emulator.accountId });
    const read = await P.read(created.id, created.outs);
    expect(read.props).toMatchObject({ accountId: emulator.accountId });
    // configure again, as the engine does once per resource type: still one identity call.
    await R.configure(configOf(config));
    await P.configure(configOf(config));
    const updated = await P.update(created.id, created.outs, inputs({ description: "d" }));
    expect(updated.outs).toMatchObject({ accountId: emulator.accountId });
    await P.delete(created.id, updated.outs);
    await onEmulator(async () =>
      expect(await calls()).toEqual([
        "main:sts:GetCallerIdentity",
        "main:ims:CreateOIDCProvider",
        "main:ims:GetOIDCProvider",
        "main:ims:UpdateOIDCProvider",
        "main:ims:DeleteOIDCProvider",
      ]),
    );
  });

  secondAccount.test(
    "with another account's credentials, read, update and delete refuse before any other call, naming both accounts",
    async () => {
      const created = await P.create(inputs());
      await asOther();
      await emulator.clearRequests();
      const message =
        `OidcProvider '${GITHUB}' belongs to account ${emulator.accountId} (recorded in the stack's state), ` +
        `but the credentials in use belong to account ${OTHER.accountId}: refusing to `;
      await expect(P.read(created.id, created.outs)).rejects.toThrow(
        `${message}read (refresh) it, nothing was changed.`,
      );
      await expect(P.update(created.id, created.outs, inputs({ description: "x" }))).rejects.toThrow(
        new RegExp(
          `^Use credentials of account ${emulator.accountId}, or select the stack that belongs to account ${OTHER.accountId}: .*update it, nothing was changed`,
        ),
      );
      await expect(P.delete(created.id, created.outs)).rejects.toThrow(`${message}delete it`);
      // One identity call (of the other account), nothing else in either account.
      expect(await calls()).toEqual([`${OTHER.accountId}:sts:GetCallerIdentity`]);
      // The object is untouched in its own account.
      await P.configure(configOf(config));
      expect((await P.read(created.id, created.outs)).id).toBe(GITHUB);
    },
  );

  secondAccount.test(
    "allowedAccountIds refuses another account before anything, create included",
    async () => {
      await P.configure(configOf({ ...config, "alicloud-federation:allowedAccountIds": OTHER.accountId }));
      await expect(P.create(inputs())).rejects.toThrow(
        `OidcProvider: refusing to create it in account ${emulator.accountId}: alicloud-federation:allowedAccountIds allows only ${OTHER.accountId}. Nothing was changed.`,
      );
      expect(await calls()).toEqual(["main:sts:GetCallerIdentity"]);
      // The allowed account itself passes; a JSON list is accepted too.
      await asOther({ "alicloud-federation:allowedAccountIds": JSON.stringify([OTHER.accountId]) });
      const created = await P.create(inputs());
      expect(created.outs).toMatchObject({ accountId: OTHER.accountId });
      expect((await calls()).slice(1)).toEqual([
        `${OTHER.accountId}:sts:GetCallerIdentity`,
        `${OTHER.accountId}:ims:CreateOIDCProvider`,
      ]);
    },
  );

  secondAccount.test(
    "an inventory's delete changes nothing, so it checks no account; it starts the look-up the next delete uses",
    async () => {
      const created = await P.create(inputs());
      const inventory = { id: "federation", outs: { accountId: emulator.accountId, mode: "report" } };
      // Another account's credentials: the inventory goes (nothing in any account changes)...
      await asOther();
      await emulator.clearRequests();
      await expect(deleteInventory(inventory.id, inventory.outs)).resolves.toBeUndefined();
      // ...and the provider it named is still refused, with the look-up the inventory started.
      await expect(P.delete(created.id, created.outs)).rejects.toThrow(
        /belongs to account .*refusing to delete it/,
      );
      expect(await calls()).toEqual([`${OTHER.accountId}:sts:GetCallerIdentity`]);
      // In its own account: one look-up for both deletes.
      await P.configure(configOf(config));
      resetCallerAccount();
      await emulator.clearRequests();
      await deleteInventory(inventory.id, inventory.outs);
      await P.delete(created.id, created.outs);
      expect(await calls()).toEqual(["main:sts:GetCallerIdentity", "main:ims:DeleteOIDCProvider"]);
    },
  );

  emulatorOnly("a latency injected by the emulator").test(
    "a new object's look-up at check goes out beside the account's look-up, and after it only when allowedAccountIds must judge the account",
    async () => {
      const check = (name: string) =>
        P.check({}, { ...inputs(), oidcProviderName: name, issuerUrl: `https://${name}.example` });
      const order = async () => (await emulator.requests()).map((r) => r.action);
      // The account's answer comes 300 ms late: without an allow-list the look-up is answered first.
      await emulator.injectFault({
        service: "sts",
        action: "GetCallerIdentity",
        kind: "latency",
        latencyMs: 300,
      });
      await emulator.clearRequests();
      expect((await check("quick")).failures ?? []).toEqual([]);
      expect(await order()).toEqual(["ListOIDCProviders", "GetCallerIdentity"]);
      // With an allow-list the account is judged first; an account it does not list is not read.
      for (const [allowed, after] of [
        [emulator.accountId, ["GetCallerIdentity", "ListOIDCProviders"]],
        [OTHER.accountId, ["GetCallerIdentity"]],
      ] as const) {
        await P.configure(configOf({ ...config, "alicloud-federation:allowedAccountIds": allowed }));
        resetCallerAccount();
        await emulator.clearRequests();
        expect((await check("judged")).failures ?? []).toEqual([]);
        expect(await order()).toEqual(after);
      }
    },
  );

  it("a malformed allowedAccountIds is refused with the value and the expected form", async () => {
    await P.configure(configOf({ ...config, "alicloud-federation:allowedAccountIds": "prod" }));
    await expect(P.create(inputs())).rejects.toThrow(
      "alicloud-federation:allowedAccountIds: 'prod' is not an account id; expected account ids (digits), e.g. 1234567890123456",
    );
  });

  emulatorOnly("a fault injected by the emulator").test(
    "when the account cannot be determined, nothing is done (fail safe)",
    async () => {
      await emulator.injectFault({ service: "sts", action: "GetCallerIdentity", kind: "server-error" });
      await expect(P.create(inputs())).rejects.toThrow(
        /^OidcProvider: not created, nothing was changed\. The cause, the same for every resource of this stack:\nThe account of the credentials could not be determined: STS GetCallerIdentity failed \(.+\)\./,
      );
      expect((await calls()).filter((c) => !c.endsWith("GetCallerIdentity"))).toEqual([]);
    },
  );

  it("state written before accounts were recorded is bound on its next read", async () => {
    const created = await P.create(inputs());
    const { accountId: _, ...legacy } = created.outs as typeof created.outs & { accountId?: string };
    const read = await P.read(created.id, legacy);
    expect(read.props).toMatchObject({ accountId: emulator.accountId });
  });
});

describe("preview-stable outputs", () => {
  it("check carries arn, createDate and accountId from the old inputs while the identity is the same", async () => {
    const created = await P.create(inputs());
    const read = await P.read(created.id, created.outs);
    const olds = read.inputs as unknown as Record<string, unknown>;
    const news = { ...inputs(), description: "changed" };
    const checked = (await P.check(olds, news)).inputs as Record<string, unknown>;
    expect(checked).toMatchObject({
      arn: `acs:ram::${emulator.accountId}:oidc-provider/${GITHUB}`,
      createDate: created.outs.createDate,
      accountId: emulator.accountId,
      description: "changed",
    });
    // Another name is another object: nothing carried.
    const renamed = (await P.check(olds, { ...news, oidcProviderName: named("gitlab") })).inputs as Record<
      string,
      unknown
    >;
    expect(renamed.arn).toBeUndefined();
    expect(renamed.accountId).toBeUndefined();
    // A new resource (no olds): nothing to carry.
    expect(((await P.check({}, news)).inputs as Record<string, unknown>).arn).toBeUndefined();
  });

  it("updateDate moving alone is not drift; with a real change it is reported", async () => {
    const created = await P.create(inputs());
    const stale = { ...created.outs, updateDate: "2020-01-01T00:00:00Z" };
    expect((await P.read(created.id, stale)).props).toMatchObject({ updateDate: "2020-01-01T00:00:00Z" });
    await emulator.console("ims", "UpdateOIDCProvider", {
      OIDCProviderName: GITHUB,
      NewDescription: "edited",
    });
    const drifted = (await P.read(created.id, stale)).props as Record<string, unknown>;
    expect(drifted.description).toBe("edited");
    expect(drifted.updateDate).not.toBe("2020-01-01T00:00:00Z");
  });
});
