// The contract every CLI subcommand implements; cli.ts only dispatches and prints.

/** What a command may touch: its arguments, the standard streams and a few flags. */
export interface CommandContext {
  /** Data for machines (JSON, ids): stdout. */
  stdout: { write(text: string): unknown };
  /** Messages and progress for people: stderr. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Show causes of errors. */
  verbose: boolean;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text printed for --help and on argument errors. */
  usage: string;
  /** Returns the process exit status. Throws InputError for expected failures. */
  run(args: string[], context: CommandContext): Promise<number>;
}
