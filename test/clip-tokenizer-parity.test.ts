// ClipTokenizer against OpenAI's SimpleTokenizer ids in ../shared, plus framing and truncation on the real vocabulary.
// In test/ because shared/ may not import node:* (the linter enforces it, tests included).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ClipTokenizer } from "../shared/tokenizer/clip-tokenizer.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

interface ReferenceCases {
  cases: { text: string; ids: number[] }[];
}

const readShared = (name: string) => readFileSync(sharedPath("clip", name), "utf8");
const readCases = (name: string) => (JSON.parse(readShared(name)) as ReferenceCases).cases;

describe.skipIf(!hasSharedData)(
  `CLIP vocabulary parity (${hasSharedData ? "../shared" : SHARED_DATA_SKIP_REASON})`,
  () => {
    const tokenizer = hasSharedData
      ? ClipTokenizer.fromFiles(readShared("vocab.json"), readShared("merges.txt"))
      : (undefined as never);

    it("reads the special tokens and the context length", () => {
      expect(tokenizer.startToken).toBe(49406);
      expect(tokenizer.endToken).toBe(49407);
      expect(tokenizer.contextLength).toBe(77);
    });

    it("matches every edge case of tokenizer_cases.json", () => {
      const cases = readCases("tokenizer_cases.json");
      expect(cases.length).toBe(20);
      for (const { text, ids } of cases)
        expect(tokenizer.encodeWords(text), JSON.stringify(text)).toEqual(ids);
    });

    it("matches all 1000 MSR-VTT 1k-A sentences", () => {
      const cases = readCases("msrvtt_1ka_tokens.json");
      expect(cases.length).toBe(1000);
      const mismatches = cases.filter(
        ({ text, ids }) => JSON.stringify(tokenizer.encodeWords(text)) !== JSON.stringify(ids),
      );
      expect(mismatches.map((c) => c.text)).toEqual([]);
    });

    it("frames ids with start and end tokens", () => {
      expect(tokenizer.encode("a man is driving a car")).toEqual({
        ids: [49406, 320, 786, 533, 4161, 320, 1615, 49407],
        truncated: false,
      });
      expect(tokenizer.encode("")).toEqual({ ids: [49406, 49407], truncated: false });
    });

    it("truncates to 77 ids keeping the end token, as clip.tokenize(truncate=True)", () => {
      const long = readCases("tokenizer_cases.json").find((c) => c.ids.length > 75)!;
      const { ids, truncated } = tokenizer.encode(long.text);
      expect(truncated).toBe(true);
      expect(ids).toHaveLength(77);
      expect(ids).toEqual([49406, ...long.ids.slice(0, 75), 49407]);
    });

    it("does not truncate exactly 75 tokens", () => {
      const text = Array.from({ length: 75 }, () => "a").join(" ");
      const { ids, truncated } = tokenizer.encode(text);
      expect(truncated).toBe(false);
      expect(ids).toHaveLength(77);
      expect(tokenizer.encode(`${text} a`).truncated).toBe(true);
    });

    it("maps literal special-token text to the special ids", () => {
      expect(tokenizer.encodeWords("a <|endoftext|> b")).toEqual([320, 49407, 321]);
    });

    it("pins HTML unescape and whitespace handling on real ids", () => {
      const plain = tokenizer.encodeWords("a man & a dog");
      expect(tokenizer.encodeWords("a man &amp; a dog")).toEqual(plain);
      expect(tokenizer.encodeWords("a man &amp;amp; a dog")).toEqual(plain);
      expect(tokenizer.encodeWords(" \t A\u00a0MAN\n&amp;  a\u3000dog \r\n")).toEqual(plain);
      expect(tokenizer.encodeWords("a&nbsp;man")).toEqual(tokenizer.encodeWords("a man"));
    });

    it("honours a smaller context length", () => {
      const short = ClipTokenizer.fromFiles(readShared("vocab.json"), readShared("merges.txt"), {
        contextLength: 5,
      });
      expect(short.encode("a man is driving a car")).toEqual({
        ids: [49406, 320, 786, 533, 49407],
        truncated: true,
      });
    });
  },
);
