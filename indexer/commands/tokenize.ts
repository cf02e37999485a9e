// `tokenize`: prints CLIP token ids (start and end included, cut to the context length) for texts
// given as arguments or read one per line from stdin.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { parseClipConfig } from "../../shared/model/clip-config.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { defineCommand } from "../cli/define-command.ts";
import { textsFrom } from "../cli/text-input.ts";

const DETAILS = `
Prints one JSON array of CLIP token ids per text: <|startoftext|> (49406), the BPE ids,
<|endoftext|> (49407), cut to 77 ids (a warning on stderr names each truncated text).
Give --vocab DIR or --model DIR. With no TEXT, reads one text per line from stdin.
`;

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : (code ?? String(error));
    throw new InputError("file_not_found", `cannot read ${path} (${flag}): ${reason}`, { cause: error });
  }
}

/**
 * Loads a ClipTokenizer from `dir`/vocab.json and `dir`/merges.txt; with `useConfig`, an existing
 * `dir`/config.json sets the context length. `flag` names the option in error messages.
 */
async function loadTokenizerDir(dir: string, flag: string, useConfig = false): Promise<ClipTokenizer> {
  // One after the other so that the error names vocab.json first, deterministically.
  const vocab = await readText(join(dir, "vocab.json"), flag);
  const merges = await readText(join(dir, "merges.txt"), flag);
  let contextLength: number | undefined;
  if (useConfig) {
    const configPath = join(dir, "config.json");
    const configText = await readFile(configPath, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined; // config.json is optional here
      throw new InputError("file_not_found", `cannot read ${configPath}: ${error.code ?? error}`, {
        cause: error,
      });
    });
    if (configText !== undefined) {
      let config: unknown;
      try {
        config = JSON.parse(configText);
      } catch (error) {
        throw new InputError("bad_config", `${configPath} is not valid JSON`, { cause: error });
      }
      contextLength = parseClipConfig(config).contextLength;
    }
  }
  return ClipTokenizer.fromFiles(vocab, merges, { contextLength });
}

export const command = defineCommand({
  name: "tokenize",
  summary: "print CLIP token ids of texts (arguments or stdin lines) as JSON arrays",
  positionals: [
    { name: "TEXT...", description: "texts to tokenize (default: stdin's lines)", required: false },
  ],
  options: {
    vocab: {
      type: "string",
      valueName: "DIR",
      description: "directory holding vocab.json and merges.txt (Hugging Face CLIPTokenizer files)",
    },
    model: {
      type: "string",
      valueName: "DIR",
      description:
        "model directory: vocab.json and merges.txt at its top; its config.json, when present, sets the context length",
    },
  },
  details: DETAILS,
  async run({ values, positionals }, context) {
    if (values.vocab !== undefined && values.model !== undefined)
      throw new InputError("bad_arguments", "pass either --vocab or --model, not both");
    if (values.vocab === undefined && values.model === undefined)
      throw new InputError(
        "bad_arguments",
        "tokenize needs --vocab DIR (with vocab.json and merges.txt) or --model DIR (a model directory)",
      );
    const tokenizer =
      values.vocab !== undefined
        ? await loadTokenizerDir(values.vocab, "--vocab")
        : await loadTokenizerDir(values.model!, "--model", true);

    const texts = textsFrom(positionals, context);
    let index = 0;
    for await (const text of texts) {
      index++;
      const { ids, truncated } = tokenizer.encode(text);
      if (truncated)
        context.stderr.write(`warning: text ${index} cut to ${tokenizer.contextLength} tokens\n`);
      context.stdout.write(`${JSON.stringify(ids)}\n`);
    }
    return 0;
  },
});
