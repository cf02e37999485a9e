// Argument parsing for subcommands: node:util parseArgs, with its errors turned into InputError.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError } from "../../shared/errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` strictly; unknown flags and missing values become a one-line InputError. */
export function parseCommandArgs<T extends Options>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new InputError("bad_arguments", (error as Error).message, { cause: error });
  }
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

/** Parses an integer flag within [min, max]. */
export function parseIntegerOption(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
  fallback: number,
) {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new InputError("bad_arguments", `${flag} must be an integer in ${min}..${max}, got "${value}"`);
  }
  return parsed;
}
