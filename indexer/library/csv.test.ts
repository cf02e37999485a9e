import { describe, expect, it } from "vitest";
import { guessDelimiter, parseDelimited } from "./csv.ts";

describe("parseDelimited", () => {
  it.each([
    [
      "a,b\n1,2\n",
      ",",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      'id,text\nv1,"hello, ""world"""\r\n',
      ",",
      [
        ["id", "text"],
        ["v1", 'hello, "world"'],
      ],
    ],
    ['x,"multi\nline"', ",", [["x", "multi\nline"]]],
    [
      "\ufeffa\tb\n\n1\t2",
      "\t",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    ["a,,c\n", ",", [["a", "", "c"]]],
  ] as const)("parses %j", (text, delimiter, expected) => {
    expect(parseDelimited(text, delimiter)).toEqual(expected);
  });
});

describe("guessDelimiter", () => {
  it("uses the extension, then the first line", () => {
    expect(guessDelimiter("a.tsv", "x,y")).toBe("\t");
    expect(guessDelimiter("a.csv", "x\ty")).toBe(",");
    expect(guessDelimiter("a.txt", "x\ty\n")).toBe("\t");
    expect(guessDelimiter("a.txt", "x,y")).toBe(",");
  });
});
