/**
 * IMS error codes. Alibaba's IMS API pages do not list per-operation codes (see
 * alibaba-api.md §1.5): only `EntityNotExist.OIDCProvider` and
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
