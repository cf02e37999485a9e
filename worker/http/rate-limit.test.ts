// Rate limiting: 429 with Retry-After once the binding refuses, keyed by client IP, off when disabled.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { handleError } from "./api-error.ts";
import { rateLimit } from "./rate-limit.ts";

/** A limiter that allows `limit` calls per key, as the binding's simple rule does within one period. */
function countingLimiter(limit: number) {
  const counts = new Map<string, number>();
  return {
    keys: counts,
    limit: async ({ key }: { key: string }) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return { success: (counts.get(key) ?? 0) <= limit };
    },
  } as RateLimit & { keys: Map<string, number> };
}

function app(limiter: RateLimit, enabled: boolean) {
  const hono = new Hono();
  hono.use(
    "*",
    rateLimit(
      () => limiter,
      () => enabled,
    ),
  );
  hono.get("/", (c) => c.text("ok"));
  hono.onError(handleError);
  return hono;
}

describe("rateLimit", () => {
  it("answers 429 with Retry-After after the limit, per client IP", async () => {
    const limiter = countingLimiter(2);
    const hono = app(limiter, true);
    const from = (ip: string) => hono.request("/", { headers: { "cf-connecting-ip": ip } });
    expect((await from("1.1.1.1")).status).toBe(200);
    expect((await from("1.1.1.1")).status).toBe(200);
    const limited = await from("1.1.1.1");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.json()).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
    expect((await from("2.2.2.2")).status).toBe(200);
  });

  it("does nothing when disabled", async () => {
    const limiter = countingLimiter(0);
    const hono = app(limiter, false);
    expect((await hono.request("/")).status).toBe(200);
    expect(limiter.keys.size).toBe(0);
  });
});
