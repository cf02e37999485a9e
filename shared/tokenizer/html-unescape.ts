// Python's html.unescape, which CLIP applies twice before tokenizing: named references (a small
// table, see html-entities.ts), decimal and hex references, with the same replacement rules.
import { LEGACY_ENTITY_NAMES, NAMED_ENTITIES } from "./html-entities.ts";

// Same pattern as CPython's html._charref; flag u so that {1,32} counts code points as Python does.
const CHAR_REF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

// HTML5 maps numeric references 0x80..0x9f as Windows-1252 (html._invalid_charrefs); 0x81, 0x8d,
// 0x8f, 0x90 and 0x9d are undefined there and stay themselves.
const CP1252_80_9F =
  "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f" +
  "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178";

const entities = new Map(Object.entries(NAMED_ENTITIES));

/** html._invalid_codepoints outside 0x80..0x9f: these references decode to nothing. */
function isDroppedCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1 && cp <= 0x8) ||
    cp === 0xb ||
    (cp >= 0xe && cp <= 0x1f) ||
    cp === 0x7f ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

function decodeNumeric(ref: string): string {
  const digits = ref.endsWith(";") ? ref.slice(0, -1) : ref;
  const isHex = digits[1] === "x" || digits[1] === "X";
  const cp = isHex ? Number.parseInt(digits.slice(2), 16) : Number.parseInt(digits.slice(1), 10);
  if (cp === 0) return "\ufffd";
  if (cp === 0x0d) return "\r";
  if (cp >= 0x80 && cp <= 0x9f) return CP1252_80_9F[cp - 0x80];
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return "\ufffd";
  if (isDroppedCodePoint(cp)) return "";
  return String.fromCodePoint(cp);
}

/** Value of a full reference name: "amp;" (with semicolon) or a legacy name without one. */
function lookupName(name: string): string | undefined {
  const bare = name.endsWith(";") ? name.slice(0, -1) : name;
  if (bare !== name || LEGACY_ENTITY_NAMES.has(bare)) {
    const cp = entities.get(bare);
    if (cp !== undefined) return String.fromCodePoint(cp);
  }
  return undefined;
}

function decodeNamed(name: string): string {
  const whole = lookupName(name);
  if (whole !== undefined) return whole;
  // Longest known prefix (at least 2 characters), the rest kept as text: "&ampx" -> "&x".
  const chars = Array.from(name);
  for (let length = chars.length - 1; length > 1; length--) {
    const prefix = chars.slice(0, length).join("");
    if (LEGACY_ENTITY_NAMES.has(prefix))
      return String.fromCodePoint(entities.get(prefix)!) + chars.slice(length).join("");
  }
  return `&${name}`;
}

/** Decodes HTML character references in `text` like Python's html.unescape (one pass). */
export function htmlUnescape(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(CHAR_REF, (_match, ref: string) =>
    ref.startsWith("#") ? decodeNumeric(ref) : decodeNamed(ref),
  );
}
