/**
 * STS (2015-04-01) error codes for AssumeRoleWithOIDC.
 *
 * Observed verbatim (docs/alibaba-api.md §6.5; credentials-go/node/php tests, ACK RRSA docs, a
 * community runbook): `AuthenticationFail.OIDCToken.Invalid`, `AuthenticationFail.OIDCToken.Expired`
 * ("This JsonWebToken is expired."), `AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch`,
 * `AuthenticationFail.OIDCToken.AudienceNotMatch`. Documented for AssumeRole ([META-2024] sts):
 * `InvalidParameter.RoleArn|RoleSessionName|DurationSeconds|PolicyGrammar|PolicySize` (400),
 * `EntityNotExist.Role` (404), `NoPermission` (403). Everything else is marked `Guess:`.
 *
 * Guess: the HTTP status of the AuthenticationFail.OIDCToken.* codes is not published; 400 is
 * used (the request carries a bad credential, like InvalidParameter.*).
 */
import { AlibabaError } from "../../errors";

const AUTH_STATUS = 400;

/** Observed code. Used for every token that cannot be verified: not a JWT, no `kid`, unknown
 * `kid`, bad signature, unsupported `alg`, `iss` not the provider's issuer, a missing claim, and
 * (guess) an issuer whose discovery document or JWKS cannot be fetched. */
export function tokenInvalid(detail: string): AlibabaError {
  return new AlibabaError(
    AUTH_STATUS,
    "AuthenticationFail.OIDCToken.Invalid",
    `The OIDC token is invalid: ${detail}.`,
  );
}

/** Observed code and message (the detail after it is ours). */
export function tokenExpired(detail: string): AlibabaError {
  return new AlibabaError(
    AUTH_STATUS,
    "AuthenticationFail.OIDCToken.Expired",
    `This JsonWebToken is expired. ${detail}`,
  );
}

/**
 * Guess: a token whose `iat` is more than IssuanceLimitTime hours old. The code is not published;
 * Expired is used because the remedy is the same (fetch a fresh token) and the token is "too old".
 */
export function tokenTooOld(ageSeconds: number, limitHours: number): AlibabaError {
  return tokenExpired(
    `The token was issued ${Math.floor(ageSeconds / 60)} minutes ago, more than the provider's IssuanceLimitTime of ${limitHours} hours.`,
  );
}

/** Observed code. */
export function audienceNotMatch(aud: string[], clientIds: string[]): AlibabaError {
  return new AlibabaError(
    AUTH_STATUS,
    "AuthenticationFail.OIDCToken.AudienceNotMatch",
    `Invalid audience. The token's aud [${aud.join(", ")}] contains none of the provider's client IDs [${clientIds.join(", ")}].`,
  );
}

/**
 * Observed code and message ("The https fingerprint of this discovery is invalid.", quoted in the
 * public incident gardenlinux/gardenlinux#4794); the detail after it is ours. Fingerprints are not
 * secret (anyone can compute them); listing the chain's helps fix the provider.
 */
export function fingerprintMismatch(
  host: string,
  port: number,
  chain: Array<{ role: string; sha1: string; subject: string }>,
): AlibabaError {
  const seen = chain.map((c) => `${c.role} ${c.sha1} (${c.subject})`).join(", ");
  return new AlibabaError(
    AUTH_STATUS,
    "AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch",
    `The https fingerprint of this discovery is invalid. None of the OIDC provider's fingerprints is a certificate of the chain ${host}:${port} is verified by: ${seen}.`,
  );
}

/** Guess: the provider named by OIDCProviderArn does not exist (IMS's code reused). */
export function oidcProviderNotExist(arn: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.OIDCProvider", `The OIDC provider does not exist: ${arn}.`);
}

/** Documented for AssumeRole; message shape observed ("The role not exists: <arn>"). */
export function roleNotExist(arn: string): AlibabaError {
  return new AlibabaError(404, "EntityNotExist.Role", `The role not exists: ${arn}.`);
}

/** Documented codes (AssumeRole): `InvalidParameter.RoleArn`, `.RoleSessionName`. Guess for `.OIDCProviderArn`, `.OIDCToken`. */
export function invalidParameter(name: string, detail: string): AlibabaError {
  return new AlibabaError(
    400,
    `InvalidParameter.${name}`,
    `The parameter ${name} is wrongly formed: ${detail}.`,
  );
}

/** Documented code (AssumeRole); the message is ours (the documented one says 15min/1hr). */
export function invalidDurationSeconds(value: number, min: number, max: number): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.DurationSeconds",
    `The Min/Max value of DurationSeconds is ${min}/${max} seconds for this role; got ${value}.`,
  );
}

/** Documented code and message. */
export function policySize(max: number): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.PolicySize",
    `The size of Policy must be smaller than ${max} bytes.`,
  );
}

/** Documented code and message (the reason is ours). */
export function policyGrammar(reason: string): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidParameter.PolicyGrammar",
    `The parameter Policy has not passed grammar check: ${reason}.`,
  );
}
