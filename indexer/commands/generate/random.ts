// `generate random`: writes a CLIP model directory with seeded random weights (vit-b32 or tiny).
import { defineCommand } from "../../cli/define-command.ts";
import { RANDOM_ARCHS, type RandomArchName, writeRandomModel } from "../../demo/random-model.ts";

export const command = defineCommand({
  name: "random",
  summary: "write a CLIP model directory with seeded random weights (vit-b32 | tiny)",
  options: {
    arch: {
      type: "string",
      choices: Object.keys(RANDOM_ARCHS) as RandomArchName[],
      required: true,
      description:
        "vit-b32: OpenAI's ViT-B/32 (~600 MB); tiny: the same architecture, width 64, 2 layers, 32-d",
    },
    out: {
      type: "string",
      valueName: "DIR",
      required: true,
      description:
        "directory to write, in the Hugging Face / Transformers.js layout (onnx/*.onnx + .onnx_data)",
    },
    seed: {
      type: "integer",
      valueName: "N",
      min: 0,
      max: 2 ** 31 - 1,
      default: 0,
      description: "weight seed",
    },
    vocab: {
      type: "string",
      valueName: "DIR",
      description:
        "vocab.json + merges.txt to use (e.g. ../shared/clip); default: a generated CLIP-shaped one",
    },
  },
  details: `
vit-b32 has 63,428,096 text + 87,849,216 vision parameters, as CLIP's formula counts them.
`,
  async run({ values }, context) {
    const summary = writeRandomModel({
      arch: values.arch,
      outDir: values.out,
      seed: values.seed,
      vocabDir: values.vocab,
      onProgress: (message) => context.stderr.write(`${message}\n`),
    });
    context.stderr.write(`wrote ${summary.dir} in ${summary.seconds.toFixed(1)} s\n`);
    context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
});
