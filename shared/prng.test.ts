// Pins the seeded PRNG: same seed same sequence, different seeds differ, ranges hold.
import { describe, expect, it } from "vitest";
import { createPrng } from "./prng.ts";

describe("createPrng", () => {
  it("repeats the sequence for a seed and differs across seeds", () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const c = createPrng(43);
    const seqA = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(seqA);
  });

  it("pins the first values of seed 1 (reference mulberry32, computed independently in Python)", () => {
    const prng = createPrng(1);
    expect(Array.from({ length: 3 }, () => prng.next() * 2 ** 32)).toEqual([
      2693262067, 11749833, 2265367787,
    ]);
  });

  it("stays in range and covers all integers", () => {
    const prng = createPrng(7);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) {
      const x = prng.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[prng.nextInt(5)]++;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it("rejects bad arguments", () => {
    expect(() => createPrng(Number.NaN)).toThrow(RangeError);
    expect(() => createPrng(1).nextInt(0)).toThrow(RangeError);
  });
});
