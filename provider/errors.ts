/**
 * One typed error for every failed Alibaba Cloud call.
 *
 * Provider code runs in a separate process from the program that declared the
 * resources, and errors cross module copies, so we brand errors with a global
 * symbol instead of relying on `instanceof`.
 */

const BRAND = Symbol.for("alicloud-federation.AlicloudApiError");

/** What we know about a failed call, with every secret already masked. */
export interface AlicloudApiErrorInfo {
  /** The API action, e.g. `CreateOIDCProvider`. */
  action: string;
  /** HTTP status, or 0 when no response arrived (connection reset, timeout). */
  status: number;
  /** Alibaba's error code verbatim, e.g. `EntityNotExist.OIDCProvider`; `NetworkError` when no response. */
  code: string;
  /** Alibaba's message, masked. */
  message: string;
  /** Alibaba's request id, when the service answered. */
  requestId?: string;
  /** How many attempts were made (retries included). */
  attempts: number;
}

export class AlicloudApiError extends Error {
  readonly [BRAND] = true;
  readonly action: string;
  readonly status: number;
  readonly code: string;
  /** The service's own message (masked), without our prefix: SCIM's `detail` names the field of a 409. */
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly attempts: number;

  constructor(info: AlicloudApiErrorInfo) {
    const rid = info.requestId ? ` (request id ${info.requestId})` : "";
    const tries = info.attempts > 1 ? ` after ${info.attempts} attempts` : "";
    super(
      maskSecrets(`${info.action} failed${tries}: HTTP ${info.status} ${info.code}: ${info.message}${rid}`),
    );
    this.name = "AlicloudApiError";
    this.action = info.action;
    this.status = info.status;
    this.code = info.code;
    this.detail = maskSecrets(info.message);
    this.requestId = info.requestId;
    this.attempts = info.attempts;
  }

  /** Brand check that works across processes' module copies. */
  static is(value: unknown): value is AlicloudApiError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** What a failure says: an error's message, anything else as text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when `err` is an API error with exactly this Alibaba code. */
export function hasCode(err: unknown, code: string): boolean {
  return AlicloudApiError.is(err) && err.code === code;
}

/**
 * True when `err` is an API error whose code is in this family, e.g.
 * `EntityNotExist` for `EntityNotExist.Role`. For codes that are not
 * published exactly, the family is what can be relied on.
 */
export function hasCodePrefix(err: unknown, prefix: string): boolean {
  return AlicloudApiError.is(err) && err.code.startsWith(prefix);
}

// Patterns that may carry a secret inside a message or URL. Alibaba access key
// secrets are 30 base62 characters; STS tokens are long base64 strings.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [
    /((?:AccessKeySecret|accessKeySecret|SecurityToken|securityToken|Signature|client_secret|OIDCToken|password)["']?\s*[=:]\s*["']?)[^\s"'&,}]+/g,
    "$1***",
  ],
  [/(Signature=)[^\s,&"]+/g, "$1***"],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1***"],
  [/(Basic\s+)[A-Za-z0-9+/=]+/g, "$1***"],
];

/**
 * Removes anything that looks like a credential from a string. Applied to every
 * message we surface, because Alibaba and SDK messages sometimes echo request
 * parameters.
 */
export function maskSecrets(text: string, knownSecrets: readonly string[] = registeredSecrets): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join("***");
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

// Secrets this process has resolved (access key secret, STS token). They are
// masked wherever they appear verbatim, whatever the surrounding text.
const registeredSecrets: string[] = [];

/** Whether `value` is a secret this process holds (a credential, a client secret it created or read). */
export function isKnownSecret(value: string): boolean {
  return registeredSecrets.includes(value);
}

/** Registers a secret value so that `maskSecrets` removes it from any text. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4 && !registeredSecrets.includes(value)) registeredSecrets.push(value);
}

/** Set (to anything but empty or `0`) to see stack traces of the errors written for people. */
export const DEBUG_ENV = "ALICLOUD_FEDERATION_DEBUG";

/** Whether stack traces were asked for (`ALICLOUD_FEDERATION_DEBUG`). */
export function debugEnabled(): boolean {
  const v = process.env[DEBUG_ENV];
  return v !== undefined && v !== "" && v !== "0";
}

/**
 * An error written for a person: its message says the cause once and what to do, and it is all
 * they see. Its `stack` holds no frames unless `ALICLOUD_FEDERATION_DEBUG` is set, because the
 * dynamic provider host prints `${err}: ${err.stack}` for a failed read, delete, check or diff.
 * It carries Pulumi's `RunError` mark (`__pulumiRunError`), so one thrown while the program runs
 * is printed as its message alone, without the runner's stack trace and source excerpt.
 */
export class UserError extends Error {
  /** Pulumi's program runner prints a RunError's message alone (@pulumi/pulumi errors.ts, `RunError.isInstance`). */
  readonly __pulumiRunError = true;

  constructor(message: string) {
    super(maskSecrets(message));
    this.name = "UserError";
    if (!debugEnabled()) this.stack = "";
  }

  /** Whether `value` is a `UserError` (from any copy of this module). */
  static is(value: unknown): value is UserError {
    return value instanceof Error && (value as { __pulumiRunError?: unknown }).__pulumiRunError === true;
  }
}
