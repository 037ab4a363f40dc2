import { RETRY } from "./limits";

/** How calls are retried on throttling, 5xx and dropped connections. */
export interface RetryPolicy {
  /** Attempts in total, including the first. At least 1. */
  maxAttempts: number;
  /** First back-off in milliseconds; it doubles on every retry. */
  baseDelayMs: number;
  /** Cap on a single back-off in milliseconds. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { ...RETRY };

/**
 * Back-off before retry number `retry` (1-based): "full jitter", a uniform
 * draw in [0, min(cap, base * 2^(retry-1))]. Full jitter spreads clients that
 * were throttled together, which is what throttling asks of us.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Why an attempt failed, as far as retrying is concerned. */
export interface FailureKind {
  status: number;
  code: string;
}

/**
 * Throttling (any code containing `Throttling`, or HTTP 429), server errors
 * (5xx) and network failures (no answer: `NetworkError`) are retried; other 4xx
 * are the caller's fault and are not, and neither is a failure on our side
 * before anything was sent (no credentials found: `ClientError`).
 */
export function isRetryable(f: FailureKind): boolean {
  return isThrottling(f) || f.status >= 500 || (f.status === 0 && f.code === "NetworkError");
}

/** Throttling: refused at the gateway, before the action ran. */
export function isThrottling(f: FailureKind): boolean {
  return f.code.includes("Throttling") || f.status === 429;
}

/**
 * A failure after which the action may or may not have happened: no answer (the response may
 * have been lost after the service acted) or a 5xx. Retrying such a create blindly can make a
 * second object; `createOnce` (provider/lifecycle.ts) looks before it retries.
 */
export function isAmbiguous(err: unknown): boolean {
  const f = err as Partial<FailureKind> | null;
  if (typeof f?.status !== "number" || typeof f.code !== "string") return false;
  return f.status >= 500 || (f.status === 0 && f.code === "NetworkError");
}

/** Reads a retry policy override such as `{"maxAttempts":3}` and fills in defaults. */
export function parseRetryPolicy(raw: string | undefined): RetryPolicy {
  if (!raw) return { ...DEFAULT_RETRY_POLICY };
  const parsed = JSON.parse(raw) as Partial<RetryPolicy>;
  const policy = { ...DEFAULT_RETRY_POLICY, ...parsed };
  for (const key of ["maxAttempts", "baseDelayMs", "maxDelayMs"] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0)
      throw new Error(`retry.${key} must be a number >= 0`);
  }
  if (policy.maxAttempts < 1) throw new Error("retry.maxAttempts must be at least 1");
  return policy;
}
