// Tokenizing annotation text: lines (BOM, CRLF) and RFC 4180 CSV (quotes, commas and newlines in fields).
import { InputError } from "../errors.ts";

/** Splits text into lines without their CR/LF, dropping a UTF-8 BOM and the empty last line. */
export function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Parses CSV (RFC 4180): fields separated by `delimiter`, a field in double quotes may hold the
 * delimiter, newlines and doubled quotes (""). Records end at LF or CRLF; a final empty line is
 * ignored. Throws InputError for an unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string, source: string, delimiter = ","): string[][] {
  const input = text.replace(/^\uFEFF/, "");
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false; // the current field was a quoted one (so "" is a field, not nothing)
  let line = 1;
  const endField = () => {
    record.push(field);
    field = "";
    quoted = false;
  };
  const isRecordEnd = (at: number) => input[at] === "\n" || (input[at] === "\r" && input[at + 1] === "\n");
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '"' && field === "" && !quoted) {
      const startLine = line;
      quoted = true;
      for (i++; ; ) {
        if (i >= input.length)
          throw new InputError(
            "bad_csv",
            `${source}: unterminated quoted field starting on line ${startLine}`,
          );
        if (input[i] === '"' && input[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (input[i] === '"') {
          i++;
          break;
        } else {
          if (input[i] === "\n") line++;
          field += input[i++];
        }
      }
      if (i < input.length && input[i] !== delimiter && !isRecordEnd(i))
        throw new InputError("bad_csv", `${source}: unexpected text after a closing quote on line ${line}`);
    } else if (ch === delimiter) {
      endField();
      i++;
    } else if (isRecordEnd(i)) {
      endField();
      records.push(record);
      record = [];
      line++;
      i += ch === "\r" ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || quoted || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}
