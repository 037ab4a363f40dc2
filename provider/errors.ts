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
    const rid = info.requestId ? ` (request id ${bounded(info.requestId, 100)})` : "";
    const tries = info.attempts > 1 ? ` after ${info.attempts} attempts` : "";
    const code = bounded(info.code, SERVICE_TEXT_MAX.code);
    // Cut before it is scanned: what is read is bounded whatever the service sent (1 MB was seen).
    const max = SERVICE_TEXT_MAX.message;
    let scanned = maskSecrets(withoutQueries(withoutCliConfigContent(info.message.slice(0, 4 * max))));
    // A secret that straddles the window's end is not matched: its first part, at the end, goes.
    if (info.message.length > 4 * max)
      scanned = scanned.slice(0, Math.max(0, scanned.length - longestSecret()));
    const detail =
      scanned.length <= max && info.message.length <= 4 * max
        ? scanned
        : `${scanned.slice(0, max - 30)}… (${info.message.length} characters)`;
    super(maskSecrets(`${info.action} failed${tries}: HTTP ${info.status} ${code}: ${detail}${rid}`));
    this.name = "AlicloudApiError";
    this.action = info.action;
    this.status = info.status;
    this.code = code;
    this.detail = detail;
    this.requestId = info.requestId;
    this.attempts = info.attempts;
  }

  /** Brand check that works across processes' module copies. */
  static is(value: unknown): value is AlicloudApiError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/**
 * The most of a service's answer an error quotes: its message and its code, each cut (its length
 * said) so that an answer of any size (a proxy's 1 MB page, a SCIM detail quoting the request)
 * makes an error of a few hundred characters, in the engine's output and in the state's record of
 * a failed create.
 */
export const SERVICE_TEXT_MAX = { message: 500, code: 100 } as const;

/** `text`, cut to `max` characters with its full length said. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 30)}… (${text.length} characters)`;
}

/** The longest value a message quotes ('…') in full; a longer one is cut, its length said. */
const QUOTE_MAX = 60;

/**
 * `text` with every quoted value over `QUOTE_MAX` characters cut (its length said), so what a
 * message says after quoting a 100,000-character input stays near its start.
 */
export function shortQuotes(text: string): string {
  return text.replace(
    // A quote opens and closes beside no letter: the apostrophes of "issuer's" are not quotes.
    new RegExp(`(?<!\\w)'([^'\\n]{${QUOTE_MAX + 1},})'(?!\\w)`, "g"),
    (_, v: string) => `'${v.slice(0, QUOTE_MAX - 20)}…' (${v.length} characters)`,
  );
}

/**
 * The first `max` of `items` joined by ", ", then how many more: a list whose length the input
 * decides (accounts, actions, problems), said in a bounded space.
 */
export function firstOf(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/**
 * `text` without the query of any URL in it. The SDK's network errors end with `POST <url>
 * failed.`, and the URL's query holds every parameter of the call, percent-encoded, where masking
 * by value cannot see a secret input (`a%20secret`). The method and the URL without its query stay.
 */
export function withoutQueries(text: string): string {
  return (
    text
      // The URL as the SDK's HTTP client words a timeout, with or without its origin.
      .replace(
        /\s*(GET|POST|PUT|PATCH|DELETE|HEAD) (https?:\/\/[^\s?#]*|\/[^\s?#]*)\S* failed\.?/g,
        " ($1 $2)",
      )
      .replace(/(https?:\/\/[^\s?#"'<>]*)\?[^\s"'<>]*/g, "$1?…")
  );
}

/**
 * `text` without what the credential chain quotes of a CLI config it cannot parse: @alicloud/credentials
 * (its CLI profile source, `getConfiguration` in providers/cli_profile.js) says
 * `parse aliyun cli config from '<path>' failed: <the whole file>`, and the file holds access key
 * secrets, so everything after the path goes (the sources tried after it with it).
 */
export function withoutCliConfigContent(text: string): string {
  return text.replace(
    // Lazy up to "' failed": a path may hold an apostrophe (/home/o'neil).
    /(parse aliyun cli config from '[\s\S]*?' failed):[\s\S]*/,
    "$1 (its content is not shown)",
  );
}

/** `text` without the request it names at all (`(POST <url>)`): for a message that says the URL apart. */
export function withoutRequest(text: string): string {
  return withoutQueries(text).replace(
    /\s*\((?:GET|POST|PUT|PATCH|DELETE|HEAD) (?:https?:\/\/|\/)[^\s)]*\)/g,
    "",
  );
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
    /((?:AccessKeySecret|accessKeySecret|access_key_secret|SecurityToken|securityToken|sts_token|Signature|client_secret|ClientSecret|clientSecret|client_assertion|OIDCToken|oauth_access_token|oauth_refresh_token|password)["']?\s*[=:]\s*["']?)[^\s"'&,}]+/g,
    "$1***",
  ],
  [/(Signature=)[^\s,&"]+/g, "$1***"],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1***"],
  [/(Basic\s+)[A-Za-z0-9+/=]+/g, "$1***"],
];

/**
 * Removes anything that looks like a credential from a string, and every secret value this process
 * knows (or `knownSecrets`, when given). Applied to every message we surface, because Alibaba and
 * SDK messages sometimes echo request parameters.
 *
 * A known value is found in any case (RAM writes a role's name in lower case in its ARN, and a live
 * name may differ in case from the one given), as written or as a URL or form body carries it (`a
 * secret` as `a%20secret`): one of 8 characters or more anywhere, a shorter one only as a whole
 * word (`bob` in `user 'bob@x'`, not in `bobcat`; `1000` not inside an account id). Where found
 * values overlap, the whole run goes. One pass over the text, whatever the number of values (a
 * 10,000-person secret roster registers each person's names).
 */
export function maskSecrets(text: string, knownSecrets?: Iterable<string>): string {
  const index = knownSecrets === undefined ? registered : SecretIndex.of(knownSecrets);
  let out = index.mask(text);
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * `text` with every secret value this process knows masked (as {@link maskSecrets} does), and
 * nothing else: for a text that names a property (`clientSecret: ...`), which the credential
 * patterns would take for a secret.
 */
export function maskKnown(text: string): string {
  return registered.mask(text);
}

/** The shortest value masked: a one-character secret would blank every word `a`, and tells nothing. */
const SECRET_MIN = 2;
/**
 * From this length a secret value is looked for anywhere in a text; a shorter one only as a whole
 * word ({@link wordAt}): in messages here, in ids and outputs by validation.ts.
 */
export const SECRET_SUBSTRING_MIN = 8;

/**
 * Secret values, each as written, URL-encoded and JSON-escaped, folded to lower case ({@link fold}),
 * indexed for one pass over a text.
 */
class SecretIndex {
  /** Forms by their length: a text is looked up at each position once per length held. */
  private readonly byLength = new Map<number, Set<string>>();
  /** The lengths held, longest first: the first form found at a position is the longest. */
  private lengths: number[] = [];
  /** The first two characters of every form: a position that starts none is passed over at once. */
  private readonly starts = new Set<string>();
  /** The longest form: what may straddle a cut. */
  longest = 0;

  static of(values: Iterable<string>): SecretIndex {
    const index = new SecretIndex();
    for (const v of values) index.add(v);
    return index;
  }

  add(value: string): void {
    if (value.length < SECRET_MIN) return;
    let encoded = value;
    try {
      encoded = encodeURIComponent(value);
    } catch {
      // A lone surrogate: it has no URL form.
    }
    // As a JSON document quotes it too (a trust policy, a SCIM detail): `team"blue` as `team\"blue`.
    const escaped = JSON.stringify(value).slice(1, -1);
    for (const form of new Set([fold(value), fold(encoded), fold(escaped)])) {
      let set = this.byLength.get(form.length);
      if (!set) {
        set = new Set();
        this.byLength.set(form.length, set);
        this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
      }
      set.add(form);
      this.starts.add(form.slice(0, 2));
      this.longest = Math.max(this.longest, form.length);
    }
  }

  mask(text: string): string {
    if (this.lengths.length === 0) return text;
    const lower = fold(text);
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i + SECRET_MIN <= lower.length; i++) {
      if (!this.starts.has(lower.slice(i, i + 2))) continue;
      let best = 0;
      for (const length of this.lengths) {
        if (i + length > lower.length) continue;
        if (
          this.byLength.get(length)?.has(lower.slice(i, i + length)) &&
          (length >= SECRET_SUBSTRING_MIN || wordAt(lower, i, length))
        ) {
          best = length;
          break;
        }
      }
      if (best === 0) continue;
      const last = ranges[ranges.length - 1];
      if (last && i <= last[1]) last[1] = Math.max(last[1], i + best);
      else ranges.push([i, i + best]);
    }
    if (ranges.length === 0) return text;
    let out = "";
    let at = 0;
    for (const [from, to] of ranges) {
      out += `${text.slice(at, from)}***`;
      at = to;
    }
    return out + text.slice(at);
  }
}

/**
 * `text` in lower case, one character at a time, so that it keeps its length (and every position):
 * `İ` becomes `i`, not `i̇`, and a Greek capital sigma `σ` wherever it stands. ASCII text, the
 * common case, takes the fast way.
 */
function fold(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, controls included.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let out = "";
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch.length === 1 ? lower.slice(0, 1) : ch;
  }
  return out;
}

/**
 * Whether `text` (lower case) has a word of `length` characters at `at`: no letter or digit right
 * before or after it.
 */
export function wordAt(text: string, at: number, length: number): boolean {
  const edge = (c: string | undefined) => c === undefined || !/[a-z0-9]/.test(c);
  return edge(text[at - 1]) && edge(text[at + length]);
}

// Secrets this process holds: the credentials it resolved (access key secret, STS token), client
// secrets it created or read, and the program's secret inputs its operations registered.
const registeredSecrets = new Set<string>();
const registered = new SecretIndex();

/** The length of the longest secret this process holds (what may straddle a cut). */
function longestSecret(): number {
  return registered.longest;
}

/** Whether `value` is a secret this process holds (a credential, a client secret it created or read). */
export function isKnownSecret(value: string): boolean {
  return registeredSecrets.has(value);
}

/** Registers a secret value so that `maskSecrets` removes it from any text. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < SECRET_MIN || registeredSecrets.has(value)) return;
  registeredSecrets.add(value);
  registered.add(value);
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
