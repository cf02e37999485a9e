// The CLI's subcommands, loaded lazily so that `tokenize` does not pay for onnxruntime or ffmpeg.
import type { Command } from "../command.ts";

export const commandLoaders: Record<string, () => Promise<Command>> = {
  // Add one line per command: name -> lazy import of commands/<name>.ts (export `command`).
};
