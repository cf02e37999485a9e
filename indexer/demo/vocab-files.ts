// Writes a CLIP tokenizer in every file the Hugging Face layout has: vocab.json, merges.txt (what this
// project's tokenizer reads) and tokenizer.json, tokenizer_config.json, special_tokens_map.json (what
// Transformers.js reads), with the pre-tokenization of openai/clip-vit-base-patch32.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { END_OF_TEXT, START_OF_TEXT } from "../../shared/tokenizer/clip-tokenizer.ts";
import type { BpeVocabulary } from "./vocab-generate.ts";

/** Reads vocab.json + merges.txt from `dir` (e.g. ../shared/clip) as a BpeVocabulary. */
export function readVocabulary(dir: string): BpeVocabulary {
  let vocab: Record<string, number>;
  let mergesText: string;
  try {
    vocab = JSON.parse(readFileSync(join(dir, "vocab.json"), "utf8"));
    mergesText = readFileSync(join(dir, "merges.txt"), "utf8");
  } catch (error) {
    throw new InputError(
      "bad_vocab",
      `--vocab ${dir} must hold vocab.json and merges.txt: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(vocab)) tokens[id] = token;
  if (tokens.length !== Object.keys(vocab).length || tokens.some((t) => t === undefined))
    throw new InputError("bad_vocab", `${dir}/vocab.json ids must be 0..n-1 without gaps`);
  if (tokens[tokens.length - 1] !== END_OF_TEXT || tokens[tokens.length - 2] !== START_OF_TEXT)
    throw new InputError(
      "bad_vocab",
      `${dir}/vocab.json must end with ${START_OF_TEXT}, ${END_OF_TEXT} (a CLIP vocabulary)`,
    );
  const merges = mergesText
    .split(/\r?\n/)
    .filter((line, i) => line !== "" && !(i === 0 && line.startsWith("#version")));
  return { tokens, merges };
}

/** tokenizer.json of a CLIP tokenizer (Hugging Face tokenizers format, as in openai/clip-vit-base-patch32). */
export function tokenizerJson(vocabulary: BpeVocabulary): unknown {
  const { tokens, merges } = vocabulary;
  const start = tokens.length - 2;
  const end = tokens.length - 1;
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(start, START_OF_TEXT), special(end, END_OF_TEXT)],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        {
          type: "Split",
          pattern: {
            Regex:
              "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: "Removed",
          invert: true,
        },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: "RobertaProcessing",
      sep: [END_OF_TEXT, end],
      cls: [START_OF_TEXT, start],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: END_OF_TEXT,
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges,
    },
  };
}

/** Writes the five tokenizer files into `dir`. `contextLength` becomes model_max_length. */
export function writeTokenizerFiles(dir: string, vocabulary: BpeVocabulary, contextLength: number): void {
  const json = (name: string, value: unknown) =>
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  const vocab = Object.fromEntries(vocabulary.tokens.map((token, id) => [token, id]));
  writeFileSync(join(dir, "vocab.json"), JSON.stringify(vocab));
  writeFileSync(join(dir, "merges.txt"), `#version: 0.2\n${vocabulary.merges.join("\n")}\n`);
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tokenizerJson(vocabulary)));
  const specials = {
    bos_token: START_OF_TEXT,
    eos_token: END_OF_TEXT,
    pad_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
  };
  json("special_tokens_map.json", specials);
  json("tokenizer_config.json", {
    ...specials,
    add_prefix_space: false,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    errors: "replace",
    model_max_length: contextLength,
    tokenizer_class: "CLIPTokenizer",
  });
}
