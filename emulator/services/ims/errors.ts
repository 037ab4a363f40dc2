/**
 * IMS error codes. Alibaba's IMS API pages do not list per-operation codes (see
 * docs/alibaba-api.md §1.5): only `EntityNotExist.OIDCProvider` and
 * `EntityAlreadyExists.OIDCProvider.Url` have been observed. Every other code below follows the
 * RAM `InvalidParameter.<Param>.<Problem>` / `LimitExceeded.*` / `EntityAlreadyExists.*`
 * conventions and is marked `Guess:`. Messages are ours unless said otherwise.
 */
import { AlibabaError } from "../../errors";

// ---- Entities ------------------------------------------------------------------------------

/** Observed code ([TF]); HTTP 404 assumed from the RAM EntityNotExist convention. */
export function oidcProviderNotExist(name: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.OIDCProvider", `The OIDC provider does not exist: ${name}.`);
}

/** Guess: inferred from RAM's EntityAlreadyExists.<Entity>; not observed for IMS. */
export function oidcProviderAlreadyExists(name: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.OIDCProvider",
    `The OIDC provider already exists: ${name}.`,
  );
}

/** Observed code (bootstrap runbook); HTTP 409 assumed. */
export function oidcProviderUrlAlreadyExists(issuerUrl: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.OIDCProvider.Url",
    `An OIDC provider with the issuer URL already exists in this account: ${issuerUrl}.`,
  );
}

/** Guess: adding a client ID the provider already has. */
export function clientIdAlreadyExists(clientId: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.OIDCProvider.ClientId",
    `The client ID already exists in the OIDC provider: ${clientId}.`,
  );
}

/** Guess: removing a client ID the provider does not have. */
export function clientIdNotExist(clientId: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.OIDCProvider.ClientId",
    `The client ID does not exist in the OIDC provider: ${clientId}.`,
  );
}

/** Guess: adding a fingerprint the provider already has. */
export function fingerprintAlreadyExists(fingerprint: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.OIDCProvider.Fingerprint",
    `The fingerprint already exists in the OIDC provider: ${fingerprint}.`,
  );
}

/** Guess: removing a fingerprint the provider does not have. */
export function fingerprintNotExist(fingerprint: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.OIDCProvider.Fingerprint",
    `The fingerprint does not exist in the OIDC provider: ${fingerprint}.`,
  );
}

// ---- Limits --------------------------------------------------------------------------------

/** Guess (by RAM convention): the account already has the maximum number of providers. */
export function oidcProviderLimitExceeded(max: number): AlibabaError {
  return new AlibabaError(
    409,
    "LimitExceeded.OIDCProvider",
    `The maximum number of OIDC providers in an account is ${max}.`,
  );
}

/** Guess: more client IDs than allowed, at create, update or add. */
export function clientIdLimitExceeded(count: number, max: number): AlibabaError {
  return new AlibabaError(
    409,
    "LimitExceeded.OIDCProvider.ClientId",
    `An OIDC provider can have at most ${max} client IDs; the request would leave ${count}.`,
  );
}

/**
 * Guess: a fingerprint count outside [min, max], at create or after an add/remove. The minimum
 * of 1 is observed behaviour recorded by the Terraform provider, not documented.
 */
export function fingerprintLimitExceeded(count: number, min: number, max: number): AlibabaError {
  return new AlibabaError(
    409,
    "LimitExceeded.OIDCProvider.Fingerprint",
    `An OIDC provider must have between ${min} and ${max} fingerprints; the request would leave ${count}.`,
  );
}

// ---- Parameters (all guesses: codes follow RAM's InvalidParameter.<Param>.<Problem>) --------

export function missingParameter(name: string): AlibabaError {
  return new AlibabaError(400, `MissingParameter.${name}`, `${name} is mandatory for this action.`);
}

export function invalidLength(name: string, length: number, max: number): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.Length`,
    `The parameter ${name} must be at most ${max} characters; got ${length}.`,
  );
}

export function invalidChars(name: string, rule: string): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.InvalidChars`,
    `The parameter ${name} may contain only ${rule}.`,
  );
}

export function invalidFormat(name: string, detail: string): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.Format`,
    `The parameter ${name} is invalid: ${detail}.`,
  );
}

export function invalidRange(name: string, value: number, min: number, max: number): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}.Range`,
    `The parameter ${name} must be an integer from ${min} to ${max}; got ${value}.`,
  );
}

export function invalidMarker(): AlibabaError {
  return new AlibabaError(400, "InvalidParameter.Marker", "The parameter Marker is invalid.");
}

// ---- External (official) applications and assignments ----------------------------------------
// None of these codes is published (the application pages point to the error center, §2.1).

/**
 * An AppId that is no official application of this site (unknown, or the other site's
 * official-cli). `EntityNotExist.Application` is observed for IMS DeleteApplication (public
 * code); using it for external applications is a guess.
 */
export function applicationNotExist(appId: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.Application", `The application does not exist: ${appId}.`);
}

/** Guess: Get/Deprovision/assignments on an official application not provisioned in this account. */
export function externalApplicationNotExist(appId: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.ExternalApplication",
    `The application ${appId} is not provisioned in this account; call ProvisionExternalApplication first.`,
  );
}

/** Guess: ProvisionExternalApplication on an application already provisioned. */
export function externalApplicationAlreadyExists(appId: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.ExternalApplication",
    `The application ${appId} is already provisioned in this account.`,
  );
}

/** Guess: a scope the application does not define. */
export function invalidScope(scope: string, allowed: readonly string[]): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.Scopes",
    `The scope ${JSON.stringify(scope)} is not defined by the application; allowed: ${allowed.join(";")}.`,
  );
}

/** Guess: PrincipalType other than `user` or `role` (lower-case only; groups are no principal type). */
export function invalidPrincipalType(value: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.PrincipalType",
    `The parameter PrincipalType must be user or role (lower-case); got ${JSON.stringify(value)}.`,
  );
}

/** Guess: a user PrincipalName that is not `<username>@<domain>`. */
export function invalidPrincipalName(detail: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.PrincipalName.Format",
    `The parameter PrincipalName is invalid: ${detail}.`,
  );
}

/** Guess: the same principal assigned twice. */
export function assignmentAlreadyExists(principalType: string, principalName: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.ApplicationAssignment",
    `The ${principalType} ${principalName} is already assigned to the application.`,
  );
}

/** Guess: deleting an assignment that does not exist. */
export function assignmentNotExist(principalType: string, principalName: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.ApplicationAssignment",
    `The ${principalType} ${principalName} is not assigned to the application.`,
  );
}

// ---- Users (IMS view of the RAM user store) --------------------------------------------------

/** Documented RAM code (§5.5 error list), reused by IMS. */
export function userNotExist(what: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.User", `The user does not exist: ${what}.`);
}

/** Documented RAM code (§6.3), for a role PrincipalName that names no role. */
export function roleNotExist(roleName: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.Role", `The role not exists: ${roleName}.`);
}

/**
 * Guess: a UserPrincipalName whose domain is not this account's default domain
 * (`<account-id>.onaliyun.com` in the emulator).
 */
export function invalidUserPrincipalNameDomain(upn: string, domain: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.UserPrincipalName.Domain",
    `The domain of UserPrincipalName ${upn} must be the account's default domain ${domain}.`,
  );
}

/**
 * Guess: GetUser/DeleteUser with none (`MissingParameter.<first>`) or more than one
 * (`InvalidParameter`) of the identifying parameters; the SDK says "specify only one".
 */
export function exactlyOneOf(names: readonly string[], given: number): AlibabaError {
  return new AlibabaError(
    400,
    given === 0 ? `MissingParameter.${names[0] ?? "Parameter"}` : "InvalidParameter",
    `Specify exactly one of ${names.join(", ")}; got ${given}.`,
  );
}

// ---- OAuth applications owned by the account (CreateApplication & co., docs/alibaba-api.md §4) -----
// `EntityNotExist.Application` (above) is observed; every other code here is a guess.

/** Guess: AppName already used by another application of the account (case-insensitive). */
export function applicationAlreadyExists(appName: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.Application",
    `The application already exists: ${appName}.`,
  );
}

/** Guess: AppType outside WebApp | NativeApp | ServerApp. */
export function invalidAppType(value: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.AppType",
    `The parameter AppType must be WebApp, NativeApp or ServerApp; got ${JSON.stringify(value)}.`,
  );
}

/** Guess: a `;`-separated scope list naming a scope the application type does not offer. */
export function invalidPredefinedScope(
  param: string,
  scope: string,
  allowed: readonly string[],
): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${param}`,
    `The scope ${scope} is not available here; use some of: ${allowed.join(", ")}.`,
  );
}

/** Guess: only internal ServerApp applications are provisioned (§4.3). */
export function provisionNotSupported(appId: string, appType: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.AppType",
    `The application ${appId} is a ${appType}; only ServerApp applications can be provisioned.`,
  );
}

/** Guess: ProvisionApplication on an application already provisioned. */
export function applicationProvisionAlreadyExists(appId: string): AlibabaError {
  return new AlibabaError(
    409,
    "EntityAlreadyExists.ApplicationProvisionInfo",
    `The application ${appId} is already provisioned; deprovision it first to change its scopes.`,
  );
}

/** Guess: Deprovision/GetApplicationProvisionInfo on an application that is not provisioned. */
export function applicationProvisionNotExist(appId: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.ApplicationProvisionInfo",
    `The application ${appId} is not provisioned; call ProvisionApplication first.`,
  );
}

/** Guess: unknown AppSecretId (or one of another application). */
export function appSecretNotExist(appSecretId: string): AlibabaError {
  return new AlibabaError(
    404,
    "EntityNotExist.AppSecret",
    `The application secret does not exist: ${appSecretId}.`,
  );
}

/** Guess: the per-application secret quota (undocumented, `OAUTH_APP.maxSecretsPerApp`). */
export function appSecretLimitExceeded(max: number): AlibabaError {
  return new AlibabaError(
    409,
    "LimitExceeded.AppSecret",
    `An application can have at most ${max} secrets; delete one before creating another.`,
  );
}
