// RecentPromises: one load per key while cached, failures and nulls retried, least recently used evicted.
import { describe, expect, it } from "vitest";
import { RecentPromises } from "./recent-promises.ts";

describe("RecentPromises", () => {
  it("loads a key once, retries failures and nulls, and evicts the least recently used", async () => {
    const loads: string[] = [];
    const cache = new RecentPromises<string | null>(2);
    const load = (key: string, value: string | null) => () => {
      loads.push(key);
      return value === "fail" ? Promise.reject(new Error("no")) : Promise.resolve(value);
    };
    expect(await cache.get("a", load("a", "A"))).toBe("A");
    expect(await cache.get("a", load("a", "other"))).toBe("A");
    await expect(cache.get("f", load("f", "fail"))).rejects.toThrow("no");
    expect(await cache.get("f", load("f", "F"))).toBe("F");
    expect(await cache.get("n", load("n", null))).toBeNull();
    expect(await cache.get("n", load("n", "N"))).toBe("N");
    // Capacity 2: "a" (used before "f" and "n") was evicted.
    expect(await cache.get("a", load("a", "A2"))).toBe("A2");
    expect(loads).toEqual(["a", "f", "f", "n", "n", "a"]);
  });
});
