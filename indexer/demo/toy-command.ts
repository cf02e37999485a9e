// `kit toy`: writes the toy CLIP model directory (toy-model.ts) and prints its summary as JSON.
import { parseCommandArgs, parseIntegerOption, requireOption } from "../cli/args.ts";
import type { Command } from "../cli/command.ts";
import { TOY_DEFAULT_DIM, writeToyModel } from "./toy-model.ts";

const usage = `
Usage: npm run cli -- kit toy --out DIR [--seed N] [--dim N]

Writes a small CLIP model directory (Hugging Face layout: onnx/text_model.onnx, onnx/vision_model.onnx,
vocab.json, merges.txt, tokenizer.json, config.json, preprocessor_config.json) whose embeddings mean
something on the synthetic videos of \`kit toy-videos\`: "a red square" lands near frames showing a red
square. Untrained and deterministic.

  --out DIR   directory to write (created if needed)
  --seed N    rotation of the embedding space and filler-word noise (default 1)
  --dim N     projection_dim, 32..1024 (default ${TOY_DEFAULT_DIM})
`;

/** The `toy` kind of `kit`. */
export const toyKind: Command = {
  name: "toy",
  summary: "write the toy CLIP model (colour and shape words <-> coloured shapes)",
  usage,
  async run(args, context) {
    const { values } = parseCommandArgs(
      args,
      { out: { type: "string" }, seed: { type: "string" }, dim: { type: "string" } },
      false,
    );
    const summary = await writeToyModel(requireOption(values.out, "--out"), {
      seed: parseIntegerOption(values.seed, "--seed", 0, 2 ** 31 - 1, 1),
      dim: parseIntegerOption(values.dim, "--dim", 32, 1024, TOY_DEFAULT_DIM),
    });
    context.stderr.write(`wrote the toy model (${summary.id}, ${summary.dimension}-d) to ${summary.dir}\n`);
    context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
};
