// Retry timing for Cloudflare API calls: exponential backoff with jitter, Retry-After respected.

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Delay before the first retry, milliseconds; doubles with each further retry. */
  baseDelayMs: number;
  /** Ceiling of any delay, Retry-After included, milliseconds. */
  maxDelayMs: number;
  /** Waits `ms` milliseconds (injectable so tests do not wait). */
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) (injectable for deterministic tests). */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Delay before retry number `retry` (1 = first retry): "equal jitter", half of the exponential
 * step fixed and half random, so that parallel clients spread out; never less than Retry-After.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = step / 2 + (policy.random() * step) / 2;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds, or undefined. */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
