/**
 * OAuth errors: `{error, error_description, requestId}` (docs/alibaba-api.md §3.2; the CLI reads
 * `error` and `error_description`, e.g. `expired_token`). The `error` values are RFC 6749 / 6750
 * names; which one Alibaba answers in each case is not published, so every choice of error and
 * HTTP status below is a guess unless said otherwise.
 */
import { AlibabaError } from "../../errors";
import { RouteMethodNotAllowed, type RouteResult } from "../../service";

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
    this.name = "OAuthError";
  }
}

/** Authorize: client_id is no provisioned official application (answered, not redirected). */
export function invalidClient(detail: string): OAuthError {
  return new OAuthError(400, "invalid_client", detail);
}

/**
 * Token endpoint, client_credentials: no or wrong client authentication (unknown client_id, wrong
 * or deleted secret). RFC 6749 §5.2: 401 with a `WWW-Authenticate` challenge for HTTP Basic.
 */
export function invalidClientCredentials(detail: string): OAuthError {
  return new OAuthError(401, "invalid_client", detail, { "www-authenticate": 'Basic realm="oauth"' });
}

/** Token endpoint: the client may not use this grant (not a ServerApp, or not provisioned). */
export function unauthorizedClient(detail: string): OAuthError {
  return new OAuthError(400, "unauthorized_client", detail);
}

/** Token endpoint: a requested scope the application was not granted. */
export function invalidScope(detail: string): OAuthError {
  return new OAuthError(400, "invalid_scope", detail);
}

/** A missing or malformed parameter. */
export function invalidRequest(detail: string): OAuthError {
  return new OAuthError(400, "invalid_request", detail);
}

/** A code or refresh token that is unknown, expired, used, bound elsewhere, or whose access ended. */
export function invalidGrant(detail: string): OAuthError {
  return new OAuthError(400, "invalid_grant", detail);
}

export function unsupportedGrantType(grantType: string, supported: readonly string[]): OAuthError {
  return new OAuthError(
    400,
    "unsupported_grant_type",
    `grant_type ${JSON.stringify(grantType)} is not supported; use one of ${supported.join(", ")}.`,
  );
}

/** Exchange: no bearer token, or one the emulator did not issue (or revoked). RFC 6750 §3.1. */
export function invalidToken(detail: string): OAuthError {
  return new OAuthError(401, "invalid_token", detail, {
    "www-authenticate": 'Bearer error="invalid_token"',
  });
}

/** Exchange: the access token's lifetime is over. `expired_token` is observed in the CLI's source. */
export function expiredToken(): OAuthError {
  return new OAuthError(401, "expired_token", "The access token has expired; refresh it or sign in again.", {
    "www-authenticate": 'Bearer error="invalid_token"',
  });
}

/** Exchange: the application was not granted `/internal/ram/usersts`. RFC 6750 §3.1. */
export function insufficientScope(scope: string): OAuthError {
  return new OAuthError(403, "insufficient_scope", `The access token does not carry the scope ${scope}.`);
}

/** A path the service knows, with another method. */
export function methodNotAllowed(method: string, allowed: string): OAuthError {
  return new OAuthError(405, "invalid_request", `${method} is not allowed here; use ${allowed}.`, {
    allow: allowed,
  });
}

export function serverError(): OAuthError {
  return new OAuthError(500, "server_error", "The request processing has failed due to some unknown error.");
}

/**
 * The `errorResult` of an OAuth-style path service: an `OAuthError` as
 * `{error, error_description, <requestIdKey>}` with its status and headers; a routed path with
 * the wrong method as 405; an injected fault (an Alibaba error) with its status and the code as
 * the OAuth error (guess); anything else as a 500 reported as an emulator bug. The CLI's OAuth
 * answers `requestId`, the IDaaS instance endpoint `request_id`.
 */
export function oauthErrorResult(
  e: unknown,
  requestId: string,
  requestIdKey: "requestId" | "request_id",
): { result: RouteResult; bug?: string } {
  const answer = (err: OAuthError): RouteResult => ({
    status: err.status,
    headers: err.headers,
    body: { error: err.error, error_description: err.message, [requestIdKey]: requestId },
  });
  if (e instanceof OAuthError) return { result: answer(e) };
  if (e instanceof RouteMethodNotAllowed)
    return { result: answer(methodNotAllowed(e.method, e.allowed.join(", "))) };
  if (e instanceof AlibabaError) return { result: answer(new OAuthError(e.status, e.code, e.message)) };
  return { result: answer(serverError()), bug: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
