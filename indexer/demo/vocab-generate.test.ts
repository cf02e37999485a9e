// The generated vocabulary has CLIP's shape: byte symbols in CLIP's order, valid merges, special tokens last.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { readVocabulary, tokenizerJson } from "./vocab-files.ts";
import { generateVocabulary } from "./vocab-generate.ts";

function tokenizerOf(vocabulary: { tokens: string[]; merges: string[] }): ClipTokenizer {
  const vocab = JSON.stringify(Object.fromEntries(vocabulary.tokens.map((t, i) => [t, i])));
  return ClipTokenizer.fromFiles(vocab, `#version: 0.2\n${vocabulary.merges.join("\n")}\n`);
}

describe("generateVocabulary", () => {
  it.each([514, 2048, 49408])("has exactly %i tokens, start and end last, one merge per token", (size) => {
    const { tokens, merges } = generateVocabulary(size);
    expect(tokens).toHaveLength(size);
    expect(new Set(tokens).size).toBe(size);
    expect(tokens.slice(-2)).toEqual(["<|startoftext|>", "<|endoftext|>"]);
    expect(merges).toHaveLength(size - 514);
    // Valid BPE: both halves are earlier tokens and the merged token has id 512 + rank.
    const ids = new Map(tokens.map((t, i) => [t, i]));
    merges.forEach((merge, rank) => {
      const [left, right] = merge.split(" ");
      const merged = ids.get(left + right);
      expect(merged).toBe(512 + rank);
      expect(ids.get(left)).toBeLessThan(merged!);
      expect(ids.get(right)).toBeLessThan(merged!);
    });
  });

  it("tokenizes text with this project's tokenizer into pieces that spell the words", () => {
    const vocabulary = generateVocabulary(49408);
    const tokenizer = tokenizerOf(vocabulary);
    expect(tokenizer.startToken).toBe(49406);
    expect(tokenizer.endToken).toBe(49407);
    const { ids } = tokenizer.encode("A dog runs, 42!");
    expect(ids[0]).toBe(49406);
    expect(ids[ids.length - 1]).toBe(49407);
    const pieces = ids.slice(1, -1).map((id) => vocabulary.tokens[id]);
    expect(pieces.join("").split("</w>")).toEqual(["a", "dog", "runs", ",", "4", "2", "!", ""]);
    // Merged pieces are used (fewer tokens than characters).
    expect(pieces.length).toBeLessThan("adogruns,42!".length);
  });

  it("rejects sizes below the 514 fixed tokens", () => {
    expect(() => generateVocabulary(513)).toThrow(/>= 514/);
  });

  it("writes tokenizer.json with CLIP's specials and post-processor", () => {
    const json = tokenizerJson(generateVocabulary(600)) as {
      added_tokens: { id: number; content: string }[];
      post_processor: { cls: [string, number]; sep: [string, number] };
      model: { vocab: Record<string, number>; merges: string[]; end_of_word_suffix: string };
    };
    expect(json.added_tokens.map((t) => [t.content, t.id])).toEqual([
      ["<|startoftext|>", 598],
      ["<|endoftext|>", 599],
    ]);
    expect(json.post_processor.cls).toEqual(["<|startoftext|>", 598]);
    expect(json.post_processor.sep).toEqual(["<|endoftext|>", 599]);
    expect(Object.keys(json.model.vocab)).toHaveLength(600);
    expect(json.model.merges).toHaveLength(86);
  });
});

describe.skipIf(!hasSharedData)(
  `generated vs real CLIP vocabulary (${hasSharedData ? "" : SHARED_DATA_SKIP_REASON})`,
  () => {
    it("has the real vocabulary's 512 byte symbols at the same ids", () => {
      const real = JSON.parse(readFileSync(sharedPath("clip", "vocab.json"), "utf8")) as Record<
        string,
        number
      >;
      const { tokens } = generateVocabulary(49408);
      for (let id = 0; id < 512; id++) expect(real[tokens[id]]).toBe(id);
      expect(real[tokens[49406]]).toBe(49406);
      expect(real[tokens[49407]]).toBe(49407);
    });

    it("readVocabulary reads ../shared/clip back as 49408 tokens and 48894 merges", () => {
      const { tokens, merges } = readVocabulary(sharedPath("clip"));
      expect(tokens).toHaveLength(49408);
      expect(merges).toHaveLength(48894);
      expect(merges[0]).toBe("i n");
    });
  },
);
