// --help and the command list, generated from the declarations: every registered command (and kind) answers
// --help with status 0 and a text naming each of its options.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../cli.ts";
import { flagName } from "./args.ts";
import type { Command, CommandContext } from "./command.ts";
import { defineCommand } from "./define-command.ts";
import { commandLoaders } from "./registry.ts";
import { renderCommandUsage } from "./usage.ts";

function capture() {
  let out = "";
  let err = "";
  const context: CommandContext = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: new PassThrough(),
    verbose: false,
  };
  return { context, out: () => out, err: () => err };
}

const example = defineCommand({
  name: "example",
  summary: "an example",
  positionals: [{ name: "INPUT", description: "the input" }],
  options: {
    out: { type: "string", valueName: "DIR", required: true, description: "where to write" },
    k: { type: "integer", valueName: "N", min: 1, max: 9, default: 3, description: "how many" },
    mode: { type: "string", choices: ["fast", "exact"], default: "exact", description: "how" },
    tag: { type: "string", valueName: "T", multiple: true, description: "labels" },
    json: { type: "boolean", description: "JSON on stdout" },
  },
  details: "More about it.",
  run: async () => 0,
});

describe("renderCommandUsage", () => {
  it("renders each declared option with its value name, range, default, choices and requiredness", async () => {
    const text = await renderCommandUsage(example);
    expect(text).toContain("USAGE npm run cli -- example [OPTIONS] <INPUT> --out=<DIR>");
    expect(text).toMatch(/ --out=<DIR> +where to write \(Required\)\n/);
    expect(text).toMatch(/ -k <N> +how many \(1\.\.9\) \(Default: 3\)\n/);
    expect(text).toMatch(/ --mode=<fast\|exact> +how \(Default: exact\)\n/);
    expect(text).toMatch(/ --tag=<T> +labels \(repeatable\)\n/);
    expect(text).toMatch(/ --json +JSON on stdout\n/);
    expect(text.trimEnd().endsWith("More about it.")).toBe(true);
    expect(text).not.toMatch(/ +\n/);
  });
});

describe("--help", () => {
  it("answers every registered command and kind with its options, status 0", async () => {
    for (const [name, load] of Object.entries(commandLoaders)) {
      const command = await load();
      const targets: [string[], Command][] = [[[name], command]];
      for (const [kind, loadKind] of Object.entries(command.spec.kinds ?? {}))
        targets.push([[name, kind], await loadKind()]);
      for (const [argv, target] of targets) {
        const io = capture();
        expect(await main([...argv, "--help"], io.context), argv.join(" ")).toBe(0);
        expect(io.out()).toContain(`USAGE npm run cli -- ${argv.join(" ")}`);
        expect(io.out()).toContain(target.spec.summary);
        for (const option of Object.keys(target.spec.options))
          expect(io.out(), `${argv.join(" ")} ${option}`).toMatch(
            new RegExp(`(^| )${flagName(option)}[= \\n]`, "m"),
          );
      }
    }
  });

  it("lists every registered command with its summary", async () => {
    const io = capture();
    expect(await main(["--help"], io.context)).toBe(0);
    for (const [name, load] of Object.entries(commandLoaders))
      expect(io.err()).toMatch(new RegExp(` ${name} +${escapeRegExp((await load()).spec.summary)}\n`));
    const none = capture();
    expect(await main([], none.context)).toBe(2);
    expect(none.err()).toBe(io.err());
  });

  it("refuses an unknown command and a prototype key alike, status 2", async () => {
    for (const name of ["nope", "constructor", "toString"]) {
      const io = capture();
      expect(await main([name], io.context)).toBe(2);
      expect(io.err()).toBe(`error: unknown command "${name}". Run with --help for the list.\n`);
    }
    const io = capture();
    expect(await main(["generate", "constructor"], io.context)).toBe(2);
    expect(io.err()).toMatch(
      /^error: generate needs a kind: random, toy, toy-videos \(got "constructor"\)\n$/,
    );
  });

  it("reads --aggregate with one grammar in index, eval and embed (lists, ranges, each once)", async () => {
    const twice = ["--aggregate", "mean,kmeans:2", "--aggregate", "kmeans:2..3"];
    for (const argv of [
      ["index", "/no/videos", "--model", "/no/model", "--out", "/no/out", ...twice],
      ["embed", "video", "/no/video.mp4", "--model", "/no/model", ...twice],
    ]) {
      const io = capture();
      expect(await main(argv, io.context), argv[0]).toBe(2);
      expect(io.err(), argv[0]).toBe("error: aggregation kmeans:2 is given twice\n");
    }
  });

  it("refuses a bad --device before anything runs (no index is read)", async () => {
    // search used to read the index first and name --device only then.
    const io = capture();
    expect(await main(["search", "--index", "/no/such/index", "--device", "gpu", "a dog"], io.context)).toBe(
      2,
    );
    expect(io.err()).toMatch(/^error: --device must be one of cpu, cuda, got "gpu"\n$/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
