// Per-client rate limiting through the Workers rate limiting binding: 429 + Retry-After when exceeded.
import type { MiddlewareHandler } from "hono";
import { readConfig, type WorkerEnv } from "../config.ts";
import { ApiError } from "./api-error.ts";

/** Seconds a client should wait: the binding's period (wrangler.toml ratelimits.simple.period). */
const RETRY_AFTER_SECONDS = 60;

/** Limits by client IP (cf-connecting-ip); a no-op when `enabled(c)` is false or the binding is absent. */
export function rateLimit(
  limiter: (env: unknown) => RateLimit | undefined,
  enabled: (env: unknown) => boolean,
): MiddlewareHandler {
  return async (c, next) => {
    const binding = limiter(c.env);
    if (!binding || !enabled(c.env)) return next();
    const key = c.req.header("cf-connecting-ip") ?? "anonymous";
    const { success } = await binding.limit({ key });
    if (!success) {
      throw new ApiError(429, "rate_limited", `too many requests; retry in ${RETRY_AFTER_SECONDS} s`, {
        "retry-after": String(RETRY_AFTER_SECONDS),
      });
    }
    return next();
  };
}

/**
 * The app's limiter, on the routes that search (text search, captions, similar videos): assets, health
 * and the OpenAPI document are not counted, so one results page with its thumbnails costs one request.
 */
export const limitSearches: MiddlewareHandler = rateLimit(
  (env) => (env as WorkerEnv).RATE_LIMITER,
  (env) => readConfig(env as WorkerEnv).rateLimit,
);
