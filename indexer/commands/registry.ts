// The CLI's subcommands, loaded lazily so that `tokenize` does not pay for onnxruntime or ffmpeg.
import type { Command } from "../command.ts";

export const commandLoaders: Record<string, () => Promise<Command>> = {
  // Add one line per command: name -> lazy import of commands/<name>.ts (export `command`).
  index: async () => (await import("./index.ts")).command,
  search: async () => (await import("./search.ts")).command,
  merge: async () => (await import("./merge.ts")).command,
  "prepare-edge": async () => (await import("./prepare-edge.ts")).command,
  "eval-features": async () => (await import("./eval-features.ts")).command,
  eval: async () => (await import("./eval.ts")).command,
  embed: async () => (await import("./embed.ts")).command,
  tokenize: async () => (await import("./tokenize.ts")).command,
  upload: async () => (await import("./upload.ts")).command,
  kit: async () => (await import("./kit.ts")).command,
  frames: async () => (await import("./frames.ts")).command,
  serve: async () => (await import("./serve.ts")).command,
  deploy: async () => (await import("./deploy.ts")).command,
};
