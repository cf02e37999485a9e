// CLIP's BPE tokenizer (OpenAI SimpleTokenizer semantics) loaded from Hugging Face's vocab.json and
// merges.txt; runtime-neutral so the indexer and the Worker produce identical ids.
import { InputError } from "../errors.ts";
import { CLIP_CONTEXT_LENGTH } from "../model/clip-config.ts";
import { bpeWord, type MergeRanks } from "./bpe.ts";
import { toByteLevel } from "./byte-map.ts";
import { cleanText, splitWords } from "./pretokenize.ts";

export const START_OF_TEXT = "<|startoftext|>";
export const END_OF_TEXT = "<|endoftext|>";

/** Words kept in the BPE cache before it is cleared (bounds memory in a long-lived Worker). */
const CACHE_LIMIT = 50_000;

/** Result of ClipTokenizer.encode. */
export interface Encoding {
  /** Token ids, start and end tokens included, length <= contextLength (not padded). */
  ids: number[];
  /** True when the text had more than contextLength - 2 tokens and was cut (end token kept). */
  truncated: boolean;
}

export interface ClipTokenizerOptions {
  /** Maximum ids per text, start and end included; CLIP uses 77 (config.json text_config.max_position_embeddings). */
  contextLength?: number;
}

function parseVocab(vocabJson: string): Map<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(vocabJson);
  } catch (error) {
    throw new InputError("bad_vocab", `vocab.json is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new InputError("bad_vocab", "vocab.json must be an object mapping token -> id");
  // for-in, not Object.entries: no [token, id] array per entry. This runs once per cold start, mostly before
  // V8 has optimized it (the Worker's first query waits for it), so what each iteration allocates counts.
  const ids = parsed as Record<string, unknown>;
  const vocab = new Map<string, number>();
  for (const token in ids) {
    const id = ids[token];
    if (!Number.isInteger(id))
      throw new InputError("bad_vocab", `vocab.json id of ${JSON.stringify(token)} is not an integer`);
    vocab.set(token, id as number);
  }
  return vocab;
}

function parseMerges(mergesTxt: string): Map<string, number> {
  const ranks = new Map<string, number>();
  // Split on "\n" and drop a "\r" before it (as /\r?\n/ would), and check "left right" with indexOf instead
  // of splitting each line: no regex and no array per line on a cold start's path (see parseVocab).
  const lines = mergesTxt.split("\n");
  let rank = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (i < lines.length - 1 && line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "" || (i === 0 && line.startsWith("#version"))) continue;
    const space = line.indexOf(" ");
    // Exactly one space, with text on both sides.
    if (space < 1 || space === line.length - 1 || line.indexOf(" ", space + 1) !== -1)
      throw new InputError(
        "bad_merges",
        `merges.txt line ${i + 1} is not "left right": ${JSON.stringify(line)}`,
      );
    // Rank = line order; a repeated line keeps its last rank, as Python's dict(zip(merges, range(n))).
    ranks.set(line, rank++);
  }
  if (ranks.size === 0) throw new InputError("bad_merges", "merges.txt holds no merges");
  return ranks;
}

/** CLIP text tokenizer: text -> ids with start/end tokens, truncated to the context length. */
export class ClipTokenizer {
  readonly contextLength: number;
  /** Id of <|startoftext|> (49406 in CLIP). */
  readonly startToken: number;
  /** Id of <|endoftext|> (49407 in CLIP). */
  readonly endToken: number;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly ranks: MergeRanks;
  private readonly cache = new Map<string, number[]>();

  constructor(vocab: ReadonlyMap<string, number>, ranks: MergeRanks, options: ClipTokenizerOptions = {}) {
    const contextLength = options.contextLength ?? CLIP_CONTEXT_LENGTH;
    if (!Number.isInteger(contextLength) || contextLength < 2)
      throw new InputError("bad_arguments", `context length must be an integer >= 2, got ${contextLength}`);
    const start = vocab.get(START_OF_TEXT);
    const end = vocab.get(END_OF_TEXT);
    if (start === undefined || end === undefined)
      throw new InputError(
        "bad_vocab",
        `vocab.json lacks ${START_OF_TEXT} or ${END_OF_TEXT}; is it a CLIP vocabulary?`,
      );
    this.contextLength = contextLength;
    this.startToken = start;
    this.endToken = end;
    this.vocab = vocab;
    this.ranks = ranks;
  }

  /** Builds a tokenizer from the text of vocab.json and merges.txt (Hugging Face CLIPTokenizer layout). */
  static fromFiles(vocabJson: string, mergesTxt: string, options?: ClipTokenizerOptions): ClipTokenizer {
    return new ClipTokenizer(parseVocab(vocabJson), parseMerges(mergesTxt), options);
  }

  /** Token ids of `text` without start/end tokens and without truncation. */
  encodeWords(text: string): number[] {
    const ids: number[] = [];
    for (const word of splitWords(cleanText(text))) {
      for (const id of this.encodeWord(word)) ids.push(id);
    }
    return ids;
  }

  /** Ids of `text` framed by start and end tokens; cut to contextLength with the end token kept. */
  encode(text: string): Encoding {
    const body = this.encodeWords(text);
    const room = this.contextLength - 2;
    const truncated = body.length > room;
    return { ids: [this.startToken, ...(truncated ? body.slice(0, room) : body), this.endToken], truncated };
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let ids: number[];
    if (word === START_OF_TEXT) ids = [this.startToken];
    else if (word === END_OF_TEXT) ids = [this.endToken];
    else {
      ids = bpeWord(toByteLevel(word), this.ranks).map((symbol) => {
        const id = this.vocab.get(symbol);
        if (id === undefined)
          throw new InputError(
            "bad_vocab",
            `BPE symbol ${JSON.stringify(symbol)} is missing from vocab.json; vocab and merges do not match`,
          );
        return id;
      });
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }
}
