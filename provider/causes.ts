/**
 * Failures that are the same for every resource of a run: the stack config names a key this
 * package does not read, no credentials are found, the service rejects them, the endpoint cannot be
 * reached, or the account cannot be determined. Every provider operation meets them first, in its
 * account check (STS GetCallerIdentity, account.ts), so this is where they are put into words: the
 * cause once, where the setting came from, and what to do (the environment variables and the
 * stack config keys that fix it).
 *
 * The engine runs many resources' operations at once, each of which fails for the same reason. The
 * first failure in a provider process carries the whole explanation; later ones with the same cause
 * say it in one line and refer to the first, so the output stays a few KB at any stack size.
 *
 * Error codes: Alibaba Cloud's common client errors (SignatureDoesNotMatch, IncompleteSignature,
 * InvalidAccessKeyId.NotFound), https://help.aliyun.com/document_detail/435312.html and
 * https://help.aliyun.com/document_detail/51132.html; the STS token and timestamp codes
 * (InvalidSecurityToken.*, InvalidTimeStamp.*) as the emulator answers them (docs/alibaba-api.md §8).
 */
import {
  AlicloudApiError,
  maskKnown,
  maskSecrets,
  messageOf,
  UserError,
  withoutCliConfigContent,
  withoutRequest,
} from "./errors";
import { CONFIG_KEYS, ENV_KEYS, type RuntimeSettings } from "./settings";

/** The causes that are the same for every resource of a run. */
export type RunCause =
  | "config"
  | "missing-credentials"
  | "cli-config"
  | "wrong-secret"
  | "unknown-key"
  | "disabled-key"
  | "expired-token"
  | "bad-token"
  | "clock"
  | "unreachable"
  | "oidc-token"
  | "account-unknown";

/** A run-wide failure: its cause, a one-line summary, and the full message. */
export class RunFailure extends UserError {
  constructor(
    readonly kind: RunCause,
    readonly summary: string,
    message: string,
    /** True for a failure whose explanation an earlier one in this process already carried. */
    readonly repeat = false,
  ) {
    super(message);
    this.name = "RunFailure";
  }
}

const STS_DEFAULT = "https://sts.aliyuncs.com";

/** The ways to give credentials, as a person types them. */
function howToSetCredentials(): string {
  return [
    "Give credentials in one of these ways:",
    "  - environment: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials);",
    `  - stack config: \`pulumi config set ${CONFIG_KEYS.accessKeyId} <id>\` and \`pulumi config set --secret ${CONFIG_KEYS.accessKeySecret} <secret>\` (plus ${CONFIG_KEYS.securityToken}, --secret, for STS credentials);`,
    "  - CI with OIDC: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE;",
    "  - an Alibaba Cloud CLI profile: `aliyun configure`, or ALIBABA_CLOUD_PROFILE to pick one.",
  ].join("\n");
}

/**
 * What is wrong with the Alibaba Cloud CLI config the credential chain read, from the messages of
 * its CLI profile source (@alicloud/credentials providers/cli_profile.js): a file that is not JSON,
 * a file with no profiles, a profile name (ALIBABA_CLOUD_PROFILE, or the file's `current`) it does
 * not hold. A missing file is not a problem of its own: that is "no credentials".
 */
function cliConfigProblem(detail: string): string | undefined {
  const parse = /parse aliyun cli config from '([\s\S]*?)' failed/.exec(detail);
  if (parse)
    return `The Alibaba Cloud CLI config ${parse[1]} is not valid JSON, so no credentials were read from it.`;
  const none = /no any configured profiles in '([\s\S]*?)'(?:,|$)/.exec(detail);
  if (none)
    return `The Alibaba Cloud CLI config ${none[1]} has no profiles, so no credentials were read from it.`;
  const profile = /unable to get profile with '([^']*)'/.exec(detail);
  // No ALIBABA_CLOUD_PROFILE and no "current" in the file: the chain names the profile 'undefined'.
  if (profile?.[1] === "undefined")
    return 'The Alibaba Cloud CLI config names no current profile (its "current" is not set, nor is ALIBABA_CLOUD_PROFILE), so no credentials were read from it.';
  if (profile)
    return `The Alibaba Cloud CLI config has no profile named '${clip(profile[1] ?? "", 60)}' (ALIBABA_CLOUD_PROFILE, or the file's "current"), so no credentials were read from it.`;
  return undefined;
}

/** Where the calls went and why, for messages. */
function endpointLine(s: RuntimeSettings): string {
  return s.endpoint
    ? `Endpoint: ${s.endpoint} (from ${s.endpointSource}).`
    : `Endpoint: Alibaba Cloud's public endpoints (${STS_DEFAULT} first; ${CONFIG_KEYS.endpoint} and ${ENV_KEYS.endpoint} are not set).`;
}

const keyId = (s: RuntimeSettings) =>
  s.credentialSource.accessKeyId ? `access key id ${s.credentialSource.accessKeyId}` : "the credentials";

/** Settings that cannot be used (an unknown config key, a malformed value) as a run-wide failure. */
export function explainSettingsFailure(err: unknown): RunFailure {
  if (err instanceof RunFailure) return err;
  const message = maskSecrets(messageOf(err));
  return new RunFailure("config", firstLine(message), message);
}

/** Puts a failed account check (GetCallerIdentity) into words. */
export function explainCallerFailure(err: unknown, s: RuntimeSettings): RunFailure {
  if (err instanceof RunFailure) return err;
  const from = `They come from ${s.credentialSource.description}.`;
  const api = AlicloudApiError.is(err) ? err : undefined;
  const code = api?.code ?? "";
  // The SDK appends "<METHOD> <url> failed." to socket errors without a space (an API error says it
  // as " (<METHOD> <url>)"): the URL is said apart.
  // An API error's detail is cut already (AlicloudApiError); any other failure's text is cut here.
  const detail = withoutRequest(maskSecrets(api?.detail ?? withoutCliConfigContent(messageOf(err))));
  const make = (cause: RunCause, summary: string, lines: string[]) =>
    new RunFailure(cause, summary, [summary, ...lines].join("\n"));

  // The CLI profile source found a config it cannot use: a cause of its own, not "no credentials"
  // (the file is there, and fixing it is what to do). Its content is never quoted: it holds keys.
  // Only when no other source was given: with credentials half set in the environment, the
  // chain went on past the CLI config, and those are what the user meant.
  const cli =
    api && api.status === 0 && (s.credentialSource.kind === "chain" || s.credentialSource.kind === "profile")
      ? cliConfigProblem(detail)
      : undefined;
  if (cli)
    return make("cli-config", cli, [
      "Fix it (`aliyun configure` writes it anew), or give credentials another way:",
      howToSetCredentials().split("\n").slice(1).join("\n"),
      endpointLine(s),
    ]);
  // The chain's own failure (nothing was sent), whatever network codes its attempts carried: the
  // metadata-service and URI sources fail with socket errors on a machine that has neither.
  if (
    api &&
    api.status === 0 &&
    /unable to get credentials from any of the providers|InvalidCredentials|Please set up the credentials/i.test(
      detail,
    )
  )
    return make("missing-credentials", "No Alibaba Cloud credentials were found.", [
      howToSetCredentials(),
      `The credential chain said: ${clip(detail, 200)}`,
      endpointLine(s),
    ]);
  if (code === "SignatureDoesNotMatch" || code === "IncompleteSignature")
    return make(
      "wrong-secret",
      `Alibaba Cloud rejected the credentials: the signature does not match (${code}), so the access key secret does not belong to ${keyId(s)}.`,
      [
        `${from} Check the secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET, or \`pulumi config set --secret ${CONFIG_KEYS.accessKeySecret} <secret>\`): it must be the one shown when this access key was created.`,
        endpointLine(s),
      ],
    );
  if (code === "InvalidAccessKeyId.NotFound" || code === "InvalidAccessKeyId")
    return make(
      "unknown-key",
      `Alibaba Cloud does not know ${keyId(s)} (${code}): it was deleted, mistyped, or belongs to another endpoint.`,
      [
        `${from} Check ALIBABA_CLOUD_ACCESS_KEY_ID or ${CONFIG_KEYS.accessKeyId}, and that the endpoint is the one the key was made for.`,
        endpointLine(s),
      ],
    );
  if (code === "InvalidAccessKeyId.Inactive")
    return make("disabled-key", `${cap(keyId(s))} is disabled (${code}).`, [
      `${from} Enable it in the RAM console, or use another access key.`,
      endpointLine(s),
    ]);
  if (code === "InvalidSecurityToken.Expired")
    return make("expired-token", `The STS security token has expired (${code}).`, [
      `${from} Get fresh STS credentials (run again the step that assumed the role) and set ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN (or ${CONFIG_KEYS.securityToken}) together; ` +
        "for long runs use a source that refreshes itself (ALIBABA_CLOUD_ROLE_ARN with OIDC, or a CLI profile).",
      endpointLine(s),
    ]);
  if (code.startsWith("InvalidSecurityToken"))
    return make(
      "bad-token",
      `Alibaba Cloud rejected the STS security token (${code}): it is malformed or does not belong to ${keyId(s)}.`,
      [
        `${from} The access key id, secret and security token must come from the same AssumeRole answer; set all three together, or unset ALIBABA_CLOUD_SECURITY_TOKEN (and ${CONFIG_KEYS.securityToken}) for a long-term access key.`,
        endpointLine(s),
      ],
    );
  if (code.startsWith("InvalidTimeStamp"))
    return make(
      "clock",
      `Alibaba Cloud rejected the request's time (${code}): this machine's clock is off.`,
      ["Set the clock right (NTP), then run again.", endpointLine(s)],
    );
  // OIDC role credentials whose token STS refused or that cannot be read: oidcCredential.ts's
  // message already names the token file, the role and what to do; it is said as it is.
  if (api && api.status === 0 && /^cannot get credentials for role \S+/.test(detail))
    return make("oidc-token", clip(detail, 1000), [endpointLine(s)]);
  if (api && api.code === "NetworkError")
    return make("unreachable", `Could not reach ${s.endpoint ?? STS_DEFAULT} (${clip(detail, 200)}).`, [
      s.endpoint
        ? `The endpoint comes from ${s.endpointSource}. Start what should answer there (\`npx alicloud-federation-emulator --port <port>\` for the emulator), correct it, or remove it to use Alibaba Cloud's public endpoints ` +
          `(\`pulumi config rm ${CONFIG_KEYS.endpoint}\`, or unset ${ENV_KEYS.endpoint}).`
        : `No endpoint override is set (${CONFIG_KEYS.endpoint}, ${ENV_KEYS.endpoint}), so this is Alibaba Cloud's public endpoint: check this machine's network, proxy (HTTPS_PROXY) and DNS. ` +
          `To use the emulator, \`pulumi config set ${CONFIG_KEYS.endpoint} http://127.0.0.1:<port>\`.`,
    ]);
  return make(
    "account-unknown",
    `The account of the credentials could not be determined: STS GetCallerIdentity failed (${clip(detail, 300)}).`,
    [
      "Every resource is bound to the account it was created in, so nothing is done without knowing it. " +
        `${from} If the failure is temporary (throttling, a server error), run again; ${CONFIG_KEYS.retry} or ${ENV_KEYS.retry} allows more attempts.`,
      endpointLine(s),
    ],
  );
}

/**
 * Whether a failed call failed for a run-wide reason (credentials, the endpoint, the clock) rather
 * than something about one call: such failures are put into words by `explainCallerFailure`.
 */
export function isRunWide(err: unknown): boolean {
  if (!AlicloudApiError.is(err)) return false;
  return (
    err.status === 0 ||
    /^(SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeyId|InvalidSecurityToken|InvalidTimeStamp)/.test(
      err.code,
    )
  );
}

// The first run-wide failure this process reported, and for which resource: later ones point to it.
let reported: { failure: RunFailure; what: string; at: number } | undefined;

/**
 * How long a reported failure stands for later ones: the engine starts a command's operations
 * within seconds of each other; a process that lives longer (tests, scripts) explains anew.
 */
const REPORT_WINDOW_MS = 60_000;

/** Forgets the failure reported so far (tests run several scenarios in one process). */
export function resetReported(): void {
  reported = undefined;
}

/**
 * The error to throw when one resource's operation meets a run-wide failure. The first in this
 * process carries the whole explanation; its first line names only the resource, because the
 * engine repeats an error's first line in its progress display. Later ones with the same cause are
 * one line that points to the first, so the cause is printed once however many resources fail.
 * A refresh reads every resource at once: the reads after the first failure keep their stored state
 * instead of failing too (`isRepeat`), so the drift gate prints one error at any stack size; the
 * first error has already failed the run, and says so.
 */
export function reportOnce(failure: RunFailure, what: string, verb: string): RunFailure {
  if (
    reported &&
    Date.now() - reported.at < REPORT_WINDOW_MS &&
    reported.failure.kind === failure.kind &&
    // Masked again with what the process knows now: a secret registered between the two (a later
    // resource's check) must not make the same cause look like another.
    maskKnown(reported.failure.summary) === maskKnown(failure.summary)
  )
    return new RunFailure(
      failure.kind,
      failure.summary,
      `${what}: not ${done(verb)} (the cause is under ${reported.what}).`,
      true,
    );
  reported = { failure, what, at: Date.now() };
  return new RunFailure(
    failure.kind,
    failure.summary,
    `${what}: not ${done(verb)}, nothing was changed. The cause, the same for every resource of this stack${verb.startsWith("read") ? " (those not read keep their state as it was)" : ""}:\n${failure.message}`,
  );
}

/** Whether `err` is a run-wide failure already explained by an earlier error of this process. */
export function isRepeat(err: unknown): boolean {
  return err instanceof RunFailure && err.repeat;
}

const done = (verb: string) => (verb.startsWith("read") ? "read" : `${verb}d`);

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
