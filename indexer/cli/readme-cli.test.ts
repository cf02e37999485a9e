// README's "CLI" table against the commands' declarations: the registered commands in the registry's order,
// each row naming only options its command declares and every option the command requires.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flagName } from "./args.ts";
import type { CommandSpec } from "./command.ts";
import { commandLoaders } from "./registry.ts";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The rows of the table under "## CLI": synopsis (first cell, unescaped) and the whole row. */
function cliRows(): { synopsis: string; row: string }[] {
  const start = README.indexOf("\n## CLI\n");
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((row) => ({ synopsis: (/^\| `([^`]+)`/.exec(row)?.[1] ?? "").replaceAll("\\|", "|"), row }));
}

/** The options a README text names: `--name` and one-letter `-k`. */
function flagsIn(text: string): string[] {
  return [...new Set(text.match(/(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])(?![\w-])/g) ?? [])];
}

async function specs(): Promise<Map<string, CommandSpec>> {
  const entries = await Promise.all(
    Object.entries(commandLoaders).map(async ([name, load]) => [name, (await load()).spec] as const),
  );
  return new Map(entries);
}

/** `npm run cli -- <command> ...` (and `npm run dev|deploy -- ...`) anywhere in README, continued lines joined. */
function examples(): { name: string; text: string }[] {
  const joined = README.replace(/\\\n\s*/g, " ");
  const found: { name: string; text: string }[] = [];
  for (const match of joined.matchAll(/npm run (cli|dev|deploy) -- ([^`\n#]*)/g)) {
    const words = match[2].trim().split(/\s+/);
    if (match[1] === "dev") found.push({ name: "serve", text: match[2] });
    else if (match[1] === "deploy") found.push({ name: "deploy", text: match[2] });
    else if (/^[a-z]/.test(words[0] ?? "")) found.push({ name: words[0], text: words.slice(1).join(" ") });
  }
  return found;
}

describe("README's CLI table", () => {
  it("lists exactly the registered commands, in the command list's order", () => {
    expect(cliRows().map(({ synopsis }) => synopsis.split(" ")[0])).toEqual(Object.keys(commandLoaders));
  });

  it("names only declared options, and every required one, of each command", async () => {
    const declared = await specs();
    for (const { synopsis, row } of cliRows()) {
      const [name, first] = synopsis.split(" ");
      const spec = declared.get(name);
      expect(spec, name).toBeDefined();
      if (!spec) continue;
      // A command of kinds: the row names its kinds; an option counts when every kind declares it.
      const kinds = spec.kinds
        ? await Promise.all(Object.values(spec.kinds).map(async (load) => (await load()).spec))
        : [spec];
      if (spec.kinds) expect(first.split("|"), name).toEqual(Object.keys(spec.kinds));
      const flagsOf = (s: CommandSpec) => Object.keys(s.options).map(flagName);
      const everywhere = flagsOf(kinds[0]).filter((flag) => kinds.every((k) => flagsOf(k).includes(flag)));
      expect(
        flagsIn(row).filter((flag) => !everywhere.includes(flag)),
        `${name}: undeclared`,
      ).toEqual([]);
      const required = Object.entries(kinds[0].options)
        .filter(([option]) => kinds.every((k) => k.options[option]?.required))
        .map(([option]) => flagName(option));
      expect(
        required.filter((flag) => !flagsIn(synopsis).includes(flag)),
        `${name}: required`,
      ).toEqual([]);
    }
  });

  it("uses, in every npm run cli / dev / deploy example, only options its command declares", async () => {
    const declared = await specs();
    const found = examples();
    expect(found.length).toBeGreaterThan(10);
    for (const { name, text } of found) {
      const spec = declared.get(name);
      expect(spec, `README example of unknown command "${name}"`).toBeDefined();
      if (!spec) continue;
      const kinds = spec.kinds
        ? await Promise.all(Object.values(spec.kinds).map(async (load) => (await load()).spec))
        : [spec];
      const flags = kinds.flatMap((k) => Object.keys(k.options).map(flagName));
      expect(
        flagsIn(text).filter((flag) => !flags.includes(flag) && flag !== "--help"),
        `${name} ${text}`,
      ).toEqual([]);
    }
  });
});
