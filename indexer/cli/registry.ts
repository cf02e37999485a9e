// The CLI's subcommands, loaded lazily so that `tokenize` does not pay for onnxruntime or ffmpeg. The order is
// the command list's and README's "CLI" table's (readme-cli.test.ts holds them equal).
import type { Command } from "./command.ts";

export const commandLoaders: Record<string, () => Promise<Command>> = {
  // Add one line per command: name -> lazy import of commands/<name>.ts (export `command`).
  index: async () => (await import("../commands/index.ts")).command,
  search: async () => (await import("../commands/search.ts")).command,
  merge: async () => (await import("../commands/merge.ts")).command,
  upload: async () => (await import("../commands/upload.ts")).command,
  frames: async () => (await import("../commands/frames.ts")).command,
  tokenize: async () => (await import("../commands/tokenize.ts")).command,
  eval: async () => (await import("../commands/eval.ts")).command,
  "eval-features": async () => (await import("../commands/eval-features.ts")).command,
  generate: async () => (await import("../commands/generate.ts")).command,
  "prepare-edge": async () => (await import("../commands/prepare-edge.ts")).command,
  embed: async () => (await import("../commands/embed.ts")).command,
  serve: async () => (await import("../commands/serve.ts")).command,
  deploy: async () => (await import("../commands/deploy.ts")).command,
};
