// CLIP's text normalization and pre-tokenization (basic_clean, whitespace_clean, lower, the word
// regex of OpenAI's SimpleTokenizer), written to match Python's character classes exactly.
import { htmlUnescape } from "./html-unescape.ts";

// Python's \s and str.strip() use str.isspace(), which differs from JavaScript's \s: it includes
// \x1c-\x1f and \x85, and excludes \ufeff. Spelled out so both sides split the same.
const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_RUNS = new RegExp(`[${PY_SPACE}]+`, "gu");
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "gu");

// After cleaning, " " is the only whitespace left, so the regex's \s is written as a space.
const WORD = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^ \p{L}\p{N}]+/giu;

/** basic_clean (ftfy taken as identity) + whitespace_clean + lower(): the text BPE words come from. */
export function cleanText(text: string): string {
  const unescaped = htmlUnescape(htmlUnescape(text));
  return unescaped.replace(SPACE_RUNS, " ").replace(EDGE_SPACE, "").toLowerCase();
}

/** Splits cleaned text into CLIP's pre-tokens (words, single digits, punctuation runs, contractions). */
export function splitWords(cleaned: string): string[] {
  return cleaned.match(WORD) ?? [];
}
