// The toy model's vocabulary: a small CLIP-layout BPE vocabulary (byte-level base tokens, their </w>
// forms, merges learned from the toy words, then <|startoftext|> and <|endoftext|> as the last ids).
import { BYTE_TO_UNICODE } from "../../shared/tokenizer/byte-map.ts";
import { END_OF_TEXT, START_OF_TEXT } from "../../shared/tokenizer/clip-tokenizer.ts";
import { type BpeVocabulary, byteOrder } from "./vocab-generate.ts";

const END_OF_WORD = "</w>";

/** A CLIP BPE vocabulary (writeTokenizerFiles of vocab-files.ts writes it) with the ids the model needs. */
export interface ToyVocabulary extends BpeVocabulary {
  /** Token string -> id (= position in `tokens`). */
  vocab: Map<string, number>;
  startToken: number;
  endToken: number;
  /** Whole-word token ("red</w>") -> id, for every training word. */
  wordIds: Map<string, number>;
}

/**
 * Learns BPE merges until every word of `words` is one token: at each step the pair found in the
 * most words is merged (ties: the smaller pair string), as BPE training does, so that applying the
 * merges by rank turns each training word back into one token.
 */
function learnMerges(words: readonly string[]): [string, string][] {
  const pieces = words.map((word) => {
    const chars = [...word];
    chars[chars.length - 1] += END_OF_WORD;
    return chars;
  });
  const merges: [string, string][] = [];
  for (;;) {
    const counts = new Map<string, number>();
    for (const symbols of pieces) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) return merges;
    const [left, right] = best.split(" ") as [string, string];
    merges.push([left, right]);
    for (const symbols of pieces) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) symbols.splice(i, 2, left + right);
      }
    }
  }
}

/**
 * Builds the vocabulary for lowercase ASCII `words`. Layout as CLIP's: the 256 byte stand-ins
 * (printable bytes first), the same with </w>, one token per merge, then <|startoftext|> and
 * <|endoftext|>.
 */
export function buildToyVocabulary(words: readonly string[]): ToyVocabulary {
  for (const word of words) {
    if (!/^[a-z]+$/.test(word)) throw new Error(`toy vocabulary words must be lowercase a-z, got "${word}"`);
  }
  const sortedWords = [...new Set(words)].sort();
  const merges = learnMerges(sortedWords);
  const base = byteOrder().map((byte) => BYTE_TO_UNICODE[byte]);
  const vocab = new Map<string, number>();
  const add = (token: string) => {
    if (!vocab.has(token)) vocab.set(token, vocab.size);
  };
  for (const token of base) add(token);
  for (const token of base) add(token + END_OF_WORD);
  for (const [left, right] of merges) add(left + right);
  add(START_OF_TEXT);
  add(END_OF_TEXT);
  const wordIds = new Map<string, number>();
  for (const word of sortedWords) {
    const id = vocab.get(word + END_OF_WORD);
    if (id === undefined) throw new Error(`BPE training left "${word}" in pieces`);
    wordIds.set(word, id);
  }
  return {
    tokens: [...vocab.keys()],
    merges: merges.map(([left, right]) => `${left} ${right}`),
    vocab,
    startToken: vocab.get(START_OF_TEXT)!,
    endToken: vocab.get(END_OF_TEXT)!,
    wordIds,
  };
}
