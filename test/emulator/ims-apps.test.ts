import type Ims from "@alicloud/ims20190815";
import { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import type Ram from "@alicloud/ram20150501";
import * as $Ram from "@alicloud/ram20150501";
import * as $dara from "@darabonba/typescript";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";
import { IMS_APP } from "../../provider/limits";
import { $Ims, caught, imsClient, ramClient } from "./helpers";

const CLI: string = IMS_APP.officialCliAppId.cn;
const ALL_SCOPES = "openid;/internal/ram/usersts";
let emulator: Emulator;
let ims: Ims;
let ram: Ram;
let upn: (name: string) => string;

/**
 * The assignment operations are in no SDK: the generic call of docs/alibaba-api.md §2.3, on the IMS
 * client (it extends openapi-core's client).
 */
async function rpc(action: string, query: Record<string, string | number>): Promise<Record<string, unknown>> {
  const params = new $OpenApiUtil.Params({
    action,
    version: "2019-08-15",
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) });
  const res = (await ims.callApi(params, req, new $dara.RuntimeOptions({}))) as {
    body: Record<string, unknown>;
  };
  return res.body;
}
const assign = (principalType: string, principalName: string, appId = CLI) =>
  rpc("CreateApplicationAssignment", {
    AppId: appId,
    PrincipalType: principalType,
    PrincipalName: principalName,
  });
const unassign = (principalType: string, principalName: string, appId = CLI) =>
  rpc("DeleteApplicationAssignment", {
    AppId: appId,
    PrincipalType: principalType,
    PrincipalName: principalName,
  });
const listAssignments = (extra: Record<string, string | number> = {}, appId = CLI) =>
  rpc("ListApplicationAssignments", { AppId: appId, ...extra });
const names = (body: Record<string, unknown>): string[] =>
  (
    body.ApplicationAssignments as { ApplicationAssignment: Array<{ PrincipalName: string }> }
  ).ApplicationAssignment.map((a) => a.PrincipalName);

const provision = (appId = CLI, scopes: string | undefined = ALL_SCOPES) =>
  ims.provisionExternalApplication(new $Ims.ProvisionExternalApplicationRequest({ appId, scopes }));
const createUser = (userName: string) => ram.createUser(new $Ram.CreateUserRequest({ userName }));
const trust = JSON.stringify({
  Version: "1",
  Statement: [
    { Effect: "Allow", Action: "sts:AssumeRole", Principal: { RAM: ["acs:ram::1234567890123456:root"] } },
  ],
});
const createRole = (roleName: string) =>
  ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: trust }));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  ims = imsClient(emulator);
  ram = ramClient(emulator);
  upn = (name) => `${name}@${emulator.accountId}.onaliyun.com`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("external applications through the SDK", () => {
  test("nothing is provisioned at first", async () => {
    const res = await ims.listExternalApplications();
    expect(res.body?.isTruncated).toBe(false);
    expect(res.body?.externalApplications?.externalApplication).toEqual([]);
  });

  test("Provision answers the ExternalApplication model; Get and List agree", async () => {
    const res = await provision();
    const app = res.body!.externalApplication!;
    expect(app.toMap()).toEqual({
      ForeignAppId: CLI,
      DisplayName: "official-cli",
      AppPrincipalName: `official-cli@app.${emulator.accountId}.onaliyun.com`,
      TenantId: emulator.accountId,
      CreateDate: expect.stringMatching(/^\d{13}$/),
      UpdateDate: expect.stringMatching(/^\d{13}$/),
      DelegatedScope: {
        PredefinedScopes: {
          PredefinedScope: [
            { Name: "openid", Description: IMS_APP.officialCliScopes[0].description },
            { Name: "/internal/ram/usersts", Description: IMS_APP.officialCliScopes[1].description },
          ],
        },
      },
    });
    const got = await ims.getExternalApplication(new $Ims.GetExternalApplicationRequest({ appId: CLI }));
    expect(got.body?.externalApplication?.toMap()).toEqual(app.toMap());
    const list = await ims.listExternalApplications();
    expect(list.body?.externalApplications?.externalApplication?.map((a) => a.foreignAppId)).toEqual([CLI]);
  });

  test("openid is always granted; an unknown scope is refused", async () => {
    const res = await provision(CLI, "/internal/ram/usersts");
    const scopes = res.body?.externalApplication?.delegatedScope?.predefinedScopes?.predefinedScope;
    expect(scopes?.map((s) => s.name)).toEqual(["openid", "/internal/ram/usersts"]);
    await ims.deprovisionExternalApplication(new $Ims.DeprovisionExternalApplicationRequest({ appId: CLI }));
    const err = await caught(() => provision(CLI, "openid;aliuid"));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.Scopes"]);
  });

  test("provisioning twice, deprovisioning or getting an unprovisioned app are refused", async () => {
    const get = () => ims.getExternalApplication(new $Ims.GetExternalApplicationRequest({ appId: CLI }));
    const deprovision = () =>
      ims.deprovisionExternalApplication(new $Ims.DeprovisionExternalApplicationRequest({ appId: CLI }));
    let err = await caught(get);
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.ExternalApplication"]);
    err = await caught(deprovision);
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.ExternalApplication"]);
    await provision();
    err = await caught(() => provision());
    expect([err.statusCode, err.code]).toEqual([409, "EntityAlreadyExists.ExternalApplication"]);
    await deprovision();
    expect((await ims.listExternalApplications()).body?.externalApplications?.externalApplication).toEqual(
      [],
    );
  });

  test("the other site's official-cli and unknown ids are no application of this account", async () => {
    for (const appId of [IMS_APP.officialCliAppId.intl, "1234"]) {
      const err = await caught(() => provision(appId));
      expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.Application"]);
    }
  });

  test("site intl: official-cli is the international client id", async () => {
    const intl = await startEmulator({ port: 0, site: "intl" });
    try {
      const client = imsClient(intl);
      const req = (appId: string) =>
        client.provisionExternalApplication(new $Ims.ProvisionExternalApplicationRequest({ appId }));
      expect((await req(IMS_APP.officialCliAppId.intl)).body?.externalApplication?.foreignAppId).toBe(
        IMS_APP.officialCliAppId.intl,
      );
      expect((await caught(() => req(CLI))).code).toBe("EntityNotExist.Application");
    } finally {
      await intl.close();
    }
  });
});

describe("application assignments through callApi", () => {
  beforeEach(async () => {
    await provision();
    await createUser("alice");
    await createRole("Deployer");
  });

  test("create answers RequestId only; list answers the chosen shape", async () => {
    expect(Object.keys(await assign("user", upn("alice")))).toEqual(["RequestId"]);
    await assign("role", "Deployer");
    const body = await listAssignments();
    expect(body).toEqual({
      RequestId: expect.any(String),
      IsTruncated: false,
      ApplicationAssignments: {
        ApplicationAssignment: [
          {
            AppId: CLI,
            PrincipalType: "user",
            PrincipalName: upn("alice"),
            CreateDate: expect.stringMatching(/Z$/),
          },
          {
            AppId: CLI,
            PrincipalType: "role",
            PrincipalName: "Deployer",
            CreateDate: expect.stringMatching(/Z$/),
          },
        ],
      },
    });
  });

  test("principal names match case-insensitively; a duplicate is 409", async () => {
    await assign("user", `ALICE@${emulator.accountId}.ONALIYUN.COM`);
    expect(names(await listAssignments())).toEqual([upn("alice")]);
    const err = await caught(() => assign("user", upn("alice")));
    expect([err.statusCode, err.code]).toEqual([409, "EntityAlreadyExists.ApplicationAssignment"]);
    await assign("role", "deployer");
    expect((await caught(() => assign("role", "DEPLOYER"))).code).toBe(
      "EntityAlreadyExists.ApplicationAssignment",
    );
  });

  test("MaxItems pages with Marker; out-of-range MaxItems is refused", async () => {
    for (const n of ["b", "c", "d"]) await createUser(n);
    for (const n of ["alice", "b", "c", "d"]) await assign("user", upn(n));
    const first = await listAssignments({ MaxItems: 3 });
    expect(first.IsTruncated).toBe(true);
    expect(names(first)).toEqual(["alice", "b", "c"].map(upn));
    const second = await listAssignments({ MaxItems: 3, Marker: first.Marker as string });
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();
    expect(names(second)).toEqual([upn("d")]);
    expect(names(await listAssignments({ MaxItems: 100 }))).toHaveLength(4);
    for (const MaxItems of [0, 101]) {
      const err = await caught(() => listAssignments({ MaxItems }));
      expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.MaxItems.Range"]);
    }
    expect((await caught(() => listAssignments({ Marker: "bogus" }))).code).toBe("InvalidParameter.Marker");
  });

  test("delete removes the assignment; deleting a missing one is 404", async () => {
    await assign("user", upn("alice"));
    expect(Object.keys(await unassign("user", upn("alice")))).toEqual(["RequestId"]);
    expect(names(await listAssignments())).toEqual([]);
    const err = await caught(() => unassign("user", upn("alice")));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.ApplicationAssignment"]);
  });

  test("the principal must exist: unknown user, other domain, unknown role", async () => {
    let err = await caught(() => assign("user", upn("nobody")));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.User"]);
    err = await caught(() => assign("user", "alice@other.onaliyun.com"));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.User"]);
    err = await caught(() => assign("user", "alice"));
    expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.PrincipalName.Format"]);
    err = await caught(() => assign("role", "Nobody"));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.Role"]);
  });

  test("PrincipalType is user or role, lower-case: groups and upper-case are refused", async () => {
    for (const type of ["group", "User", "ROLE", "usergroup"]) {
      const err = await caught(() => assign(type, upn("alice")));
      expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter.PrincipalType"]);
    }
  });

  test("only provisioned official applications take assignments", async () => {
    let err = await caught(() => assign("user", upn("alice"), IMS_APP.officialCliAppId.intl));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.Application"]);
    await ims.deprovisionExternalApplication(new $Ims.DeprovisionExternalApplicationRequest({ appId: CLI }));
    err = await caught(() => assign("user", upn("alice")));
    expect([err.statusCode, err.code]).toEqual([404, "EntityNotExist.ExternalApplication"]);
    err = await caught(() => listAssignments());
    expect(err.code).toBe("EntityNotExist.ExternalApplication");
  });

  test("deprovisioning drops the application's assignments", async () => {
    await assign("user", upn("alice"));
    await ims.deprovisionExternalApplication(new $Ims.DeprovisionExternalApplicationRequest({ appId: CLI }));
    await provision();
    expect(names(await listAssignments())).toEqual([]);
  });

  test("deleting the user (RAM or IMS) or the role drops its assignments, even if re-created", async () => {
    await createUser("bob");
    await assign("user", upn("alice"));
    await assign("user", upn("bob"));
    await assign("role", "Deployer");
    await ram.deleteUser(new $Ram.DeleteUserRequest({ userName: "alice" }));
    await ims.deleteUser(new $Ims.DeleteUserRequest({ userPrincipalName: upn("bob") }));
    await ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: "Deployer" }));
    expect(names(await listAssignments())).toEqual([]);
    await createUser("alice");
    expect(names(await listAssignments())).toEqual([]);
  });

  test("assignments are part of the IMS state dump", async () => {
    await assign("role", "Deployer");
    const state = (await emulator.state()) as { services: { ims: { applicationAssignments: unknown[] } } };
    expect(state.services.ims.applicationAssignments).toEqual([
      expect.objectContaining({ appId: CLI, principalType: "role", principalName: "Deployer" }),
    ]);
  });
});
