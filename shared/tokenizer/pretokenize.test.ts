// Pins CLIP's cleaning (double HTML unescape, Python whitespace, lower-case) and word split to CPython.
import { describe, expect, it } from "vitest";
import { cleanText, splitWords } from "./pretokenize.ts";

// [input, cleaned, words] from CPython 3.11 (html, re, regex) running CLIP's basic_clean/whitespace_clean.
const CASES: [string, string, string[]][] = [
  [
    "  multiple   spaces\tand\nnewlines  ",
    "multiple spaces and newlines",
    ["multiple", "spaces", "and", "newlines"],
  ],
  // Python's whitespace includes \x1c and \x85 (JavaScript's \s does not) ...
  ["a\x1cb\x85c\u00a0d\u3000e", "a b c d e", ["a", "b", "c", "d", "e"]],
  // ... and excludes \ufeff (JavaScript's \s includes it); zero-width space is no whitespace in either.
  [
    "zero\ufeffwidth\u200bspace",
    "zero\ufeffwidth\u200bspace",
    ["zero", "\ufeff", "width", "\u200b", "space"],
  ],
  ["&amp;nbsp;x", "x", ["x"]],
  ["Hello WORLD", "hello world", ["hello", "world"]],
  ["ΑΣ", "ας", ["ας"]],
  ["İstanbul", "i\u0307stanbul", ["i", "\u0307", "stanbul"]],
  [
    "the girl's 3 cats aren't sleeping",
    "the girl's 3 cats aren't sleeping",
    ["the", "girl", "'s", "3", "cats", "aren", "'t", "sleeping"],
  ],
  [
    "Video of 1080p: 60fps!!",
    "video of 1080p: 60fps!!",
    ["video", "of", "1", "0", "8", "0", "p", ":", "6", "0", "fps", "!!"],
  ],
  ["it'S <|endoftext|> ok", "it's <|endoftext|> ok", ["it", "'s", "<|endoftext|>", "ok"]],
  [
    "you'll we'd I'm they've",
    "you'll we'd i'm they've",
    ["you", "'ll", "we", "'d", "i", "'m", "they", "'ve"],
  ],
  ["emoji 🎬🍿 test", "emoji 🎬🍿 test", ["emoji", "🎬🍿", "test"]],
  ["", "", []],
];

describe("cleanText and splitWords", () => {
  it.each(CASES)("%j", (input, cleaned, words) => {
    expect(cleanText(input)).toBe(cleaned);
    expect(splitWords(cleaned)).toEqual(words);
  });
});
