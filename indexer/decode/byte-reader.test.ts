// Exact-size records across arbitrary chunk boundaries, with skips that copy nothing.
import { describe, expect, it } from "vitest";
import { ByteReader } from "./byte-reader.ts";

async function* chunked(bytes: number[], sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    yield Uint8Array.from(bytes.slice(at, at + size));
    at += size;
  }
}

describe("ByteReader", () => {
  const bytes = Array.from({ length: 20 }, (_, i) => i);

  it.each([[[20]], [[1, 2, 3, 4, 5, 5]], [[7, 13]]])("reads and skips across chunks %j", async (sizes) => {
    const reader = new ByteReader(chunked(bytes, sizes));
    expect(Array.from((await reader.read(3)) ?? [])).toEqual([0, 1, 2]);
    expect(await reader.skip(6)).toBe(true);
    expect(Array.from((await reader.read(4)) ?? [])).toEqual([9, 10, 11, 12]);
    expect(await reader.skip(0)).toBe(true);
    expect(await reader.skip(5)).toBe(true);
    expect(Array.from((await reader.read(2)) ?? [])).toEqual([18, 19]);
    expect(await reader.read(1)).toBeNull();
  });

  it("reports a skip past the end", async () => {
    const reader = new ByteReader(chunked(bytes, [4, 4]));
    expect(await reader.skip(9)).toBe(false);
    expect(reader.leftover).toBe(0);
  });
});
