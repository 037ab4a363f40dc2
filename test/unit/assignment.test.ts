import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/normalize";
import { checkApplicationAssignmentInputs } from "../../provider/resources/applicationAssignment";
import { checkOfficialCliApplicationInputs } from "../../provider/resources/officialCliApplication";

const base = { appId: "4038181954557748008", principalType: "user", principalName: "alice" };
const failures = (over: Record<string, unknown>) =>
  checkApplicationAssignmentInputs({ ...base, ...over }).failures;

describe("ApplicationAssignment check", () => {
  it("accepts a user name, a user principal name and a role name, normalizing case", () => {
    expect(failures({})).toEqual([]);
    expect(failures({ principalName: "Alice@Acme.onaliyun.com" })).toEqual([]);
    expect(failures({ principalType: "ROLE", principalName: "cli-admins" })).toEqual([]);
    const { inputs } = checkApplicationAssignmentInputs({
      ...base,
      principalType: "User",
      principalName: "Alice@Acme.onaliyun.com",
    });
    expect(inputs).toMatchObject({
      principalType: "user",
      principalName: "alice@acme.onaliyun.com",
      adopt: false,
    });
  });

  it("refuses groups, and says what to do instead", () => {
    expect(failures({ principalType: "group" })).toEqual([
      {
        property: "principalType",
        reason: "RAM user groups cannot be assigned: assign each user, or a role",
      },
    ]);
    expect(failures({ principalType: "service" })[0]?.reason).toBe("must be 'user' or 'role', not 'service'");
  });

  it("checks user names, principal names and role names at their limits", () => {
    expect(failures({ principalName: "u".repeat(64) })).toEqual([]);
    expect(failures({ principalName: "u".repeat(65) })).toHaveLength(1);
    const upn = (d: number) => `${"u".repeat(64)}@${"d".repeat(d)}.onaliyun.com`;
    expect(upn(50)).toHaveLength(128);
    expect(failures({ principalName: upn(50) })).toEqual([]);
    expect(failures({ principalName: upn(51) })[0]?.reason).toBe(
      "must be at most 128 characters for a user principal name, but has 129",
    );
    expect(failures({ principalName: "a b" })[0]?.property).toBe("principalName");
    expect(failures({ principalName: "alice@not_a_domain" })[0]?.reason).toMatch(/after @/);
    expect(failures({ principalType: "role", principalName: "r".repeat(64) })).toEqual([]);
    expect(failures({ principalType: "role", principalName: "r".repeat(65) })).toHaveLength(1);
    expect(failures({ principalType: "role", principalName: "has_underscore" })).toHaveLength(1);
  });

  it("refuses an AppId that is not an official application's", () => {
    expect(failures({ appId: "official-cli" })[0]).toMatchObject({ property: "appId" });
  });

  it("lets unknown values through at preview", () => {
    expect(failures({ appId: UNKNOWN, principalName: UNKNOWN })).toEqual([]);
  });
});

describe("OfficialCliApplication check", () => {
  it("defaults to the China site and refuses anything but cn or intl", () => {
    expect(checkOfficialCliApplicationInputs({}).inputs).toMatchObject({ site: "cn", adopt: false });
    expect(checkOfficialCliApplicationInputs({ site: "eu" }).failures).toEqual([
      { property: "site", reason: "must be 'cn' (China site) or 'intl' (international site)" },
    ]);
  });
});
