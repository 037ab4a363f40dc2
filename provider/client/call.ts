import { AlicloudApiError, maskSecrets } from "../errors";
import { backoffDelay, isRetryable, isThrottling, type RetryPolicy } from "../retry";

/** What the seam needs besides the SDK client: the retry policy and a clock. */
export interface CallOptions {
  retry: RetryPolicy;
  /** Injected in tests; real time otherwise. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Default true. False for a create that is not idempotent: a failure that leaves its outcome
   * unknown (no answer, 5xx) is handed back at once, so the caller can look the object up before
   * it retries (`createOnce`). Throttling is still retried: it is refused before the action runs.
   */
  retryAmbiguous?: boolean;
  /**
   * OIDC role credentials: drops the STS session so the next attempt assumes the role again. Used
   * once per call when the service says the STS token expired (a long run), then the call is sent
   * again; without it that answer is final.
   */
  refreshCredential?: () => boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one API action, retrying throttling, 5xx and dropped connections with
 * exponential back-off and full jitter, and turns whatever the SDK throws into
 * one `AlicloudApiError`. Other 4xx are not retried: they will not get better;
 * nor is a failure before anything was sent (no credentials found).
 */
export async function callApi<T>(
  action: string,
  options: CallOptions,
  attempt: () => Promise<T>,
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const max = Math.max(1, options.retry.maxAttempts);
  let refreshed = false;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (raw) {
      const err = toApiError(action, raw, n);
      // Expired STS credentials mid-run: the request was refused before it acted, so a fresh
      // session from the token file and one more attempt is safe (once: no loop on a bad clock).
      if (err.code === "InvalidSecurityToken.Expired" && !refreshed && options.refreshCredential?.()) {
        refreshed = true;
        n--;
        continue;
      }
      if (n >= max || !isRetryable(err)) throw err;
      if (options.retryAmbiguous === false && !isThrottling(err)) throw err;
      // Honour the service's Retry-After for throttling when it is longer than our draw.
      const retryAfter = retryAfterMs(raw);
      await sleep(Math.max(backoffDelay(options.retry, n, options.random), retryAfter));
    }
  }
}

function retryAfterMs(raw: unknown): number {
  const value = (raw as { retryAfter?: unknown } | null)?.retryAfter;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.min(value, 60_000) : 0;
}

/** Maps an SDK or network error to our typed error. */
export function toApiError(action: string, raw: unknown, attempts: number): AlicloudApiError {
  if (AlicloudApiError.is(raw)) return raw;
  const e = (raw ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    data?: { Message?: unknown; message?: unknown; RequestId?: unknown };
  };
  const status = typeof e.statusCode === "number" ? e.statusCode : 0;
  const requestId =
    typeof e.requestId === "string" && e.requestId !== "undefined"
      ? e.requestId
      : typeof e.data?.RequestId === "string"
        ? e.data.RequestId
        : undefined;
  if (status === 0) {
    const netCode = typeof e.code === "string" ? e.code : "";
    const msg = typeof e.message === "string" ? e.message : String(raw);
    // The SDK reads every answer as JSON before it looks at the status: a gateway's or proxy's
    // page (a 502 or 504 in HTML) fails that read. The call may have reached the service and
    // acted, so it counts as a lost answer: retried, and a create looks before it tries again.
    if (raw instanceof SyntaxError)
      return new AlicloudApiError({
        action,
        status: 0,
        code: "NetworkError",
        message: `the endpoint answered with something that is not JSON (a proxy's or gateway's error page?): ${msg}`,
        requestId,
        attempts,
      });
    return new AlicloudApiError({
      action,
      status: 0,
      // No answer (connection refused or reset, DNS, timeout), or a failure on our side before
      // anything was sent, such as the credential chain finding no credentials.
      code: isNetworkFailure(raw) ? "NetworkError" : "ClientError",
      message: maskSecrets(netCode && !msg.includes(netCode) ? `${netCode}: ${msg}` : msg),
      requestId,
      attempts,
    });
  }
  const code = typeof e.code === "string" && e.code !== "undefined" ? e.code : `HTTP${status}`;
  const bodyMessage = e.data?.Message ?? e.data?.message;
  const message =
    typeof bodyMessage === "string" ? bodyMessage : typeof e.message === "string" ? e.message : "";
  return new AlicloudApiError({ action, status, code, message: maskSecrets(message), requestId, attempts });
}

/** Node's socket and DNS error codes, undici's, and the SDK's timeouts: the request may have gone out. */
const NETWORK_CODE = /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/;

/**
 * Whether an error without an HTTP status is a network failure (worth retrying) rather than one
 * on our side. Decided by the error's code or name, never by its message: the credential chain's
 * "unable to get credentials" message quotes an ENOENT of its own.
 */
function isNetworkFailure(raw: unknown): boolean {
  const e = (raw ?? {}) as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === "string" && NETWORK_CODE.test(e.code)) return true;
  if (typeof e.cause?.code === "string" && NETWORK_CODE.test(e.cause.code)) return true;
  return typeof e.name === "string" && /Timeout|AbortError/.test(e.name);
}
