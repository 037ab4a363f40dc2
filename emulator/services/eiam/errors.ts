/**
 * EIAM (2021-12-01) error codes, and the OAuth errors of the instance token endpoint.
 *
 * Guess: EIAM publishes no per-operation error codes in any source this project holds. Every
 * RPC code below follows one convention, chosen for the emulator (docs/alibaba-api.md §7 has none):
 * `EntityNotExists.<Thing>` 404, `EntityAlreadyExists.<Thing>` 409, `QuotaExceeded.<Thing>` 409,
 * `OperationConflict.<Thing>` 409 (a state that forbids the call), `InvalidParameter.<Param>` 400
 * and `MissingParameter.<Param>` 400, where `<Param>` is the wire name, dotted for nested fields
 * (`InvalidParameter.OidcProviderConfig.Issuer`). Messages are ours.
 */
import { AlibabaError } from "../../errors";
import { OAuthError } from "../oauth/errors";

// ---- Parameters ----------------------------------------------------------------------------

/** Guess: a required parameter is absent or empty. */
export function missingParameter(name: string): AlibabaError {
  return new AlibabaError(400, `MissingParameter.${name}`, `${name} is mandatory for this action.`);
}

/** Guess: a parameter has a value the service refuses; `detail` says why. */
export function invalidParameter(name: string, detail: string): AlibabaError {
  return new AlibabaError(400, `InvalidParameter.${name}`, `The parameter ${name} is invalid: ${detail}.`);
}

// ---- Entities ------------------------------------------------------------------------------

export type EiamThing =
  | "Instance"
  | "Application"
  | "ClientSecret"
  | "ClientPublicKey"
  | "ResourceServerScope"
  | "ResourceServerIdentifier"
  | "FederatedCredentialProvider"
  | "ApplicationFederatedCredential";

/** Guess: the entity does not exist in this instance (an unknown InstanceId included). */
export function entityNotExists(thing: EiamThing, id: string): AlibabaError {
  return new AlibabaError(404, `EntityNotExists.${thing}`, `The ${thing} does not exist: ${id}.`);
}

/** Guess: a name or value that must be unique is taken. */
export function entityAlreadyExists(thing: EiamThing, value: string, scope: string): AlibabaError {
  return new AlibabaError(
    409,
    `EntityAlreadyExists.${thing}`,
    `The ${thing} already exists ${scope}: ${value}.`,
  );
}

const QUOTA_NOUNS = {
  ApplicationClientSecret: "client secrets",
  ClientPublicKey: "client public keys",
  ResourceServerScope: "resource server scopes",
} as const;

/** Guess: a per-application quota is used up (2 client secrets, 5 public keys, 100 scopes). */
export function quotaExceeded(thing: keyof typeof QUOTA_NOUNS, max: number): AlibabaError {
  return new AlibabaError(
    409,
    `QuotaExceeded.${thing}`,
    `An application can have at most ${max} ${QUOTA_NOUNS[thing]}.`,
  );
}

/**
 * Guess: the call conflicts with the current state: granting to a client whose M2M client is
 * disabled (`ApplicationM2MClient`), granting from an application whose resource server is
 * disabled or has no identifier (`ApplicationResourceServer`), deleting a provider that
 * credentials still use (`FederatedCredentialProvider`).
 */
export function operationConflict(
  thing: "ApplicationM2MClient" | "ApplicationResourceServer" | "FederatedCredentialProvider",
  detail: string,
): AlibabaError {
  return new AlibabaError(409, `OperationConflict.${thing}`, detail);
}

// ---- Token endpoint (OAuth) ----------------------------------------------------------------

// The instance token endpoint answers `OAuthError`s, rendered by `oauthErrorResult` as
// `{error, error_description, request_id}` (cloud-idaas-core reads exactly these three). Guess:
// which error the real endpoint answers in each case, and the statuses (400, and 401 for
// `invalid_client`, RFC 6749 §5.2).

export function invalidRequest(detail: string): OAuthError {
  return new OAuthError(400, "invalid_request", detail);
}

/** Client authentication failed (unknown client, wrong secret, bad or replayed assertion). */
export function invalidClient(detail: string): OAuthError {
  return new OAuthError(401, "invalid_client", detail, { "www-authenticate": 'Basic realm="idaas"' });
}

/** Guess: the client authenticated but may not use client_credentials (M2M client disabled). */
export function unauthorizedClient(detail: string): OAuthError {
  return new OAuthError(400, "unauthorized_client", detail);
}

export function invalidScope(detail: string): OAuthError {
  return new OAuthError(400, "invalid_scope", detail);
}

export function unsupportedGrantType(grantType: string): OAuthError {
  return new OAuthError(
    400,
    "unsupported_grant_type",
    `grant_type ${JSON.stringify(grantType)} is not supported; the emulator serves client_credentials only.`,
  );
}
