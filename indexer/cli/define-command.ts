// One declaration -> a Command: `run` gets the arguments parsed and checked as declared; a command of kinds
// hands the rest of its arguments to the kind named first.
import { InputError } from "../../shared/errors.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command, CommandContext, CommandSpec, OptionSpecs, ParsedArgs } from "./command.ts";

/** A command from its declaration and what it does with the parsed arguments. */
export function defineCommand<const O extends OptionSpecs>(
  declaration: CommandSpec<O> & {
    run(args: ParsedArgs<O>, context: CommandContext): Promise<number>;
  },
): Command {
  const { run, ...spec } = declaration;
  return {
    spec,
    // Async, so that a refused argument rejects the returned promise like any other InputError.
    run: async (args, context) => run(parseCommandArgs(args, spec), context),
  };
}

/** A command whose first argument names one of `kinds` (`generate random ...`); the kind parses the rest. */
export function defineKindsCommand(
  spec: Omit<CommandSpec<Record<never, never>>, "options" | "positionals"> & {
    kinds: NonNullable<CommandSpec["kinds"]>;
  },
): Command {
  const names = Object.keys(spec.kinds);
  return {
    spec: { ...spec, options: {} },
    async run(args, context) {
      const [name, ...rest] = args;
      const load = name !== undefined && Object.hasOwn(spec.kinds, name) ? spec.kinds[name] : undefined;
      if (!load)
        throw new InputError(
          "bad_arguments",
          `${spec.name} needs a kind: ${names.join(", ")}${name === undefined ? "" : ` (got "${name}")`}`,
        );
      return (await load()).run(rest, context);
    },
  };
}
