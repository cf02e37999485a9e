// Decodes the JSON files of an index the same way on every runtime: strict UTF-8, one leading BOM ignored.
import { IndexContractError } from "./contract-error.ts";

const BOM = 0xfeff;

/**
 * Parses `bytes` (the file `name` of an index) as JSON. RFC 8259 lets a parser ignore a leading UTF-8 BOM,
 * and editors on Windows add one, so both the CLI and the worker ignore it; invalid UTF-8 is refused.
 */
export function parseIndexJson(name: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    // ignoreBOM: true keeps the BOM in the text, so that it is removed here, once, on every runtime.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new IndexContractError("bad_index", `${name} is not valid UTF-8`);
  }
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    throw new IndexContractError("bad_index", `${name} is not valid JSON`);
  }
}
