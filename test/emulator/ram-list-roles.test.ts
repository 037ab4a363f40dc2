/**
 * RAM ListRoles through the official SDK: Marker/MaxItems paging (1 to 1000,
 * default 100), items without the trust policy, a deletion between pages
 * skipping nothing.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listroles
 */
import type Ram from "@alicloud/ram20150501";
import * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { caught, ramClient } from "./helpers";

let emulator: Emulator;
let ram: Ram;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ram = ramClient(emulator);
});
afterAll(async () => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  for (let i = 0; i < 105; i++)
    await emulator.console("ram", "CreateRole", {
      RoleName: `role-${String(i).padStart(3, "0")}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "1",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { RAM: ["acs:ram::1:root"] } }],
      }),
    });
});

const list = (marker?: string, maxItems?: number) =>
  ram.listRoles(new $Ram.ListRolesRequest({ marker, maxItems })).then((r) => r.body!);

test("answers 100 roles by default, then the rest after the Marker", async () => {
  const first = await list();
  expect(first.isTruncated).toBe(true);
  expect(first.roles?.role).toHaveLength(100);
  const second = await list(first.marker);
  expect(second.isTruncated).toBe(false);
  expect(second.marker).toBeUndefined();
  expect(second.roles?.role?.map((r) => r.roleName)).toEqual([
    "role-100",
    "role-101",
    "role-102",
    "role-103",
    "role-104",
  ]);
});

test("items carry the role's identity and dates, not its trust policy", async () => {
  const item = (await list(undefined, 1)).roles?.role?.[0];
  expect(item).toMatchObject({ roleName: "role-000", arn: `acs:ram::${emulator.accountId}:role/role-000` });
  expect(item?.roleId).toMatch(/^\d+$/);
  expect(item?.updateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(JSON.stringify(item)).not.toContain("Statement");
});

test("MaxItems 1 and 1000 are accepted; 0 and 1001 are refused", async () => {
  expect((await list(undefined, 1)).roles?.role).toHaveLength(1);
  expect((await list(undefined, 1000)).roles?.role).toHaveLength(105);
  for (const bad of [0, 1001]) {
    const err = await caught(() => list(undefined, bad));
    expect(err.code).toBe("InvalidParameter.MaxItems.Range");
  }
});

test("a deletion between pages skips nothing; a foreign Marker is refused", async () => {
  const first = await list(undefined, 10);
  await emulator.console("ram", "DeleteRole", { RoleName: "role-003" });
  const second = await list(first.marker, 10);
  expect(second.roles?.role?.[0]?.roleName).toBe("role-010");
  expect((await caught(() => list("bm90LWEtbWFya2Vy"))).code).toBe("InvalidParameter.Marker");
});
