// Entry point of the indexer CLI: dispatches to one subcommand, prints expected errors as one line.
import { isInputError } from "../shared/errors.ts";
import type { CommandContext } from "./cli/command.ts";
import { commandLoaders } from "./cli/registry.ts";

const HELP_FLAGS = new Set(["-h", "--help", "help"]);

async function printCommandList(context: CommandContext) {
  const lines = [
    "Usage: npm run cli -- <command> [options]   (add --help after a command for its options)",
    "",
  ];
  for (const [name, load] of Object.entries(commandLoaders)) {
    const command = await load();
    lines.push(`  ${name.padEnd(16)} ${command.summary}`);
  }
  context.stderr.write(`${lines.join("\n")}\n`);
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || HELP_FLAGS.has(name)) {
    await printCommandList(context);
    return name === undefined ? 2 : 0;
  }
  const load = commandLoaders[name];
  if (!load) {
    context.stderr.write(`error: unknown command "${name}". Run with --help for the list.\n`);
    return 2;
  }
  const command = await load();
  if (rest.some((arg) => arg === "--help" || arg === "-h")) {
    context.stdout.write(`${command.usage.trim()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (isInputError(error)) {
      context.stderr.write(`error: ${error.message}\n`);
      if (context.verbose && error.cause)
        context.stderr.write(`cause: ${String((error.cause as Error).stack ?? error.cause)}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(
      `internal error: ${message}${context.verbose ? "" : " (run with --verbose for details)"}\n`,
    );
    if (context.verbose && error instanceof Error) context.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

const isEntryPoint =
  import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("indexer/cli.ts");
if (isEntryPoint) {
  const argv = process.argv.slice(2);
  const verbose = argv.includes("--verbose");
  const exitCode = await main(
    argv.filter((arg) => arg !== "--verbose"),
    { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, verbose },
  );
  process.exitCode = exitCode;
}
