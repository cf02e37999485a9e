// Thumbnails packed into a few large objects with a table of byte ranges: a 10k-video index is then a
// handful of R2 objects (one put each) instead of 10k, and the worker serves each JPEG by a range read.
import type { ThumbnailTable } from "./deployment-format.ts";

/** Largest pack, in bytes: well under wrangler's 300 MiB per `r2 object put` and R2's single-put limit. */
export const MAX_PACK_BYTES = 64 * 2 ** 20;

export interface ThumbnailFile {
  /** Path relative to the index directory, e.g. "thumbnails/0.jpg". */
  name: string;
  data: Uint8Array;
}

/** Packs in order of `files` (sorted by the caller for stable bytes), and the table that finds each file. */
export function packThumbnails(
  files: ThumbnailFile[],
  maxPackBytes = MAX_PACK_BYTES,
): { packs: Uint8Array[]; table: ThumbnailTable } {
  const groups: ThumbnailFile[][] = [];
  let size = 0;
  for (const file of files) {
    const current = groups.at(-1);
    if (!current || (size + file.data.byteLength > maxPackBytes && current.length > 0)) {
      groups.push([file]);
      size = file.data.byteLength;
    } else {
      current.push(file);
      size += file.data.byteLength;
    }
  }
  const table: ThumbnailTable = {};
  const packs = groups.map((group, pack) => {
    const bytes = new Uint8Array(group.reduce((n, file) => n + file.data.byteLength, 0));
    let offset = 0;
    for (const file of group) {
      bytes.set(file.data, offset);
      table[file.name] = [pack, offset, file.data.byteLength];
      offset += file.data.byteLength;
    }
    return bytes;
  });
  return { packs, table };
}
