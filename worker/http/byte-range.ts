// HTTP Range requests (RFC 9110 14.1.2) for media: one range of bytes=a-b, a- or -n; several ranges or
// other units are answered with the whole file (allowed by the RFC), a range past the end with 416.

/** A satisfiable range, inclusive of `offset`, `length` bytes. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * The range `header` asks of a `size`-byte file: null to send the whole file (no header, or one we
 * answer whole), "unsatisfiable" for a valid range outside the file.
 */
export function parseByteRange(header: string | null, size: number): ByteRange | null | "unsatisfiable" {
  if (header === null) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    // Suffix: the last n bytes.
    const n = Number(match[2]);
    if (n === 0) return "unsatisfiable";
    const length = Math.min(n, size);
    return size === 0 ? "unsatisfiable" : { offset: size - length, length };
  }
  const first = Number(match[1]);
  const last = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== "" && Number(match[2]) < first) return null;
  if (first >= size) return "unsatisfiable";
  return { offset: first, length: last - first + 1 };
}
