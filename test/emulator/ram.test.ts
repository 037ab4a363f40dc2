import { $OpenApiUtil } from "@alicloud/openapi-core";
import Ram, * as $Ram from "@alicloud/ram20150501";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, evaluatePermission, parsePermissionPolicy, startEmulator } from "../../emulator";
import { reshapeTrustPolicy } from "../../emulator/services/ram";
import { buildOidcTrustPolicy, trustPoliciesEqual } from "../../provider/trust/policy";
import { caught, ramClient } from "./helpers";

let emulator: Emulator;
let ram: Ram;

const trust = (sub = "repo:acme/app:ref:refs/heads/main") =>
  buildOidcTrustPolicy({
    providerArn: "acs:ram::1234567890123456:oidc-provider/github",
    issuerUrl: "https://token.actions.githubusercontent.com",
    audiences: ["sts.aliyuncs.com"],
    subjects: { equals: [sub] },
  });
const createRole = (
  roleName: string,
  extra: Partial<{ doc: string; description: string; max: number }> = {},
) =>
  ram.createRole(
    new $Ram.CreateRoleRequest({
      roleName,
      assumeRolePolicyDocument: extra.doc ?? trust(),
      description: extra.description,
      maxSessionDuration: extra.max,
    }),
  );
const getRole = (roleName: string) => ram.getRole(new $Ram.GetRoleRequest({ roleName }));
const attach = (policyType: string, policyName: string, roleName = "r") =>
  ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyType, policyName, roleName }));
const detach = (policyType: string, policyName: string, roleName = "r") =>
  ram.detachPolicyFromRole(new $Ram.DetachPolicyFromRoleRequest({ policyType, policyName, roleName }));
const customDoc = (action = "oss:GetObject") =>
  JSON.stringify({ Version: "1", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
const createPolicy = (policyName: string, doc = customDoc()) =>
  ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument: doc }));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, limits: { ram: { maxRolesPerAccount: 3 } } });
  ram = ramClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("role lifecycle through the SDK", () => {
  test("CreateRole answers the model's shape; the ARN lower-cases the name", async () => {
    const res = await createRole("CI-Deployer", { description: "CI" });
    const role = res.body!.role!;
    expect(role.roleName).toBe("CI-Deployer");
    expect(role.arn).toBe(`acs:ram::${emulator.accountId}:role/ci-deployer`);
    expect(role.roleId).toMatch(/^\d{17}$/);
    expect(role.maxSessionDuration).toBe(3600);
    expect(role.description).toBe("CI");
    expect(role.createDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test("GetRole returns the trust policy reshaped, semantically equal to what was sent", async () => {
    const sent = trust();
    await createRole("r", { doc: sent });
    const stored = (await getRole("r")).body!.role!.assumeRolePolicyDocument!;
    expect(stored).not.toBe(sent);
    expect(trustPoliciesEqual(stored, sent)).toBe(true);
    const parsed = JSON.parse(stored);
    expect(Object.keys(parsed)).toEqual(["Statement", "Version"]);
    expect(parsed.Statement[0].Condition.StringEquals["oidc:aud"]).toEqual(["sts.aliyuncs.com"]);
    expect(stored).toContain("\n  ");
  });

  test("reshapeTrustPolicies: false stores the document verbatim", async () => {
    const plain = await startEmulator({ reshapeTrustPolicies: false });
    try {
      const client = new Ram(
        new $OpenApiUtil.Config({
          accessKeyId: plain.accessKeyId,
          accessKeySecret: plain.accessKeySecret,
          endpoint: plain.endpoint,
          protocol: "http",
        }),
      );
      const sent = trust();
      await client.createRole(new $Ram.CreateRoleRequest({ roleName: "r", assumeRolePolicyDocument: sent }));
      const got = await client.getRole(new $Ram.GetRoleRequest({ roleName: "r" }));
      expect(got.body!.role!.assumeRolePolicyDocument).toBe(sent);
    } finally {
      await plain.close();
    }
  });

  test("reshaping never changes the meaning (property)", () => {
    const value = fc.oneof(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
    );
    fc.assert(
      fc.property(value, value, value, (aud, sub, fed) => {
        const doc = JSON.stringify({
          Version: "1",
          Statement: {
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { Federated: fed },
            Condition: { StringEquals: { "oidc:aud": aud }, StringLike: { "oidc:sub": sub } },
          },
        });
        return trustPoliciesEqual(reshapeTrustPolicy(doc), doc);
      }),
    );
  });

  test("UpdateRole changes the trust policy, MaxSessionDuration and description", async () => {
    await createRole("r");
    const res = await ram.updateRole(
      new $Ram.UpdateRoleRequest({
        roleName: "r",
        newAssumeRolePolicyDocument: trust("repo:acme/app:environment:prod"),
        newMaxSessionDuration: 7200,
        newDescription: "new",
      }),
    );
    const role = res.body!.role!;
    expect(role.maxSessionDuration).toBe(7200);
    expect(role.description).toBe("new");
    expect(trustPoliciesEqual(role.assumeRolePolicyDocument!, trust("repo:acme/app:environment:prod"))).toBe(
      true,
    );
    expect(role.updateDate).toMatch(/Z$/);
  });

  test("role names are unique case-insensitively: EntityAlreadyExists.Role (409)", async () => {
    await createRole("Role1");
    const err = await caught(() => createRole("role1"));
    expect(err.code).toBe("EntityAlreadyExists.Role");
    expect(err.statusCode).toBe(409);
  });

  test("an unknown role is 404 EntityNotExist.Role", async () => {
    const err = await caught(() => getRole("nope"));
    expect(err.code).toBe("EntityNotExist.Role");
    expect(err.statusCode).toBe(404);
    expect(err.data).toMatchObject({ HostId: "ram.aliyuncs.com" });
  });

  test("DeleteRole removes the role", async () => {
    await createRole("r");
    await ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: "r" }));
    expect((await caught(() => getRole("r"))).code).toBe("EntityNotExist.Role");
  });
});

describe("role limits at the edge and one past", () => {
  test("RoleName: 64 characters pass, 65 is InvalidParameter.RoleName.Length", async () => {
    await createRole("a".repeat(64));
    const err = await caught(() => createRole("b".repeat(65)));
    expect(err.code).toBe("InvalidParameter.RoleName.Length");
    expect(err.statusCode).toBe(400);
  });

  test("RoleName with '_' is InvalidParameter.RoleName.InvalidChars", async () => {
    expect((await caught(() => createRole("a_b"))).code).toBe("InvalidParameter.RoleName.InvalidChars");
  });

  test("Description: 1024 characters pass, 1025 is InvalidParameter.Description.Length", async () => {
    await createRole("r", { description: "d".repeat(1024) });
    expect((await caught(() => createRole("s", { description: "d".repeat(1025) }))).code).toBe(
      "InvalidParameter.Description.Length",
    );
  });

  test("MaxSessionDuration: 3600 and 43200 pass, 3599 and 43201 do not", async () => {
    await createRole("r1", { max: 3600 });
    await createRole("r2", { max: 43200 });
    await emulator.reset();
    for (const max of [3599, 43201]) {
      expect((await caught(() => createRole("r", { max }))).code).toBe("InvalidParameter.MaxSessionDuration");
    }
  });

  test("NewMaxSessionDuration out of range is InvalidParameter.NewMaxSessionDuration", async () => {
    await createRole("r");
    const err = await caught(() =>
      ram.updateRole(new $Ram.UpdateRoleRequest({ roleName: "r", newMaxSessionDuration: 43201 })),
    );
    expect(err.code).toBe("InvalidParameter.NewMaxSessionDuration");
  });

  test("AssumeRolePolicyDocument: 6144 characters pass, 6145 is InvalidParameter.AssumeRolePolicyDocument.Length", async () => {
    const base = trust();
    const at = `${base.slice(0, -1)}${" ".repeat(6144 - base.length)}}`;
    expect(at.length).toBe(6144);
    await createRole("r", { doc: at });
    const err = await caught(() => createRole("s", { doc: `${at} ` }));
    expect(err.code).toBe("InvalidParameter.AssumeRolePolicyDocument.Length");
  });

  test("a trust policy that does not parse is MalformedPolicyDocument", async () => {
    const err = await caught(() => createRole("r", { doc: '{"Statement":[{"Effect":"Allow"}]}' }));
    expect(err.code).toBe("MalformedPolicyDocument");
    expect(err.message).toContain("Action must be a string or a non-empty list of strings");
  });

  test("roles per account: the quota passes, one more is LimitExceeded.Role (quota 3 here)", async () => {
    for (const n of ["a", "b", "c"]) await createRole(n);
    const err = await caught(() => createRole("d"));
    expect(err.code).toBe("LimitExceeded.Role");
    expect(err.statusCode).toBe(409);
  });

  test("roles per account default to 1000", async () => {
    const full = await startEmulator();
    try {
      const doc = trust();
      for (let i = 0; i < 1000; i++) {
        await full.console("ram", "CreateRole", { RoleName: `r${i}`, AssumeRolePolicyDocument: doc });
      }
      await expect(
        full.console("ram", "CreateRole", { RoleName: "one-more", AssumeRolePolicyDocument: doc }),
      ).rejects.toMatchObject({
        code: "LimitExceeded.Role",
      });
    } finally {
      await full.close();
    }
  });
});

describe("policies attached to roles", () => {
  test("attach, list, detach a system policy", async () => {
    await createRole("r");
    await attach("System", "AliyunRAMReadOnlyAccess");
    const list = await ram.listPoliciesForRole(new $Ram.ListPoliciesForRoleRequest({ roleName: "r" }));
    const [p] = list.body!.policies!.policy!;
    expect(p).toMatchObject({
      policyName: "AliyunRAMReadOnlyAccess",
      policyType: "System",
      defaultVersion: "v1",
    });
    expect(p!.attachDate).toMatch(/Z$/);
    await detach("System", "AliyunRAMReadOnlyAccess");
    const after = await ram.listPoliciesForRole(new $Ram.ListPoliciesForRoleRequest({ roleName: "r" }));
    expect(after.body!.policies!.policy).toEqual([]);
  });

  test("a duplicate attach is EntityAlreadyExists.Role.Policy (409)", async () => {
    await createRole("r");
    await attach("System", "AdministratorAccess");
    const err = await caught(() => attach("System", "AdministratorAccess"));
    expect(err.code).toBe("EntityAlreadyExists.Role.Policy");
    expect(err.statusCode).toBe(409);
  });

  test("detaching what is not attached is EntityNotExist.Role.Policy", async () => {
    await createRole("r");
    expect((await caught(() => detach("System", "AdministratorAccess"))).code).toBe(
      "EntityNotExist.Role.Policy",
    );
  });

  test("an unknown policy is EntityNotExist.Policy; a bad PolicyType is InvalidParameter.PolicyType", async () => {
    await createRole("r");
    expect((await caught(() => attach("System", "NoSuchPolicy"))).code).toBe("EntityNotExist.Policy");
    expect((await caught(() => attach("Custom", "AdministratorAccess"))).code).toBe("EntityNotExist.Policy");
    expect((await caught(() => attach("Managed", "AdministratorAccess"))).code).toBe(
      "InvalidParameter.PolicyType",
    );
  });

  test("DeleteRole while a policy is attached is DeleteConflict.Role.Policy (409)", async () => {
    await createRole("r");
    await attach("System", "AdministratorAccess");
    const err = await caught(() => ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: "r" })));
    expect(err.code).toBe("DeleteConflict.Role.Policy");
    expect(err.statusCode).toBe(409);
  });

  test("custom policies per role: 10 pass, the 11th is LimitExceeded.Role.Policy", async () => {
    await createRole("r");
    for (let i = 0; i < 11; i++) await createPolicy(`p${i}`);
    for (let i = 0; i < 10; i++) await attach("Custom", `p${i}`);
    const err = await caught(() => attach("Custom", "p10"));
    expect(err.code).toBe("LimitExceeded.Role.Policy");
    expect(err.statusCode).toBe(409);
  });

  test("system policies per role: the quota passes, one more is LimitExceeded.Role.Policy (quota 2 here)", async () => {
    const limited = await startEmulator({ limits: { ram: { maxSystemPolicies: 2 } } });
    try {
      const doc = trust();
      await limited.console("ram", "CreateRole", { RoleName: "r", AssumeRolePolicyDocument: doc });
      const att = (PolicyName: string) =>
        limited.console("ram", "AttachPolicyToRole", { PolicyType: "System", PolicyName, RoleName: "r" });
      await att("AdministratorAccess");
      await att("AliyunOSSFullAccess");
      await expect(att("AliyunLogFullAccess")).rejects.toMatchObject({ code: "LimitExceeded.Role.Policy" });
    } finally {
      await limited.close();
    }
  });
});

describe("custom and system policies", () => {
  test("CreatePolicy / GetPolicy / DeletePolicy", async () => {
    const created = await createPolicy("read-objects");
    expect(created.body!.policy).toMatchObject({
      policyName: "read-objects",
      policyType: "Custom",
      defaultVersion: "v1",
    });
    const got = await ram.getPolicy(
      new $Ram.GetPolicyRequest({ policyType: "Custom", policyName: "read-objects" }),
    );
    expect(got.body!.policy!.policyDocument).toBe(customDoc());
    expect(got.body!.defaultPolicyVersion).toMatchObject({ versionId: "v1", isDefaultVersion: true });
    await ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: "read-objects" }));
    const err = await caught(() =>
      ram.getPolicy(new $Ram.GetPolicyRequest({ policyType: "Custom", policyName: "read-objects" })),
    );
    expect(err.code).toBe("EntityNotExist.Policy");
  });

  test("GetPolicy on a system policy returns its document", async () => {
    const got = await ram.getPolicy(
      new $Ram.GetPolicyRequest({ policyType: "System", policyName: "AliyunSTSAssumeRoleAccess" }),
    );
    expect(JSON.parse(got.body!.policy!.policyDocument!).Statement[0].Action).toBe("sts:AssumeRole");
  });

  test("a duplicate custom policy is EntityAlreadyExists.Policy", async () => {
    await createPolicy("p");
    expect((await caught(() => createPolicy("p"))).code).toBe("EntityAlreadyExists.Policy");
  });

  test("PolicyName: 128 characters pass, 129 is InvalidParameter.PolicyName.Length; '_' is InvalidChars", async () => {
    await createPolicy("p".repeat(128));
    expect((await caught(() => createPolicy("p".repeat(129)))).code).toBe(
      "InvalidParameter.PolicyName.Length",
    );
    expect((await caught(() => createPolicy("a_b"))).code).toBe("InvalidParameter.PolicyName.InvalidChars");
  });

  test("a malformed permission policy is MalformedPolicyDocument", async () => {
    const err = await caught(() =>
      createPolicy("p", '{"Statement":[{"Effect":"Allow","Action":"not an action"}]}'),
    );
    expect(err.code).toBe("MalformedPolicyDocument");
  });

  test("DeletePolicy while attached is DeleteConflict.Policy.Role", async () => {
    await createRole("r");
    await createPolicy("p");
    await attach("Custom", "p");
    expect(
      (await caught(() => ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: "p" })))).code,
    ).toBe("DeleteConflict.Policy.Role");
  });
});

describe("users (minimal)", () => {
  const createUser = (userName: string, displayName?: string) =>
    ram.createUser(new $Ram.CreateUserRequest({ userName, displayName }));

  test("CreateUser / GetUser / DeleteUser", async () => {
    const res = await createUser("alice", "Alice");
    expect(res.body!.user).toMatchObject({
      userName: "alice",
      displayName: "Alice",
      userId: expect.stringMatching(/^\d+$/),
    });
    expect((await ram.getUser(new $Ram.GetUserRequest({ userName: "ALICE" }))).body!.user!.userName).toBe(
      "alice",
    );
    await ram.deleteUser(new $Ram.DeleteUserRequest({ userName: "alice" }));
    expect((await caught(() => ram.getUser(new $Ram.GetUserRequest({ userName: "alice" })))).code).toBe(
      "EntityNotExist.User",
    );
  });

  test("user names are unique case-insensitively: EntityAlreadyExists.User", async () => {
    await createUser("bob");
    expect((await caught(() => createUser("BOB"))).code).toBe("EntityAlreadyExists.User");
  });

  test("UserName: 64 pass, 65 is .Length; '/' is .InvalidChars; DisplayName 128 pass, 129 is .Length", async () => {
    await createUser("u".repeat(64), "d".repeat(128));
    expect((await caught(() => createUser("u".repeat(65)))).code).toBe("InvalidParameter.UserName.Length");
    expect((await caught(() => createUser("a/b"))).code).toBe("InvalidParameter.UserName.InvalidChars");
    expect((await caught(() => createUser("v", "d".repeat(129)))).code).toBe(
      "InvalidParameter.DisplayName.Length",
    );
  });
});

describe("permission evaluator", () => {
  const policy = (statements: unknown[]) =>
    parsePermissionPolicy(JSON.stringify({ Version: "1", Statement: statements }));

  test("wildcards match case-insensitively", () => {
    const p = [
      { name: "p", policy: policy([{ Effect: "Allow", Action: ["ram:Get*", "ram:List*"], Resource: "*" }]) },
    ];
    expect(evaluatePermission(p, "ram:GetRole").allowed).toBe(true);
    expect(evaluatePermission(p, "RAM:listpoliciesforrole").allowed).toBe(true);
    expect(evaluatePermission(p, "ram:CreateRole")).toMatchObject({ allowed: false, denial: "ImplicitDeny" });
  });

  test("Deny wins over Allow; NotAction covers everything else", () => {
    const p = [
      { name: "admin", policy: policy([{ Effect: "Allow", Action: "*", Resource: "*" }]) },
      { name: "guard", policy: policy([{ Effect: "Deny", NotAction: "ram:Get*", Resource: "*" }]) },
    ];
    expect(evaluatePermission(p, "ram:GetRole").allowed).toBe(true);
    expect(evaluatePermission(p, "ram:DeleteRole")).toMatchObject({ allowed: false, denial: "ExplicitDeny" });
  });

  test("AdministratorAccess allows any action (property)", () => {
    const p = [{ name: "a", policy: policy([{ Effect: "Allow", Action: "*", Resource: "*" }]) }];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{2,6}:[A-Za-z]{1,12}$/),
        (action) => evaluatePermission(p, action).allowed,
      ),
    );
  });
});
