// BPE merge order on tiny hand-made merge tables, including the round semantics of the reference.
import { describe, expect, it } from "vitest";
import { bpeWord } from "./bpe.ts";

const ranksOf = (...merges: string[]) => new Map(merges.map((merge, rank) => [merge, rank]));

describe("bpeWord", () => {
  it("marks the end of the word on its last symbol", () => {
    expect(bpeWord("a", ranksOf())).toEqual(["a</w>"]);
    expect(bpeWord("ab", ranksOf())).toEqual(["a", "b</w>"]);
    expect(bpeWord("", ranksOf())).toEqual([]);
  });

  it("applies the lowest rank first", () => {
    // "b c" outranks "a b", so "a" stays alone although "a b" is also a merge.
    expect(bpeWord("abc", ranksOf("b c</w>", "a b"))).toEqual(["a", "bc</w>"]);
    expect(bpeWord("abc", ranksOf("a b", "b c</w>", "ab c</w>"))).toEqual(["abc</w>"]);
  });

  it("merges every occurrence left to right without overlap", () => {
    expect(bpeWord("aaaaa", ranksOf("a a", "aa aa"))).toEqual(["aaaa", "a</w>"]);
  });

  it("finishes a round before a pair of lower rank that the round created", () => {
    // Round "a b" makes ab ab; "ab a" (rank 0) could have fired after the first merge, but the
    // reference merges all occurrences of "a b" first, leaving no "ab a" pair.
    expect(bpeWord("ababc", ranksOf("ab a", "a b"))).toEqual(["ab", "ab", "c</w>"]);
  });
});
