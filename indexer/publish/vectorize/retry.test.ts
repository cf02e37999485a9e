// Backoff timing and Retry-After parsing.
import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "./retry.ts";

const policy = (random: number): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  baseDelayMs: 1000,
  maxDelayMs: 10_000,
  random: () => random,
});

describe("backoffDelayMs", () => {
  it("doubles per retry, jittered between half and all of the step", () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy(0)))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy(0.999999)))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it("never exceeds the ceiling", () => {
    expect(backoffDelayMs(30, policy(0.999999))).toBe(10_000);
    expect(backoffDelayMs(1, policy(0), 3_600_000)).toBe(10_000);
  });

  it("waits at least Retry-After", () => {
    expect(backoffDelayMs(1, policy(0), 7000)).toBe(7000);
    expect(backoffDelayMs(4, policy(0.999999), 10)).toBe(8000);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["3", 3000],
    ["0", 0],
    ["1.5", 1500],
    ["Thu, 01 Jan 1970 00:00:10 GMT", 9000],
    ["Thu, 01 Jan 1970 00:00:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
  ])("%j -> %j ms", (header, expected) => {
    expect(parseRetryAfter(header, 1000)).toBe(expected);
  });

  it("is undefined without the header", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
