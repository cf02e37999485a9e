// Entry point of the indexer CLI: dispatches to one subcommand, prints its generated --help, prints expected
// errors as one line.
import { isInputError } from "../shared/errors.ts";
import type { Command, CommandContext } from "./cli/command.ts";
import { commandLoaders } from "./cli/registry.ts";
import { CLI_NAME, renderCommandList, renderCommandUsage } from "./cli/usage.ts";

const HELP_FLAGS = new Set(["-h", "--help", "help"]);

async function printCommandList(context: CommandContext) {
  const commands = await Promise.all(Object.values(commandLoaders).map((load) => load()));
  context.stderr.write(await renderCommandList(commands, context.stderr.isTTY));
}

/** The command `args` name (a kind of a command of kinds: `generate random`) and how it is invoked. */
async function resolveForHelp(
  command: Command,
  args: string[],
): Promise<{ command: Command; parents: string }> {
  let parents = CLI_NAME;
  let current = command;
  for (const arg of args) {
    const kinds = current.spec.kinds;
    if (!kinds || !Object.hasOwn(kinds, arg)) break;
    parents = `${parents} ${current.spec.name}`;
    current = await kinds[arg]();
  }
  return { command: current, parents };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || HELP_FLAGS.has(name)) {
    await printCommandList(context);
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(commandLoaders, name)) {
    context.stderr.write(`error: unknown command "${name}". Run with --help for the list.\n`);
    return 2;
  }
  const command = await commandLoaders[name]();
  if (rest.some((arg) => arg === "--help" || arg === "-h")) {
    const { command: shown, parents } = await resolveForHelp(command, rest);
    context.stdout.write(await renderCommandUsage(shown, { parents, isTTY: context.stdout.isTTY }));
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
