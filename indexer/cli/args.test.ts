// The parser a declaration generates: node:util's strict parsing, then defaults, integers, choices and required
// options; every refusal a one-line InputError `bad_arguments`.
import { describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import { parseCommandArgs, parseDecimalOption } from "./args.ts";

const SPEC = {
  positionals: [{ name: "FILE...", description: "files" }],
  options: {
    out: { type: "string", valueName: "DIR", required: true, description: "output" },
    k: { type: "integer", valueName: "N", min: 1, max: 100, default: 10, description: "count" },
    threads: { type: "integer", valueName: "N", min: 1, max: 256, description: "threads" },
    decoder: { type: "string", choices: ["auto", "native", "wasm"], default: "auto", description: "decoder" },
    aggregate: { type: "string", multiple: true, default: ["mean"], description: "aggregations" },
    json: { type: "boolean", description: "JSON" },
  },
} as const;

function refusal(args: string[], spec: Parameters<typeof parseCommandArgs>[1] = SPEC): InputError {
  try {
    parseCommandArgs(args, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`accepted ${JSON.stringify(args)}`);
}

describe("parseCommandArgs", () => {
  it("applies defaults, converts integers and collects repeated options in order", () => {
    expect(parseCommandArgs(["--out", "o", "a", "b"], SPEC)).toEqual({
      values: { out: "o", k: 10, threads: undefined, decoder: "auto", aggregate: ["mean"], json: false },
      positionals: ["a", "b"],
    });
    const { values } = parseCommandArgs(
      [
        "--out=o",
        "-k",
        "7",
        "--threads",
        "2",
        "--decoder",
        "wasm",
        "--aggregate",
        "kmeans:2",
        "--aggregate",
        "mean",
        "--json",
      ],
      SPEC,
    );
    expect(values).toEqual({
      out: "o",
      k: 7,
      threads: 2,
      decoder: "wasm",
      aggregate: ["kmeans:2", "mean"],
      json: true,
    });
  });

  it.each([
    [["--out", "o", "--bogus"], /^Unknown option '--bogus'/],
    [["--out"], /^Option '--out <value>' argument missing/],
    [["k"], /^missing required option --out$/],
    [["--out", ""], /^missing required option --out$/],
    [["--out", "o", "-k", "0"], /^-k must be an integer in 1\.\.100, got "0"$/],
    [["--out", "o", "-k", "1.5"], /^-k must be an integer in 1\.\.100, got "1\.5"$/],
    [["--out", "o", "--threads", "x"], /^--threads must be an integer in 1\.\.256, got "x"$/],
    [["--out", "o", "--threads", ""], /^--threads must be an integer in 1\.\.256, got ""$/],
    [["--out", "o", "--threads", "0x10"], /^--threads must be an integer in 1\.\.256, got "0x10"$/],
    [["--out", "o", "--threads", "1e1"], /^--threads must be an integer in 1\.\.256, got "1e1"$/],
    [["--out", "o", "--threads", " 8 "], /^--threads must be an integer in 1\.\.256, got " 8 "$/],
    [["--out", "o", "--decoder", "gpu"], /^--decoder must be one of auto, native, wasm, got "gpu"$/],
  ])("%j: refused with one line", (args, message) => {
    const error = refusal(args);
    expect(error.code).toBe("bad_arguments");
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
  });

  it("refuses positionals when the declaration has none", () => {
    const error = refusal(["extra"], { options: {} });
    expect(error.message).toMatch(/^Unexpected argument 'extra'/);
  });
});

describe("parseDecimalOption", () => {
  const inRange = (x: number) => x >= -1 && x <= 1;
  it.each([
    ["0.99", 0.99],
    ["-1", -1],
    [".5", 0.5],
    ["+1", 1],
  ])("%j -> %d", (text, value) => {
    expect(parseDecimalOption(text, "--min-cosine", "a number in -1..1", inRange)).toBe(value);
  });

  it.each(["", " ", " 0.5 ", "0x1", "1e-1", "two", "1.5", "NaN", "Infinity"])(
    "%j: refused in one line",
    (text) => {
      expect(() => parseDecimalOption(text, "--min-cosine", "a number in -1..1", inRange)).toThrow(
        new InputError("bad_arguments", `--min-cosine must be a number in -1..1, got "${text}"`),
      );
    },
  );
});
