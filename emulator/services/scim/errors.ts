/**
 * SCIM errors: RFC 7644 §3.12 bodies, `{schemas:[Error], status:"<code as a string>", scimType?,
 * detail}`. Alibaba publishes no SCIM error schema, statuses or scimType values for RAM
 * (docs/alibaba-api.md §5.4), so every choice below is a guess following RFC 7644 / RFC 6750.
 */
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = "ScimError";
  }
}

/** No bearer token, or one not issued (or no longer honoured). RFC 6750 §3.1. */
export function invalidToken(detail: string): ScimError {
  return new ScimError(401, undefined, detail, { "www-authenticate": 'Bearer error="invalid_token"' });
}

export function expiredToken(): ScimError {
  return new ScimError(401, undefined, "The access token has expired; request a new one.", {
    "www-authenticate": 'Bearer error="invalid_token", error_description="The access token expired"',
  });
}

/** The token lacks `/acs/scim`. RFC 6750 §3.1 `insufficient_scope` (403). */
export function insufficientScope(scope: string): ScimError {
  return new ScimError(403, undefined, `The access token does not carry the scope ${scope}.`, {
    "www-authenticate": `Bearer error="insufficient_scope", scope="${scope}"`,
  });
}

export function userNotFound(id: string): ScimError {
  return new ScimError(404, undefined, `Resource ${id} not found.`);
}

/** RFC 7644 §3.3: a userName or externalId already taken (the shape docs/alibaba-api.md §5.4 suggests). */
export function uniqueness(detail: string): ScimError {
  return new ScimError(409, "uniqueness", detail);
}

/**
 * DELETE of a user RAM refuses to delete (attached policies; `DeleteConflict.User.Policy` in RAM's
 * own API). RFC 7644 has no scimType for this; none is sent, the RAM code leads the detail.
 */
export function deleteConflict(detail: string): ScimError {
  return new ScimError(409, undefined, detail);
}

export function invalidFilter(detail: string): ScimError {
  return new ScimError(400, "invalidFilter", detail);
}

export function invalidSyntax(detail: string): ScimError {
  return new ScimError(400, "invalidSyntax", detail);
}

export function invalidValue(detail: string): ScimError {
  return new ScimError(400, "invalidValue", detail);
}

/** PATCH (not supported by RAM, docs/alibaba-api.md §5.3/§9.6) and other methods a path lacks. */
export function methodNotAllowed(method: string, allowed: string): ScimError {
  return new ScimError(405, undefined, `${method} is not supported here; use ${allowed}.`, {
    allow: allowed,
  });
}

export function serverError(): ScimError {
  return new ScimError(500, undefined, "The request processing has failed due to some unknown error.");
}
