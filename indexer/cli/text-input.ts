// Texts a command takes: its positional arguments, or stdin's lines when there are none.
import { createInterface } from "node:readline";
import type { CommandContext } from "./command.ts";

/** Yields stdin's lines (without line ends); a final newline does not add an empty text. */
async function* stdinLines(context: CommandContext): AsyncIterable<string> {
  if (context.stdin.isTTY) context.stderr.write("reading texts from stdin, one per line (Ctrl-D ends)\n");
  yield* createInterface({ input: context.stdin, crlfDelay: Number.POSITIVE_INFINITY });
}

async function* fromArray(texts: string[]): AsyncIterable<string> {
  yield* texts;
}

/** `positionals` when given, else stdin's lines. */
export function textsFrom(positionals: string[], context: CommandContext): AsyncIterable<string> {
  return positionals.length > 0 ? fromArray(positionals) : stdinLines(context);
}
