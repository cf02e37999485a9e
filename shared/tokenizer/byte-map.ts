// GPT-2/CLIP byte-level mapping: every UTF-8 byte gets a printable stand-in character so that BPE
// works on strings without whitespace or control characters (bytes_to_unicode in OpenAI's code).

/** Builds the 256-entry table: byte value (0..255) -> one-character string. */
function buildByteToUnicode(): string[] {
  const table = new Array<string>(256);
  const isPrintable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  // Printable bytes stand for themselves; the others take code points 256, 257, ... in byte order.
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCharCode(isPrintable(byte) ? byte : next++);
  }
  return table;
}

/** Byte value (0..255) -> its stand-in character. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

const utf8 = new TextEncoder();

/** UTF-8 encodes `text` and maps each byte to its stand-in: the string BPE works on. */
export function toByteLevel(text: string): string {
  let out = "";
  for (const byte of utf8.encode(text)) out += BYTE_TO_UNICODE[byte];
  return out;
}
