// `kit <kind>`: generates test material (models, videos). Each kind is a Command in indexer/demo/.
import { InputError } from "../../shared/errors.ts";
import type { Command } from "../cli/command.ts";

/** A kind of `kit`: its synopsis for --help and a lazy loader of its Command. */
export interface KitKind {
  synopsis: string;
  load: () => Promise<Command>;
}

/**
 * Kinds of `kit`: name -> KitKind. Add a kind with one line here (TOY: `toy` and `toy-videos`).
 */
export const kitKinds: Record<string, KitKind> = {
  random: {
    synopsis:
      "random --arch vit-b32|tiny --out DIR [--seed N] [--vocab DIR]   CLIP with seeded random weights",
    load: async () => (await import("../demo/random-command.ts")).randomKind,
  },
  toy: {
    synopsis: "toy --out DIR [--seed N] [--dim N]   toy CLIP: colour/shape words <-> coloured shapes",
    load: async () => (await import("../demo/toy-command.ts")).toyKind,
  },
  "toy-videos": {
    synopsis: "toy-videos --out DIR [--seed N] [--count N]   synthetic videos, captions, queries",
    load: async () => (await import("../demo/toy-videos-command.ts")).toyVideosKind,
  },
};

const usage = () => `
Usage: npm run cli -- kit <kind> [options]

Generates test material. Kinds:
${Object.values(kitKinds)
  .map((kind) => `  kit ${kind.synopsis}`)
  .join("\n")}

Options of the random kind:
  --arch vit-b32   OpenAI's ViT-B/32 architecture (63,428,096 text + 87,849,216 vision parameters, ~600 MB)
  --arch tiny      the same architecture, width 64, 2 layers, 32-d embeddings (for tests)
  --out DIR        directory to write, in the Hugging Face / Transformers.js layout (onnx/*.onnx + .onnx_data)
  --seed N         weight seed (default 0)
  --vocab DIR      vocab.json + merges.txt to use (e.g. ../shared/clip); default: a generated CLIP-shaped one
`;

export const command: Command = {
  name: "kit",
  summary: `generate test material: ${Object.keys(kitKinds).join(", ")}`,
  get usage() {
    return usage();
  },
  async run(args, context) {
    const [name, ...rest] = args;
    const kind = name === undefined ? undefined : kitKinds[name];
    if (!kind) {
      throw new InputError(
        "bad_arguments",
        `kit needs a kind: ${Object.keys(kitKinds).join(", ")}${name === undefined ? "" : ` (got "${name}")`}`,
      );
    }
    return (await kind.load()).run(rest, context);
  },
};
