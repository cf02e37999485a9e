// The contract every CLI subcommand implements: one declaration (options, positionals, summary) from which
// the parser's options, the --help text and the command-list line are all generated; cli.ts only dispatches.

/** What a command may touch: its arguments, the standard streams and a few flags. */
export interface CommandContext {
  /** Data for machines (JSON, ids): stdout. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Messages and progress for people: stderr. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Show causes of errors. */
  verbose: boolean;
}

/** One option: `integer` values are parsed and range-checked, `choices` checked, before the command runs. */
export interface OptionSpec {
  type: "string" | "boolean" | "integer";
  /** One line for --help. */
  description: string;
  /** The value's placeholder in --help (DIR, N, SPEC); not for booleans or choices. */
  valueName?: string;
  /** One-letter alias (`-k`). */
  short?: string;
  /** Value when the option is absent (booleans: false). Shown in --help. */
  default?: string | number | readonly string[];
  /** The only values accepted (strings). */
  choices?: readonly string[];
  /** Repeatable: the values of every occurrence, in order. */
  multiple?: boolean;
  /** Absent (or empty) is an error ("missing required option --out"). */
  required?: boolean;
  /** Integers: the accepted range, inclusive. */
  min?: number;
  max?: number;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A positional argument, for --help (the command checks how many it got: its messages say what to give). */
export interface PositionalSpec {
  /** Upper case as printed; `NAME...` for a list. */
  name: string;
  description: string;
  /** Default true. */
  required?: boolean;
}

type BaseValue<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean
  : S["type"] extends "integer"
    ? number
    : S extends { choices: readonly (infer C extends string)[] }
      ? C
      : string;

type PresentValue<S extends OptionSpec> = S extends { multiple: true } ? BaseValue<S>[] : BaseValue<S>;

/** An option's parsed value: present when it has a default or is required (booleans always). */
export type OptionValue<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean
  : S extends { default: unknown } | { required: true }
    ? PresentValue<S>
    : PresentValue<S> | undefined;

export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: OptionValue<O[K]> };

/** What a command runs on: its options parsed and checked, its positionals as given. */
export interface ParsedArgs<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/** The declaration of a command. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** None: positionals are refused. */
  positionals?: readonly PositionalSpec[];
  options: O;
  /** Prose after the generated options: what the command reads and writes, exit status, aliases. */
  details?: string;
  /** A command of kinds (`generate random|toy|...`): name -> lazy loader of the kind's command. */
  kinds?: Readonly<Record<string, () => Promise<Command>>>;
}

export interface Command {
  readonly spec: CommandSpec;
  /** Parses `args` (refusing what the declaration does not allow) and runs; returns the exit status. */
  run(args: string[], context: CommandContext): Promise<number>;
}
