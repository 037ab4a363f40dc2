/**
 * RAM (2015-05-01) error codes. Codes listed in docs/alibaba-api.md §5 and §6.3 (old RAM API docs and
 * the RAM error list) are used verbatim; every other code follows RAM's conventions and is marked
 * `Guess:`. Messages are ours unless said otherwise.
 */
import { AlibabaError } from "../../errors";

// ---- Roles -----------------------------------------------------------------------------------

/** Documented (§6.3). Message shape as observed from STS/ACK: "The role not exists: <arn>." */
export function roleNotExist(roleName: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.Role", `The role not exists: ${roleName}.`);
}

/** Documented (§6.3). */
export function roleAlreadyExists(roleName: string): AlibabaError {
  return new AlibabaError(409, "EntityAlreadyExists.Role", `The role already exists: ${roleName}.`);
}

/** Documented (§6.3). */
export function roleLimitExceeded(max: number): AlibabaError {
  return new AlibabaError(409, "LimitExceeded.Role", `The maximum number of roles in an account is ${max}.`);
}

/** Documented (§6.3). */
/** Guess: the code and status follow LimitExceeded.Role (RAM publishes no user-quota error). */
export function userLimitExceeded(max: number): AlibabaError {
  return new AlibabaError(409, "LimitExceeded.User", `The maximum number of users in an account is ${max}.`);
}

export function rolePolicyLimitExceeded(type: string, max: number): AlibabaError {
  return new AlibabaError(
    409,
    "LimitExceeded.Role.Policy",
    `A role can have at most ${max} ${type} policies attached.`,
  );
}

/** Documented (§6.3): a duplicate attach. */
export function rolePolicyAlreadyExists(policyName: string, roleName: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.Role.Policy",
    `The policy ${policyName} is already attached to the role ${roleName}.`,
  );
}

/** Guess: detaching a policy that is not attached (by analogy with EntityAlreadyExists.Role.Policy). */
export function rolePolicyNotExist(policyName: string, roleName: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.Role.Policy",
    `The policy ${policyName} is not attached to the role ${roleName}.`,
  );
}

/** Documented (§6.2-6.3): DeleteRole while policies are attached. */
export function deleteConflictRolePolicy(roleName: string): AlibabaError {
  return new AlibabaError(
    409,
    "DeleteConflict.Role.Policy",
    `The role ${roleName} still has policies attached; detach them before deleting it.`,
  );
}

/** Documented (§6.3): the trust policy document does not parse. */
export function malformedPolicyDocument(reason: string): AlibabaError {
  return new AlibabaError(400, "MalformedPolicyDocument", `The policy document is malformed: ${reason}.`);
}

// ---- Policies --------------------------------------------------------------------------------

/** Real RAM code (RAM error list); HTTP 404 by convention. */
export function policyNotExist(policyType: string, policyName: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.Policy",
    `The ${policyType} policy does not exist: ${policyName}.`,
  );
}

/** Real RAM code (RAM error list); HTTP 409 by convention. */
export function policyAlreadyExists(policyName: string): AlibabaError {
  return new AlibabaError(409, "EntityAlreadyExists.Policy", `The policy already exists: ${policyName}.`);
}

/** Documented on CreatePolicyVersion's page (409): the policy already has its 5 versions. */
export function policyVersionLimitExceeded(max: number): AlibabaError {
  return new AlibabaError(
    409,
    "LimitExceeded.Policy.Version",
    `The count of policy versions exceeds the limit ${max}.`,
  );
}

/** Guess (by analogy with EntityNotExist.Policy): a version id the policy does not have. */
export function policyVersionNotExist(policyName: string, versionId: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.Policy.Version",
    `The policy ${policyName} has no version ${versionId}.`,
  );
}

/** Guess: deleting the default version, which RAM documents as impossible. */
export function deleteConflictPolicyVersionDefault(policyName: string): AlibabaError {
  return new AlibabaError(
    409,
    "DeleteConflict.Policy.DefaultVersion",
    `The default version of the policy ${policyName} cannot be deleted.`,
  );
}

/** Guess: DeletePolicy while non-default versions remain (CascadingDelete not set). */
export function deleteConflictPolicyVersion(policyName: string): AlibabaError {
  return new AlibabaError(
    409,
    "DeleteConflict.Policy.Version",
    `The policy ${policyName} has non-default versions; delete them first or set CascadingDelete.`,
  );
}

/** Guess: modelled on `DeleteConflict.User.Policy`; RAM refuses deleting an attached policy. */
export function deleteConflictPolicyRole(policyName: string): AlibabaError {
  return new AlibabaError(
    409,
    "DeleteConflict.Policy.Role",
    `The policy ${policyName} is attached to at least one role; detach it before deleting it.`,
  );
}

// ---- Users -----------------------------------------------------------------------------------

/** Documented (§5.5 error list). */
export function userAlreadyExists(userName: string): AlibabaError {
  return new AlibabaError(409, "EntityAlreadyExists.User", `The user already exists: ${userName}.`);
}

/** Documented (§5.5 error list). */
export function userNotExist(userName: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.User", `The user does not exist: ${userName}.`);
}

/** Guess (by analogy with DeleteConflict.Policy.Role): DeletePolicy while attached to a user only. */
export function deleteConflictPolicyUser(policyName: string): AlibabaError {
  return new AlibabaError(
    409,
    "DeleteConflict.Policy.User",
    `The policy ${policyName} is attached to at least one user; detach it before deleting it.`,
  );
}

/** Documented code (§5.5 error list): DeleteUser (RAM or SCIM) while policies are attached. */
export function deleteConflictUserPolicy(userName: string): AlibabaError {
  return new AlibabaError(
    409,
    "DeleteConflict.User.Policy",
    `The user ${userName} still has policies attached; detach them before deleting it.`,
  );
}

/** Guess (by analogy with EntityAlreadyExists.Role.Policy): a duplicate AttachPolicyToUser. */
export function userPolicyAlreadyExists(policyName: string, userName: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.User.Policy",
    `The policy ${policyName} is already attached to the user ${userName}.`,
  );
}

/** Guess: detaching a policy that is not attached to the user. */
export function userPolicyNotExist(policyName: string, userName: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.User.Policy",
    `The policy ${policyName} is not attached to the user ${userName}.`,
  );
}

// ---- Parameters ------------------------------------------------------------------------------

/**
 * `InvalidParameter.<Param>.Length`: documented for RoleName, AssumeRolePolicyDocument, UserName
 * and DisplayName. Guess for the others (Description, PolicyName, PolicyDocument, ...).
 */
export function invalidLength(name: string, length: number, min: number, max: number): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.Length`,
    `The parameter ${name} must be ${min} to ${max} characters; got ${length}.`,
  );
}

/** Documented for RoleName, UserName and DisplayName; guess for PolicyName. */
export function invalidChars(name: string, rule: string): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.InvalidChars`,
    `The parameter ${name} may contain only ${rule}.`,
  );
}

/** Guess: MaxSessionDuration (or NewMaxSessionDuration) out of range; no suffix, like STS's DurationSeconds. */
export function invalidSessionDuration(name: string, value: number, min: number, max: number): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}`,
    `The parameter ${name} must be an integer from ${min} to ${max} seconds; got ${value}.`,
  );
}

/** Guess (by analogy with IMS's list actions): MaxItems outside its documented range. */
export function invalidRange(name: string, value: number, min: number, max: number): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.Range`,
    `The parameter ${name} must be an integer from ${min} to ${max}; got ${value}.`,
  );
}

/** Guess: a Marker this emulator did not hand out (IMS ListUsers on the RAM user store). */
export function invalidMarker(): AlibabaError {
  return new AlibabaError(400, "InvalidParameter.Marker", "The parameter Marker is invalid.");
}

/** Guess: PolicyType other than System or Custom. */
export function invalidPolicyType(value: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.PolicyType",
    `The parameter PolicyType must be System or Custom; got ${value}.`,
  );
}

// ---- Authorization ---------------------------------------------------------------------------

/**
 * Real code, status and first sentence (RAM/STS error lists). `AccessDeniedDetail` carries the
 * fields Alibaba documents for NoPermission answers (openapi-core exposes it as
 * `accessDeniedDetail`); the reason after the first sentence is the emulator's addition.
 */
export function noPermission(detail: {
  authAction: string;
  principal: string;
  principalType: string;
  accountId: string;
  noPermissionType: "ImplicitDeny" | "ExplicitDeny";
  policyType: string;
  reason: string;
  /** The resource the request acts on, `*` when it names none. */
  resource?: string;
}): AlibabaError {
  const on = detail.resource ? ` on ${detail.resource}` : "";
  return new AlibabaError(
    403,
    "NoPermission",
    `You are not authorized to do this action. You should be authorized by RAM. (${detail.authAction}${on}: ${detail.reason})`,
    {
      AccessDeniedDetail: {
        AuthAction: detail.authAction,
        AuthPrincipalDisplayName: detail.principal,
        AuthPrincipalOwnerId: detail.accountId,
        AuthPrincipalType: detail.principalType,
        NoPermissionType: detail.noPermissionType,
        PolicyType: detail.policyType,
      },
    },
  );
}
