// Python's html.unescape (CLIP applies it twice) with `entities`' full table; hand-written for parity: CPython's pattern, dropped code points.
import { DecodingMode, decodeHTML } from "entities/decode";

// CPython's html._charref: where a reference starts and ends (names at most 32 characters, any
// character but \t\n\f <&#;). Flag u so that {1,32} counts code points as Python does.
const CHAR_REF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/**
 * html._invalid_codepoints that the HTML5 rules keep but CPython decodes to nothing (0x80..0x9f are
 * remapped as Windows-1252 before this check, by both).
 */
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

/** One reference as CPython's html.unescape decodes it (entities' text mode: legacy names, longest prefix). */
function decodeReference(reference: string): string {
  const decoded = decodeHTML(reference, DecodingMode.Legacy);
  // A numeric reference decodes to one code point, already replaced for NUL, surrogates and > U+10FFFF.
  if (reference[1] === "#" && isDroppedCodePoint(decoded.codePointAt(0)!)) return "";
  return decoded;
}

/** Decodes HTML character references in `text` like Python's html.unescape (one pass). */
export function htmlUnescape(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(CHAR_REF, decodeReference);
}
