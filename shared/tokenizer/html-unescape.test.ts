// Pins htmlUnescape and cleanText to CPython's html.unescape on html-unescape-cases.json (full HTML5 table, numeric rules).
import { describe, expect, it } from "vitest";
import { htmlUnescape } from "./html-unescape.ts";
import reference from "./html-unescape-cases.json" with { type: "json" };
import { cleanText } from "./pretokenize.ts";

const cases = reference.cases as [input: string, once: string, twice: string][];
const cleaned = reference.cleaned as [input: string, clean: string][];

/** Cases whose `actual` differs from Python's `expected`, as [input, actual, expected] for a readable diff. */
function mismatches(pairs: [string, string][], decode: (text: string) => string): [string, string, string][] {
  return pairs
    .map(([input, expected]): [string, string, string] => [input, decode(input), expected])
    .filter(([, actual, expected]) => actual !== expected);
}

describe(`htmlUnescape against ${reference.python} html.unescape`, () => {
  it("holds every name of the HTML5 table and the numeric edge cases", () => {
    expect(reference.python).toMatch(/^CPython 3\./);
    // 2,125 "&name;" of the table plus a few unknown names of that shape.
    expect(cases.filter(([input]) => /^&[A-Za-z0-9]+;$/.test(input)).length).toBeGreaterThan(2125);
    expect(cases.length).toBe(3048);
  });

  it("decodes every case as html.unescape does once", () => {
    expect(
      mismatches(
        cases.map(([input, once]) => [input, once]),
        htmlUnescape,
      ),
    ).toEqual([]);
  });

  it("decodes every case as html.unescape applied twice, one level per call", () => {
    const twice = (text: string) => htmlUnescape(htmlUnescape(text));
    expect(
      mismatches(
        cases.map(([input, , doubled]) => [input, doubled]),
        twice,
      ),
    ).toEqual([]);
  });

  it("cleans double-escaped text as CLIP's basic_clean + whitespace_clean + lower", () => {
    expect(cleaned.length).toBeGreaterThan(20);
    expect(mismatches(cleaned, cleanText)).toEqual([]);
  });
});
