// Pins htmlUnescape to CPython 3.11 html.unescape on named, legacy, numeric and malformed references.
import { describe, expect, it } from "vitest";
import { htmlUnescape } from "./html-unescape.ts";

// [input, html.unescape(input)] as printed by CPython.
const CASES: [string, string][] = [
  ["&amp;", "&"],
  ["&amp", "&"],
  ["&AMP;", "&"],
  ["&ampx;", "&x;"],
  ["&amp;lt;", "&lt;"],
  ["&lt;b&gt;", "<b>"],
  ["&apos;", "'"],
  ["&nbsp;", "\u00a0"],
  ["&eacute;t&eacute", "été"],
  ["&notin;", "∉"],
  ["&notx;", "¬x;"],
  ["&copyright;", "©right;"],
  ["&Eacutedog", "Édog"],
  ["&hellip;&mdash;&frac12;", "…—½"],
  ["&rang;", "\u27e9"],
  ["&#39;&#x27;", "''"],
  ["&#X41&#65", "AA"],
  ["&#128;", "€"],
  ["&#129;", "\x81"],
  ["&#0;", "\ufffd"],
  ["&#1;", ""],
  ["&#13;", "\r"],
  ["&#xD800;", "\ufffd"],
  ["&#x110000;", "\ufffd"],
  ["&#xFFFF;", ""],
  ["&#99999999999999999999;", "\ufffd"],
  ["&foo;", "&foo;"],
  ["&;", "&;"],
  ["&#;", "&#;"],
  ["& amp;", "& amp;"],
  [`&${"a".repeat(40)};`, `&${"a".repeat(40)};`],
  ["no entities", "no entities"],
  ["&constructor; &toString;", "&constructor; &toString;"],
];

describe("htmlUnescape", () => {
  it.each(CASES)("%j -> %j", (input, expected) => {
    expect(htmlUnescape(input)).toBe(expected);
  });

  it("decodes one level per call, as CLIP's double unescape relies on", () => {
    expect(htmlUnescape("&amp;amp;")).toBe("&amp;");
    expect(htmlUnescape(htmlUnescape("&amp;lt;"))).toBe("<");
  });
});
