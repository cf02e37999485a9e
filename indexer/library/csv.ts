// Minimal delimited-text reader (RFC 4180 quoting) for the manifest and captions files.

/** Splits CSV/TSV text into rows of cells. Quotes ("a, ""b""") are honoured; blank lines are dropped. */
export function parseDelimited(text: string, delimiter: "," | "\t"): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM from spreadsheet exports
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0].trim() !== "") rows.push(row);
    row = [];
    cell = "";
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") endRow();
    else if (ch !== "\r") cell += ch;
  }
  if (cell !== "" || row.length > 0) endRow();
  return rows;
}

/** Picks the delimiter from the file name (.tsv/.tab = tab) or, failing that, from the first line. */
export function guessDelimiter(fileName: string, text: string): "," | "\t" {
  if (/\.(tsv|tab)$/i.test(fileName)) return "\t";
  if (/\.csv$/i.test(fileName)) return ",";
  const firstLine = text.slice(0, text.indexOf("\n") >>> 0);
  return firstLine.includes("\t") ? "\t" : ",";
}
