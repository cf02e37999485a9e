// Pins how --manifest / --captions text is read: tables (quotes, BOM, CRLF, blank lines), JSON, delimiter choice.
import { describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import { guessDelimiter, parseTableOrJson } from "./table-or-json.ts";

describe("parseTableOrJson", () => {
  it.each([
    [
      "a,b\n1,2\n",
      "t.csv",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      'id,text\nv1,"hello, ""world"""\r\n',
      "t.csv",
      [
        ["id", "text"],
        ["v1", 'hello, "world"'],
      ],
    ],
    ['x,"multi\nline"', "t.csv", [["x", "multi\nline"]]],
    [
      "\ufeffa\tb\n\n1\t2",
      "t.tsv",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    ["a,,c\n", "t.csv", [["a", "", "c"]]],
  ] as const)("parses %j", (text, file, expected) => {
    expect(parseTableOrJson(text, file, "bad_test")).toEqual({ kind: "table", rows: expected });
  });

  it("parses JSON when the text starts with [ or {", () => {
    expect(parseTableOrJson(' [{"a": 1}]', "t.csv", "bad_test")).toEqual({ kind: "json", value: [{ a: 1 }] });
    expect(() => parseTableOrJson("{oops", "t.json", "bad_test")).toThrow(/t\.json: not valid JSON/);
    expect(() => parseTableOrJson("{oops", "t.json", "bad_test")).toThrow(
      expect.objectContaining({ code: "bad_test" }),
    );
  });

  it("rejects a broken quote with the file name", () => {
    expect(() => parseTableOrJson('a,"open\n', "m.csv", "bad_test")).toThrow(InputError);
    expect(() => parseTableOrJson('a,"open\n', "m.csv", "bad_test")).toThrow(/m\.csv: unterminated quoted/);
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
