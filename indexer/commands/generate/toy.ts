// `generate toy`: writes the toy CLIP model directory (demo/toy-model.ts) and prints its summary as JSON.
import { defineCommand } from "../../cli/define-command.ts";
import { TOY_DEFAULT_DIM, writeToyModel } from "../../demo/toy-model.ts";

export const command = defineCommand({
  name: "toy",
  summary: "write the toy CLIP model (colour and shape words <-> coloured shapes)",
  options: {
    out: {
      type: "string",
      valueName: "DIR",
      required: true,
      description: "directory to write (created if needed)",
    },
    seed: {
      type: "integer",
      valueName: "N",
      min: 0,
      max: 2 ** 31 - 1,
      default: 1,
      description: "rotation of the embedding space and filler-word noise",
    },
    dim: {
      type: "integer",
      valueName: "N",
      min: 32,
      max: 1024,
      default: TOY_DEFAULT_DIM,
      description: "projection_dim",
    },
  },
  details: `
Writes a small CLIP model directory (Hugging Face layout: onnx/text_model.onnx, onnx/vision_model.onnx,
vocab.json, merges.txt, tokenizer.json, config.json, preprocessor_config.json) whose embeddings mean
something on the synthetic videos of \`generate toy-videos\`: "a red square" lands near frames showing a red
square. Untrained and deterministic.
`,
  async run({ values }, context) {
    const summary = await writeToyModel(values.out, { seed: values.seed, dim: values.dim });
    context.stderr.write(`wrote the toy model (${summary.id}, ${summary.dimension}-d) to ${summary.dir}\n`);
    context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
});
