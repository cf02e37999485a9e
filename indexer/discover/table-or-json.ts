// Reads the text of a user's --manifest / --captions file: JSON when it starts with [ or {, else a CSV/TSV table.
import { parseCsv } from "../../shared/datasets/text-table.ts";
import { InputError } from "../../shared/errors.ts";

/** The parsed JSON value, or the table's records (RFC 4180 quoting, blank lines dropped). */
export type TableOrJson = { kind: "json"; value: unknown } | { kind: "table"; rows: string[][] };

/**
 * Parses `text` read from `file`; the file name picks the table's delimiter (see guessDelimiter).
 * Throws InputError with `errorCode` for invalid JSON, and "bad_csv" for a broken quote in a table.
 */
export function parseTableOrJson(text: string, file: string, errorCode: string): TableOrJson {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      return { kind: "json", value: JSON.parse(text) };
    } catch (cause) {
      throw new InputError(errorCode, `${file}: not valid JSON (${(cause as Error).message})`, { cause });
    }
  }
  const rows = parseCsv(text, file, guessDelimiter(file, text));
  // Blank lines (spreadsheet exports end with some) are not records.
  return { kind: "table", rows: rows.filter((row) => row.length > 1 || row[0].trim() !== "") };
}

/** Picks the delimiter from the file name (.tsv/.tab = tab) or, failing that, from the first line. */
export function guessDelimiter(fileName: string, text: string): "," | "\t" {
  if (/\.(tsv|tab)$/i.test(fileName)) return "\t";
  if (/\.csv$/i.test(fileName)) return ",";
  const firstLine = text.slice(0, text.indexOf("\n") >>> 0);
  return firstLine.includes("\t") ? "\t" : ",";
}
