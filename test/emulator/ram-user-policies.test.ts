import type Ram from "@alicloud/ram20150501";
import * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { caught, ramClient } from "./helpers";

let emulator: Emulator;
let ram: Ram;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ram = ramClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  await ram.createUser(new $Ram.CreateUserRequest({ userName: "alice" }));
});

const attach = (policyName: string, policyType = "System") =>
  ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ policyType, policyName, userName: "alice" }));
const detach = (policyName: string, policyType = "System") =>
  ram.detachPolicyFromUser(
    new $Ram.DetachPolicyFromUserRequest({ policyType, policyName, userName: "alice" }),
  );

describe("RAM user policies (the SCIM DELETE blocker)", () => {
  test("DeleteUser is refused while a policy is attached (409 DeleteConflict.User.Policy)", async () => {
    await attach("AliyunOSSReadOnlyAccess");
    const e = await caught(() => ram.deleteUser(new $Ram.DeleteUserRequest({ userName: "alice" })));
    expect([e.code, e.statusCode]).toEqual(["DeleteConflict.User.Policy", 409]);
    await detach("AliyunOSSReadOnlyAccess");
    await ram.deleteUser(new $Ram.DeleteUserRequest({ userName: "alice" }));
  });

  test("a duplicate attach is 409, a detach of what is not attached 404", async () => {
    await attach("AliyunOSSReadOnlyAccess");
    expect((await caught(() => attach("AliyunOSSReadOnlyAccess"))).code).toBe(
      "EntityAlreadyExists.User.Policy",
    );
    expect((await caught(() => detach("AliyunECSReadOnlyAccess"))).code).toBe("EntityNotExist.User.Policy");
  });

  test("a custom policy attached to a user cannot be deleted", async () => {
    await ram.createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: "custom",
        policyDocument: JSON.stringify({
          Version: "1",
          Statement: [{ Effect: "Allow", Action: "oss:GetObject", Resource: "*" }],
        }),
      }),
    );
    await attach("custom", "Custom");
    const e = await caught(() => ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: "custom" })));
    expect([e.code, e.statusCode]).toEqual(["DeleteConflict.Policy.User", 409]);
  });
});

describe("RAM UpdateUser", () => {
  test("renames and edits; the old name is gone; a taken name is 409", async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: "bob" }));
    const res = await ram.updateUser(
      new $Ram.UpdateUserRequest({ userName: "alice", newUserName: "alice.chen", newDisplayName: "Alice C" }),
    );
    expect(res.body!.user).toMatchObject({ userName: "alice.chen", displayName: "Alice C" });
    expect((await caught(() => ram.getUser(new $Ram.GetUserRequest({ userName: "alice" })))).code).toBe(
      "EntityNotExist.User",
    );
    const e = await caught(() =>
      ram.updateUser(new $Ram.UpdateUserRequest({ userName: "alice.chen", newUserName: "BOB" })),
    );
    expect([e.code, e.statusCode]).toEqual(["EntityAlreadyExists.User", 409]);
  });

  test("NewDisplayName: 128 characters pass, 129 fail", async () => {
    await ram.updateUser(new $Ram.UpdateUserRequest({ userName: "alice", newDisplayName: "d".repeat(128) }));
    const e = await caught(() =>
      ram.updateUser(new $Ram.UpdateUserRequest({ userName: "alice", newDisplayName: "d".repeat(129) })),
    );
    expect(e.code).toBe("InvalidParameter.NewDisplayName.Length");
  });
});
