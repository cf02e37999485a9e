// --help texts and the command list, rendered by citty's renderUsage from the commands' declarations.
import { stripVTControlCharacters } from "node:util";
import { type ArgDef, type CommandDef, renderUsage } from "citty";
import { flagName } from "./args.ts";
import type { Command, CommandSpec, OptionSpec } from "./command.ts";

/** How the CLI is invoked, the prefix of every usage line. */
export const CLI_NAME = "npm run cli --";

/** citty's description of an option: ours plus the integer range (citty adds required and default). */
function describe(option: OptionSpec): string {
  const range =
    option.type === "integer" && (option.min !== undefined || option.max !== undefined)
      ? ` (${option.min ?? ""}..${option.max ?? ""})`
      : "";
  const repeat = option.multiple ? " (repeatable)" : "";
  return `${option.description}${range}${repeat}`;
}

function cittyOption(name: string, option: OptionSpec): ArgDef {
  const alias = option.short !== undefined && option.short !== name ? [option.short] : undefined;
  const common = {
    description: describe(option),
    required: option.required,
    alias,
    default: option.default === undefined ? undefined : [option.default].flat().join(","),
  };
  if (option.type === "boolean") return { type: "boolean", description: common.description, alias };
  if (option.choices) return { ...common, type: "enum", options: [...option.choices] };
  return { ...common, type: "string", valueHint: option.valueName };
}

/** The declaration in citty's terms (one-letter options keep their one dash through a `-name` key). */
export function toCittyCommand(spec: CommandSpec, kindSpecs: CommandSpec[] = []): CommandDef {
  const args: Record<string, ArgDef> = {};
  for (const positional of spec.positionals ?? [])
    args[positional.name] = {
      type: "positional",
      description: positional.description,
      required: positional.required ?? true,
    };
  for (const [name, option] of Object.entries(spec.options)) args[name] = cittyOption(name, option);
  const subCommands = Object.fromEntries(
    kindSpecs.map((kind) => [kind.name, { meta: { name: kind.name, description: kind.summary } }]),
  );
  return {
    meta: { name: spec.name, description: spec.summary },
    args,
    ...(kindSpecs.length > 0 ? { subCommands } : {}),
  };
}

/** Colours only for a terminal: piped or captured help is plain text. */
function forStream(text: string, isTTY: boolean | undefined): string {
  const trimmed = text.replace(/[ \t]+$/gm, ""); // citty pads the last column too
  return isTTY ? trimmed : stripVTControlCharacters(trimmed);
}

/** The full --help text of `command`, invoked as `parents` (e.g. "npm run cli -- generate") + its name. */
export async function renderCommandUsage(
  command: Command,
  { parents = CLI_NAME, isTTY }: { parents?: string; isTTY?: boolean } = {},
): Promise<string> {
  const { spec } = command;
  const kinds = await Promise.all(Object.values(spec.kinds ?? {}).map(async (load) => (await load()).spec));
  let text = await renderUsage(toCittyCommand(spec, kinds), { meta: { name: parents } });
  // citty writes a one-letter option as `--k=`; the parser and the errors call it `-k` (its value follows);
  // same width, as citty aligns the column.
  for (const name of Object.keys(spec.options))
    if (name.length === 1) text = text.replaceAll(`--${name}=`, ` ${flagName(name)} `);
  if (kinds.length > 0)
    text = text.replace(`${parents} ${spec.name} <command> --help`, `${parents} ${spec.name} <kind> --help`);
  const details = spec.details?.replace(/^\n+/, "").trimEnd(); // keeps the first line's indentation
  return forStream(details ? `${text.trimEnd()}\n\n${details}\n` : `${text.trimEnd()}\n`, isTTY);
}

/** The command list: one line per registered command, from its summary. */
export async function renderCommandList(commands: Command[], isTTY?: boolean): Promise<string> {
  const root: CommandDef = {
    meta: {
      name: CLI_NAME,
      description: "the indexer CLI; --verbose after any command shows the causes of errors",
    },
    subCommands: Object.fromEntries(
      commands.map(({ spec }) => [spec.name, { meta: { name: spec.name, description: spec.summary } }]),
    ),
  };
  return forStream(`${(await renderUsage(root)).trimEnd()}\n`, isTTY);
}
