/**
 * Fidelity fixes found by driving the emulator the way the official Python SDKs do: the answers
 * carry exactly the fields the SDK response models define, and parameters arrive as those SDKs
 * spell them (`str(True)` is "True").
 */
import * as $Ims from "@alicloud/ims20190815";
import * as $Ram from "@alicloud/ram20150501";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../emulator";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await emulator.reset();
});

/** The wire names a Tea model reads (what the SDK keeps of an answer). */
const wireNames = (model: { names(): Record<string, string> }) => Object.values(model.names()).sort();

describe("answers carry the fields of the SDK's response model", () => {
  test("RAM CreateUser: exactly CreateUserResponseBodyUser's fields (no UpdateDate)", async () => {
    const body = (await emulator.console("ram", "CreateUser", {
      UserName: "alice",
      DisplayName: "Alice",
      Comments: "c",
      Email: "alice@example.com",
      MobilePhone: "86-18600000000",
    })) as { User: Record<string, unknown> };
    expect(Object.keys(body.User).sort()).toEqual(wireNames($Ram.CreateUserResponseBodyUser));
    expect(body.User).not.toHaveProperty("UpdateDate");
    // GetUser's model has UpdateDate, and the answer carries it.
    const got = (await emulator.console("ram", "GetUser", { UserName: "alice" })) as {
      User: Record<string, unknown>;
    };
    expect(got.User).toHaveProperty("UpdateDate");
    for (const k of Object.keys(got.User)) expect(wireNames($Ram.GetUserResponseBodyUser)).toContain(k);
  });

  test("IMS CreateUser: only CreateUserResponseBodyUser's fields", async () => {
    const domain = ((await emulator.console("ims", "GetDefaultDomain", {})) as { DefaultDomainName: string })
      .DefaultDomainName;
    const body = (await emulator.console("ims", "CreateUser", {
      UserPrincipalName: `bob@${domain}`,
      DisplayName: "Bob",
    })) as { User: Record<string, unknown> };
    for (const k of Object.keys(body.User)) expect(wireNames($Ims.CreateUserResponseBodyUser)).toContain(k);
  });
});

describe("booleans as the Python SDKs send them", () => {
  test.each([
    ["True", true],
    ["False", false],
    ["true", true],
    ["FALSE", false],
  ])("IMS CreateApplication IsMultiTenant=%s is read as %s", async (text, value) => {
    const body = (await emulator.console("ims", "CreateApplication", {
      AppName: `app-${text.toLowerCase()}-${String(value)}`,
      DisplayName: "app",
      AppType: "WebApp",
      RedirectUris: "https://example.com/cb",
      IsMultiTenant: text,
    })) as { Application: { IsMultiTenant: boolean } };
    expect(body.Application.IsMultiTenant).toBe(value);
  });

  test("anything else is refused", async () => {
    await expect(
      emulator.console("ims", "CreateApplication", {
        AppName: "app-yes",
        DisplayName: "app",
        AppType: "WebApp",
        RedirectUris: "https://example.com/cb",
        IsMultiTenant: "yes",
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^InvalidParameter/) });
  });
});

describe("the main answers have exactly the fields of their SDK models", () => {
  const trust = JSON.stringify({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { RAM: "acs:ram::1:root" } }],
  });
  const policy = JSON.stringify({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: "ecs:*", Resource: "*" }],
  });

  test("RAM roles, users, policies and IMS OIDC providers", async () => {
    const keys = (o: unknown) => Object.keys(o as Record<string, unknown>).sort();
    const call = (service: string, action: string, params: Record<string, string>) =>
      emulator.console(service, action, params) as Promise<Record<string, unknown>>;
    const cases: Array<[string, unknown, { names(): Record<string, string> }, string[]]> = [
      [
        "CreateRole",
        (await call("ram", "CreateRole", { RoleName: "r", AssumeRolePolicyDocument: trust })).Role,
        $Ram.CreateRoleResponseBodyRole,
        [],
      ],
      ["GetRole", (await call("ram", "GetRole", { RoleName: "r" })).Role, $Ram.GetRoleResponseBodyRole, []],
      [
        "UpdateRole",
        (await call("ram", "UpdateRole", { RoleName: "r", NewDescription: "d" })).Role,
        $Ram.UpdateRoleResponseBodyRole,
        [],
      ],
      [
        "CreatePolicy",
        (await call("ram", "CreatePolicy", { PolicyName: "p", PolicyDocument: policy })).Policy,
        $Ram.CreatePolicyResponseBodyPolicy,
        [],
      ],
      [
        "CreateUser",
        (await call("ram", "CreateUser", { UserName: "u" })).User,
        $Ram.CreateUserResponseBodyUser,
        [],
      ],
      // Guess: a user who never signed in has no LastLoginDate.
      [
        "GetUser",
        (await call("ram", "GetUser", { UserName: "u" })).User,
        $Ram.GetUserResponseBodyUser,
        ["LastLoginDate"],
      ],
      [
        "CreateOIDCProvider",
        (
          await call("ims", "CreateOIDCProvider", {
            OIDCProviderName: "p",
            IssuerUrl: "https://issuer.example",
            Fingerprints: "a".repeat(40),
            ClientIds: "sts.aliyuncs.com",
          })
        ).OIDCProvider,
        $Ims.CreateOIDCProviderResponseBodyOIDCProvider,
        [],
      ],
      [
        "GetOIDCProvider",
        (await call("ims", "GetOIDCProvider", { OIDCProviderName: "p" })).OIDCProvider,
        $Ims.GetOIDCProviderResponseBodyOIDCProvider,
        [],
      ],
    ];
    for (const [action, body, model, absent] of cases)
      expect(keys(body), action).toEqual(wireNames(model).filter((n) => !absent.includes(n)));
  });
});
