// Argument parsing for subcommands: node:util parseArgs (strict) with its options derived from the command's
// declaration, then defaults, required options, integer ranges and choices; every refusal an InputError.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError } from "../../shared/errors.ts";
import type { CommandSpec, OptionSpec, OptionSpecs, OptionValues, ParsedArgs } from "./command.ts";

/** The option as the user types it: `-k` for one-letter names, else `--name`. */
export function flagName(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** node:util's options for a declaration (no defaults: they are applied after the checks of given values). */
function parseArgsOptions(options: OptionSpecs): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      {
        type: spec.type === "boolean" ? "boolean" : "string",
        ...(spec.short !== undefined || name.length === 1 ? { short: spec.short ?? name } : {}),
        ...(spec.multiple ? { multiple: true } : {}),
      },
    ]),
  );
}

/** Reads a flag that must be present. */
export function requireOption<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === "")
    throw new InputError("bad_arguments", `missing required option ${flag}`);
  return value;
}

/** Checks that a flag's value is one of `allowed` (e.g. values.table ?? "int8"). */
export function parseChoiceOption<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError("bad_arguments", `${flag} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

/** Decimal digits with an optional sign: Number() alone would take "", " 8 ", "0x50" and "1e1". */
const INTEGER_TEXT = /^[+-]?[0-9]+$/;

/** Decimal notation ("2", "-0.5", ".25"): Number() alone would also take "", " ", "0x10" and "1e1". */
const DECIMAL_TEXT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;

/**
 * A decimal flag's value checked by `accept`; `expected` completes "<flag> must be ..." in the refusal
 * (e.g. "a number of seconds > 0"). For the string-typed flags whose range the declaration cannot state.
 */
export function parseDecimalOption(
  value: string,
  flag: string,
  expected: string,
  accept: (parsed: number) => boolean,
): number {
  const parsed = DECIMAL_TEXT.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || !accept(parsed))
    throw new InputError("bad_arguments", `${flag} must be ${expected}, got "${value}"`);
  return parsed;
}

/** Parses an integer flag within [min, max]. */
function parseInteger(value: string, flag: string, min: number, max: number): number {
  const parsed = INTEGER_TEXT.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max)
    throw new InputError("bad_arguments", `${flag} must be an integer in ${min}..${max}, got "${value}"`);
  return parsed;
}

/** One given value, checked and converted as its declaration says. */
function convert(text: string, name: string, spec: OptionSpec): string | number {
  const flag = flagName(name);
  if (spec.type === "integer")
    return parseInteger(text, flag, spec.min ?? Number.MIN_SAFE_INTEGER, spec.max ?? Number.MAX_SAFE_INTEGER);
  if (spec.choices) return parseChoiceOption(text, flag, spec.choices);
  return text;
}

/** The value of an absent option: its default, false for a boolean, or a refusal when required. */
function absent(name: string, spec: OptionSpec): unknown {
  if (spec.required) requireOption(undefined, flagName(name));
  if (spec.type === "boolean") return false;
  return Array.isArray(spec.default) ? [...spec.default] : spec.default;
}

/**
 * Parses `args` as `spec` declares: unknown flags, missing values, positionals where none are declared, bad
 * integers and choices, and missing required options each become a one-line InputError `bad_arguments`.
 */
export function parseCommandArgs<O extends OptionSpecs>(
  args: string[],
  spec: Pick<CommandSpec<O>, "options" | "positionals">,
): ParsedArgs<O> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: parseArgsOptions(spec.options),
      allowPositionals: (spec.positionals?.length ?? 0) > 0,
      strict: true,
    });
  } catch (error) {
    throw new InputError("bad_arguments", (error as Error).message, { cause: error });
  }
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const given = parsed.values[name];
    if (given === undefined || (option.required && given === "")) values[name] = absent(name, option);
    else if (typeof given === "boolean") values[name] = given;
    else if (Array.isArray(given)) values[name] = given.map((text) => convert(String(text), name, option));
    else values[name] = convert(given, name, option);
  }
  return { values: values as OptionValues<O>, positionals: parsed.positionals };
}
