/**
 * STS GetCallerIdentity: who signed the request. No parameters, no RAM authorization (any valid
 * credential may ask), an AK signature is required.
 *
 * Response fields (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-getcalleridentity):
 * `IdentityType` (`Account` | `RAMUser` | `AssumedRoleUser`), `AccountId`, `PrincipalId`, `Arn`,
 * `UserId` (account or RAM user callers only), `RoleId` (role callers only), `RequestId`.
 *
 * Guesses (emulator/README.md): for the account itself `PrincipalId` and `UserId` are the account
 * id and `Arn` is `acs:ram::<account>:root`; for a role session `Arn` is
 * `acs:ram::<account>:assumed-role/<role>/<session>` and `PrincipalId` is `<roleId>:<session>`
 * (the shape AssumeRoleWithOIDC's `AssumedRoleUser` uses).
 */
import type { Credential } from "../../auth/credentials";
import type { RamState } from "../ram/state";

export interface CallerIdentity {
  IdentityType: "Account" | "RAMUser" | "AssumedRoleUser";
  AccountId: string;
  PrincipalId: string;
  Arn: string;
  UserId?: string;
  RoleId?: string;
}

const ROLE = /^acs:ram::(\d+):role\/(.+)$/i;
const USER = /^acs:ram::(\d+):user\/(.+)$/;

/** The identity of `caller`, a credential of the account `accountId`. */
export function callerIdentity(caller: Credential, accountId: string, ram: RamState): CallerIdentity {
  const role = ROLE.exec(caller.principal);
  if (role) {
    const record = ram.findRoleByArn(caller.principal);
    const roleName = record?.roleName ?? role[2] ?? "";
    const roleId = record?.roleId ?? "";
    const session = caller.sessionName ?? "session";
    return {
      IdentityType: "AssumedRoleUser",
      AccountId: accountId,
      PrincipalId: `${roleId}:${session}`,
      Arn: `acs:ram::${accountId}:assumed-role/${roleName}/${session}`,
      RoleId: roleId,
    };
  }
  const user = USER.exec(caller.principal);
  if (user) {
    const name = user[2] ?? "";
    const id = ram.findUser(name)?.userId ?? name;
    return {
      IdentityType: "RAMUser",
      AccountId: accountId,
      PrincipalId: id,
      Arn: caller.principal,
      UserId: id,
    };
  }
  // The account's own key (and control-route STS credentials, whose principal is a label).
  return {
    IdentityType: "Account",
    AccountId: accountId,
    PrincipalId: accountId,
    Arn: `acs:ram::${accountId}:root`,
    UserId: accountId,
  };
}
