// Pins CSV and line splitting: quotes, doubled quotes, delimiters and newlines inside fields, CRLF, BOM.
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { parseCsv, splitLines } from "./text-table.ts";

describe("parseCsv", () => {
  it.each([
    [
      "plain",
      "a,b,c\n1,2,3\n",
      [
        ["a", "b", "c"],
        ["1", "2", "3"],
      ],
    ],
    [
      "no final newline",
      "a,b\n1,2",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      "CRLF",
      "a,b\r\n1,2\r\n",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    ["BOM", "\uFEFFa,b\n", [["a", "b"]]],
    ["comma inside quotes", 'x,"a man, a dog"\n', [["x", "a man, a dog"]]],
    ["doubled quotes", 'x,"he said ""hi"""\n', [["x", 'he said "hi"']]],
    [
      "newline inside quotes",
      'x,"two\nlines"\ny,z\n',
      [
        ["x", "two\nlines"],
        ["y", "z"],
      ],
    ],
    [
      "empty fields",
      "a,,c\n,\n",
      [
        ["a", "", "c"],
        ["", ""],
      ],
    ],
    ["empty quoted field", 'a,"",c\n""\n', [["a", "", "c"], [""]]],
    ["quote inside an unquoted field is literal", "it's 5\" tall,b\n", [["it's 5\" tall", "b"]]],
    ["odd characters", "é,日本語,tab\there,emoji 🎬\n", [["é", "日本語", "tab\there", "emoji 🎬"]]],
    ["lone CR stays in the field", "a\rb,c\n", [["a\rb", "c"]]],
  ])("%s", (_name, text, expected) => {
    expect(parseCsv(text, "t.csv")).toEqual(expected);
  });

  it("uses another delimiter", () => {
    expect(parseCsv('a\t"b\tc"\n', "t.tsv", "\t")).toEqual([["a", "b\tc"]]);
  });

  it.each([
    ["unterminated quote", 'a,"open\nmore\n', /unterminated quoted field starting on line 1/],
    ["text after closing quote", 'a,"b"c\n', /unexpected text after a closing quote on line 1/],
  ])("rejects %s", (_name, text, message) => {
    expect(() => parseCsv(text, "t.csv")).toThrow(InputError);
    expect(() => parseCsv(text, "t.csv")).toThrow(message);
  });
});

describe("splitLines", () => {
  it.each([
    ["a\nb\n", ["a", "b"]],
    ["a\r\nb", ["a", "b"]],
    ["\uFEFFa\n\nb\n", ["a", "", "b"]],
    ["", []],
  ])("%j", (text, expected) => {
    expect(splitLines(text)).toEqual(expected);
  });
});
