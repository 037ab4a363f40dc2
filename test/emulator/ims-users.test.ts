import type Ims from "@alicloud/ims20190815";
import type Ram from "@alicloud/ram20150501";
import * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { $Ims, caught, imsClient, ramClient } from "./helpers";

let emulator: Emulator;
let ims: Ims;
let ram: Ram;
let upn: (name: string) => string;

const create = (name: string, displayName = name, extra: Partial<{ comments: string }> = {}) =>
  ims.createUser(new $Ims.CreateUserRequest({ userPrincipalName: upn(name), displayName, ...extra }));
const getByUpn = (userPrincipalName: string) => ims.getUser(new $Ims.GetUserRequest({ userPrincipalName }));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ims = imsClient(emulator);
  ram = ramClient(emulator);
  upn = (name) => `${name}@${emulator.accountId}.onaliyun.com`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("IMS users on the RAM user store", () => {
  test("GetDefaultDomain: the account id under onaliyun.com (no alias)", async () => {
    const res = await ims.getDefaultDomain();
    expect(res.body?.defaultDomainName).toBe(`${emulator.accountId}.onaliyun.com`);
  });

  test("CreateUser answers the User model", async () => {
    const res = await create("alice", "Alice", { comments: "dev" });
    expect(res.body?.user?.toMap()).toEqual({
      UserPrincipalName: upn("alice"),
      UserId: expect.stringMatching(/^\d{16,19}$/),
      DisplayName: "Alice",
      Comments: "dev",
      Email: "",
      MobilePhone: "",
      CreateDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      UpdateDate: expect.stringMatching(/Z$/),
      ProvisionType: "Manual",
    });
  });

  test("DisplayName: 24 characters pass, 25 are refused (RAM 2015 allows 128)", async () => {
    const max = 24;
    await create("a24", "x".repeat(max));
    const err = await caught(() => create("a25", "x".repeat(max + 1)));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.DisplayName.Length"]);
    await ram.createUser(new $Ram.CreateUserRequest({ userName: "r25", displayName: "x".repeat(max + 1) }));
  });

  test("DisplayName is required; Comments at most 128", async () => {
    let err = await caught(() =>
      ims.createUser(new $Ims.CreateUserRequest({ userPrincipalName: upn("nodisplay") })),
    );
    expect([err.statusCode, err.code]).toEqual([400, "MissingParameter.DisplayName"]);
    await create("c128", "c", { comments: "c".repeat(128) });
    err = await caught(() => create("c129", "c", { comments: "c".repeat(129) }));
    expect(err.code).toBe("InvalidParameter.Comments.Length");
  });

  test("UserPrincipalName: the account's default domain, a valid user name", async () => {
    let err = await caught(() =>
      ims.createUser(
        new $Ims.CreateUserRequest({ userPrincipalName: "bob@other.onaliyun.com", displayName: "b" }),
      ),
    );
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.UserPrincipalName.Domain"]);
    err = await caught(() =>
      ims.createUser(new $Ims.CreateUserRequest({ userPrincipalName: "bob", displayName: "b" })),
    );
    expect(err.code).toBe("InvalidParameter.UserPrincipalName.Format");
    err = await caught(() => create("b!b", "b"));
    expect(err.code).toBe("InvalidParameter.UserPrincipalName.InvalidChars");
    await create("x".repeat(64), "x");
    err = await caught(() => create("x".repeat(65), "x"));
    expect(err.code).toBe("InvalidParameter.UserPrincipalName.Length");
  });

  test("RAM and IMS see the same users; a duplicate is EntityAlreadyExists.User", async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: "fromram", displayName: "From RAM" }));
    const got = await getByUpn(upn("FROMRAM"));
    expect(got.body?.user?.userPrincipalName).toBe(upn("fromram"));
    expect(got.body?.user?.userName).toBe("fromram");
    expect(got.body?.user?.displayName).toBe("From RAM");
    await create("fromims", "From IMS");
    const viaRam = await ram.getUser(new $Ram.GetUserRequest({ userName: "fromims" }));
    expect(viaRam.body?.user?.displayName).toBe("From IMS");
    const err = await caught(() => create("FromRam", "dup"));
    expect([err.statusCode, err.code]).toEqual([409, "EntityAlreadyExists.User"]);
  });

  test("GetUser by UserId; exactly one identifier; unknown → 404", async () => {
    const id = (await create("alice")).body!.user!.userId!;
    expect((await ims.getUser(new $Ims.GetUserRequest({ userId: id }))).body?.user?.userPrincipalName).toBe(
      upn("alice"),
    );
    let err = await caught(() =>
      ims.getUser(new $Ims.GetUserRequest({ userId: id, userPrincipalName: upn("alice") })),
    );
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter"]);
    err = await caught(() => ims.getUser(new $Ims.GetUserRequest({})));
    expect([err.statusCode, err.code]).toEqual([400, "MissingParameter.UserPrincipalName"]);
    err = await caught(() => getByUpn(upn("nobody")));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.User"]);
    err = await caught(() => ims.getUser(new $Ims.GetUserRequest({ userAccessKeyId: "LTAI5tNoSuchKey" })));
    expect(err.code).toBe("EntityNotExist.User");
  });

  test("DeleteUser by UserPrincipalName removes it for RAM too", async () => {
    await create("alice");
    await ims.deleteUser(new $Ims.DeleteUserRequest({ userPrincipalName: upn("alice") }));
    expect((await caught(() => ram.getUser(new $Ram.GetUserRequest({ userName: "alice" })))).code).toBe(
      "EntityNotExist.User",
    );
    const err = await caught(() =>
      ims.deleteUser(new $Ims.DeleteUserRequest({ userPrincipalName: upn("alice") })),
    );
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.User"]);
  });

  test("ListUsers pages by name with Marker; MaxItems 1-1000", async () => {
    for (const n of ["carol", "alice", "bob"]) await create(n);
    const first = await ims.listUsers(new $Ims.ListUsersRequest({ maxItems: 2 }));
    expect(first.body?.isTruncated).toBe(true);
    expect(first.body?.users?.user?.map((u) => u.userPrincipalName)).toEqual([upn("alice"), upn("bob")]);
    expect(first.body?.users?.user?.[0]?.status).toBe("active");
    const second = await ims.listUsers(
      new $Ims.ListUsersRequest({ maxItems: 2, marker: first.body!.marker! }),
    );
    expect(second.body?.isTruncated).toBe(false);
    expect(second.body?.users?.user?.map((u) => u.userPrincipalName)).toEqual([upn("carol")]);
    expect(
      (await ims.listUsers(new $Ims.ListUsersRequest({ maxItems: 1000 }))).body?.users?.user,
    ).toHaveLength(3);
    const err = await caught(() => ims.listUsers(new $Ims.ListUsersRequest({ maxItems: 1001 })));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.MaxItems.Range"]);
  });
});
