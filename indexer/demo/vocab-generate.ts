// Generates a CLIP-shaped BPE vocabulary without the real one: CLIP's 512 byte-level symbols (with and
// without "</w>"), merges that build lowercase letter strings, then <|startoftext|> and <|endoftext|>.
import { BYTE_TO_UNICODE } from "../../shared/tokenizer/byte-map.ts";
import { END_OF_TEXT, START_OF_TEXT } from "../../shared/tokenizer/clip-tokenizer.ts";

/** A vocabulary: ids in order (token i has id i) and merges in rank order ("left right"). */
export interface BpeVocabulary {
  tokens: string[];
  merges: string[];
}

const END_OF_WORD = "</w>";
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * Bytes in the order of CLIP's vocabulary (bytes_to_unicode): by their stand-in's code point, so the
 * printable bytes (standing for themselves) come first, then the rest (256, 257, ...) in byte order.
 */
export function byteOrder(): number[] {
  const codePoint = (byte: number) => BYTE_TO_UNICODE[byte].codePointAt(0)!;
  return Array.from({ length: 256 }, (_, byte) => byte).sort((a, b) => codePoint(a) - codePoint(b));
}

/**
 * A vocabulary of exactly `size` tokens (>= 514): ids 0..511 are CLIP's byte symbols, then one token per
 * merge, then start (size - 2) and end (size - 1) as in CLIP. Merges build every lowercase string of
 * length 2, 3, ... (as a word piece and as a word end "</w>") in a fixed order, so the result is a valid
 * BPE table: both halves of every merge are earlier tokens.
 */
export function generateVocabulary(size: number): BpeVocabulary {
  if (!Number.isInteger(size) || size < 514) throw new Error(`vocabulary size must be >= 514, got ${size}`);
  const symbols = byteOrder().map((b) => BYTE_TO_UNICODE[b]);
  const tokens = [...symbols, ...symbols.map((s) => s + END_OF_WORD)];
  const merges: string[] = [];
  const wanted = size - 2 - tokens.length;
  let previous = [...LETTERS];
  while (merges.length < wanted) {
    const next: string[] = [];
    for (const prefix of previous) {
      for (const letter of LETTERS) {
        if (merges.length >= wanted) break;
        merges.push(`${prefix} ${letter}`);
        tokens.push(prefix + letter);
        next.push(prefix + letter);
        if (merges.length >= wanted) break;
        merges.push(`${prefix} ${letter}${END_OF_WORD}`);
        tokens.push(`${prefix}${letter}${END_OF_WORD}`);
      }
    }
    previous = next;
  }
  tokens.push(START_OF_TEXT, END_OF_TEXT);
  return { tokens, merges };
}
