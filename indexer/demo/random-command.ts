// `kit random`: writes a CLIP model directory with seeded random weights (vit-b32 or tiny).
import { parseChoiceOption, parseCommandArgs, parseIntegerOption, requireOption } from "../cli/args.ts";
import type { Command } from "../cli/command.ts";
import { RANDOM_ARCHS, type RandomArchName, writeRandomModel } from "./random-model.ts";

const usage = `
Usage: npm run cli -- kit random --arch vit-b32|tiny --out DIR [--seed N] [--vocab DIR]
(options: npm run cli -- kit --help)
`;

/** The `random` kind of `kit`. */
export const randomKind: Command = {
  name: "random",
  summary: "write a CLIP model directory with seeded random weights (vit-b32 | tiny)",
  usage,
  async run(args, context) {
    const { values } = parseCommandArgs(
      args,
      {
        arch: { type: "string" },
        out: { type: "string" },
        seed: { type: "string" },
        vocab: { type: "string" },
      },
      false,
    );
    const arch = parseChoiceOption(
      requireOption(values.arch, "--arch"),
      "--arch",
      Object.keys(RANDOM_ARCHS) as RandomArchName[],
    );
    const summary = writeRandomModel({
      arch,
      outDir: requireOption(values.out, "--out"),
      seed: parseIntegerOption(values.seed, "--seed", 0, 2 ** 31 - 1, 0),
      vocabDir: values.vocab,
      onProgress: (message) => context.stderr.write(`${message}\n`),
    });
    context.stderr.write(`wrote ${summary.dir} in ${summary.seconds.toFixed(1)} s\n`);
    context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
};
