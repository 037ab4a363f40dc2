/**
 * RAM ListPolicies through the official SDK: `PolicyType` filtering (System, Custom, or both),
 * Marker/MaxItems paging (1 to 1000, default 100), items as GetPolicy's without the document, a
 * deletion between pages skipping nothing. Live mode's sweeper finds a run's policies with it.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listpolicies
 */
import type Ram from "@alicloud/ram20150501";
import * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { SYSTEM_POLICY_NAMES } from "../../emulator/services/ram/state";
import { caught, ramClient } from "./helpers";

let emulator: Emulator;
let ram: Ram;
const DOC = JSON.stringify({
  Version: "1",
  Statement: [{ Effect: "Allow", Action: "ram:GetRole", Resource: "*" }],
});

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ram = ramClient(emulator);
  for (let i = 0; i < 102; i++)
    await emulator.console("ram", "CreatePolicy", {
      PolicyName: `p-${String(i).padStart(3, "0")}`,
      PolicyDocument: DOC,
      Description: `policy ${i}`,
    });
});
afterAll(async () => emulator?.close());

const list = (policyType?: string, marker?: string, maxItems?: number) =>
  ram.listPolicies(new $Ram.ListPoliciesRequest({ policyType, marker, maxItems })).then((r) => r.body!);

test("Custom: 100 by default, then the rest after the Marker, a deletion between pages skipping nothing", async () => {
  const first = await list("Custom");
  expect(first.isTruncated).toBe(true);
  expect(first.policies?.policy).toHaveLength(100);
  expect(first.policies?.policy?.every((p) => p.policyType === "Custom")).toBe(true);
  await emulator.console("ram", "DeletePolicy", { PolicyName: "p-099" });
  const second = await list("Custom", first.marker);
  expect(second.isTruncated).toBe(false);
  expect(second.marker).toBeUndefined();
  expect(second.policies?.policy?.map((p) => p.policyName)).toEqual(["p-100", "p-101"]);
  await emulator.console("ram", "CreatePolicy", { PolicyName: "p-099", PolicyDocument: DOC });
});

test("an item is GetPolicy's policy without its document", async () => {
  const item = (await list("Custom", undefined, 1)).policies?.policy?.[0];
  const got = (await ram.getPolicy(new $Ram.GetPolicyRequest({ policyType: "Custom", policyName: "p-000" })))
    .body?.policy;
  expect(item).toMatchObject({
    policyName: "p-000",
    policyType: "Custom",
    description: "policy 0",
    defaultVersion: "v1",
    attachmentCount: 0,
    createDate: got?.createDate,
    updateDate: got?.updateDate,
  });
  expect(item).not.toHaveProperty("policyDocument");
});

test("System lists the catalogue; no type lists both, system ones first", async () => {
  const system = await list("System");
  expect(system.policies?.policy?.map((p) => p.policyName).sort()).toEqual([...SYSTEM_POLICY_NAMES].sort());
  const both = await list(undefined, undefined, 1000);
  expect(both.policies?.policy).toHaveLength(SYSTEM_POLICY_NAMES.length + 102);
  expect(both.policies?.policy?.[0]?.policyType).toBe("System");
  expect(both.policies?.policy?.at(-1)?.policyType).toBe("Custom");
});

test("MaxItems 1 and 1000 pass, 0 and 1001 are refused; an unknown type is refused", async () => {
  expect((await list("Custom", undefined, 1)).policies?.policy).toHaveLength(1);
  expect((await list("Custom", undefined, 1000)).policies?.policy).toHaveLength(102);
  for (const n of [0, 1001])
    expect((await caught(() => list("Custom", undefined, n))).code).toBe("InvalidParameter.MaxItems.Range");
  expect((await caught(() => list("Managed"))).code).toBe("InvalidParameter.PolicyType");
});
