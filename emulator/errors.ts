/**
 * Alibaba's error envelope and the gateway-level errors every service shares.
 *
 * Service-specific codes live in `services/<service>/errors.ts`. Codes that are
 * not confirmed by Alibaba's documentation or an observed response carry a
 * `Guess:` comment.
 */

/** An error answered to the caller exactly as Alibaba would: HTTP status, code and message. */
export class AlibabaError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra body fields, e.g. `AccessDeniedDetail` of a NoPermission answer. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = "AlibabaError";
  }
}

/** The JSON body of every Alibaba OpenAPI error. */
export interface AlibabaErrorBody {
  RequestId: string;
  HostId: string;
  Code: string;
  Message: string;
  Recommend: string;
  /** NoPermission answers: which policy type refused which action (openapi-core reads it). */
  AccessDeniedDetail?: Record<string, unknown>;
}

export function errorBody(
  err: AlibabaError,
  requestId: string,
  hostId: string,
  product: string,
): AlibabaErrorBody {
  const q = encodeURIComponent(err.code);
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: err.code,
    Message: err.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${q}&product=${product}&requestId=${requestId}`,
    ...err.extra,
  };
}

// ---- Routing -------------------------------------------------------------------------------

/** Observed verbatim from the OpenAPI gateway. */
export function invalidActionNotFound(): AlibabaError {
  return new AlibabaError(
    404,
    "InvalidAction.NotFound",
    "Specified api is not found, please check your url and method.",
  );
}

/** Guess: the code and message for a version no service on this endpoint implements. */
export function invalidVersion(version: string): AlibabaError {
  return new AlibabaError(400, "InvalidVersion", `Specified parameter Version is not valid: ${version}.`);
}

/** Guess: neither `x-acs-action` nor `Action` was sent. */
export function missingAction(): AlibabaError {
  return new AlibabaError(400, "MissingAction", "Action is mandatory for this request.");
}

/** Guess: neither `x-acs-version` nor `Version` was sent. */
export function missingVersion(): AlibabaError {
  return new AlibabaError(400, "MissingVersion", "Version is mandatory for this request.");
}

// ---- Authentication ------------------------------------------------------------------------

/** Guess: no Authorization header and no V1 `Signature` parameter. */
export function missingAuthorization(): AlibabaError {
  return new AlibabaError(
    400,
    "MissingAuthorization",
    "The request is not signed: send an ACS3-HMAC-SHA256 Authorization header or a V1 Signature parameter.",
  );
}

/** Real code; the detail after the standard sentence is ours. */
export function incompleteSignature(detail: string): AlibabaError {
  return new AlibabaError(
    400,
    "IncompleteSignature",
    `The request signature does not conform to Aliyun standards. ${detail}`,
  );
}

/** Real code and message. */
export function invalidAccessKeyIdNotFound(): AlibabaError {
  return new AlibabaError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
}

/** Real code and message. */
export function signatureDoesNotMatch(): AlibabaError {
  return new AlibabaError(
    400,
    "SignatureDoesNotMatch",
    "Specified signature is not matched with our calculation.",
  );
}

/** Real code and message. */
export function invalidTimeStampExpired(): AlibabaError {
  return new AlibabaError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
}

/** Guess: the date is not `YYYY-MM-DDTHH:mm:ssZ`. */
export function invalidTimeStampFormat(): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidTimeStamp.Format",
    "Specified time stamp or date value is not well formatted.",
  );
}

/** Real code and message. */
export function invalidSecurityTokenMismatch(): AlibabaError {
  return new AlibabaError(
    400,
    "InvalidSecurityToken.MismatchWithAccessKey",
    "Specified SecurityToken mismatch with the AccessKey.",
  );
}

/** Real code and message. */
export function invalidSecurityTokenExpired(): AlibabaError {
  return new AlibabaError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
}

// ---- Faults and surprises ------------------------------------------------------------------

/**
 * Alibaba does not publish per-service throttling codes; `Throttling.User` is the
 * common one, and the SDK turns any code containing `Throttling` into a ThrottlingError.
 */
export function throttlingUser(): AlibabaError {
  return new AlibabaError(400, "Throttling.User", "Request was denied due to user flow control.");
}

/** Real code and message. */
export function internalError(): AlibabaError {
  return new AlibabaError(
    500,
    "InternalError",
    "The request processing has failed due to some unknown error, exception or failure.",
  );
}

/** Real code and message. */
export function serviceUnavailable(): AlibabaError {
  return new AlibabaError(
    503,
    "ServiceUnavailable",
    "The request has failed due to a temporary failure of the server.",
  );
}
