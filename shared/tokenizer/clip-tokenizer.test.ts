// ClipTokenizer on hand-made vocabularies: framing and the checks on vocab.json / merges.txt.
// Parity with OpenAI's ids on the real vocabulary: test/clip-tokenizer-parity.test.ts.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { ClipTokenizer } from "./clip-tokenizer.ts";

describe("ClipTokenizer file checks", () => {
  const minimalVocab = JSON.stringify({ a: 0, "a</w>": 1, "<|startoftext|>": 2, "<|endoftext|>": 3 });

  it("encodes with a minimal vocabulary", () => {
    const tokenizer = ClipTokenizer.fromFiles(minimalVocab, "#version: 0.2\na a</w>\n");
    expect(tokenizer.encode("A")).toEqual({ ids: [2, 1, 3], truncated: false });
  });

  it.each([
    ["not json", "#version: 0.2\na a</w>\n", /vocab.json is not valid JSON/],
    ["[1, 2]", "a a</w>\n", /vocab.json must be an object/],
    [JSON.stringify({ a: 0 }), "a a</w>\n", /lacks <\|startoftext\|>/],
    [minimalVocab, "#version: 0.2\n", /merges.txt holds no merges/],
    [minimalVocab, "#version: 0.2\na b c\n", /merges.txt line 2/],
    [minimalVocab, "a a</w>\na  b\n", /merges.txt line 2 is not "left right": "a {2}b"/],
    [minimalVocab, " a\n", /merges.txt line 1/],
    [minimalVocab, "a \n", /merges.txt line 1/],
    [minimalVocab, "a a</w>\r\nab\r\n", /merges.txt line 2 is not "left right": "ab"$/],
  ])("rejects bad files (%j)", (vocab, merges, message) => {
    expect(() => ClipTokenizer.fromFiles(vocab, merges)).toThrowError(message);
    expect(() => ClipTokenizer.fromFiles(vocab, merges)).toThrowError(InputError);
  });

  it("reads merges.txt with CRLF line ends as with LF (the \\r is not part of the merge)", () => {
    const vocab = JSON.stringify({
      a: 0,
      b: 1,
      "b</w>": 2,
      "ab</w>": 3,
      "<|startoftext|>": 4,
      "<|endoftext|>": 5,
    });
    const lf = ClipTokenizer.fromFiles(vocab, "#version: 0.2\na b</w>\n");
    const crlf = ClipTokenizer.fromFiles(vocab, "#version: 0.2\r\na b</w>\r\n");
    expect([lf.encode("ab").ids, crlf.encode("ab").ids]).toEqual([
      [4, 3, 5],
      [4, 3, 5],
    ]);
  });

  it("names a BPE symbol missing from the vocabulary", () => {
    const tokenizer = ClipTokenizer.fromFiles(minimalVocab, "a a</w>\n");
    expect(() => tokenizer.encode("b")).toThrowError(/"b<\/w>" is missing from vocab.json/);
  });
});
