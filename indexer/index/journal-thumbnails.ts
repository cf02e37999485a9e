// Moment thumbnails of journaled videos read back from the journal when the index is written, so that a
// library's run holds only vectors in memory (a moment JPEG is ~1.5x a 512-d float32 row).
import type { PartRow } from "./assemble.ts";
import type { VideoResult } from "./video-result.ts";

/**
 * `rows` with each moment thumbnail replaced by a reader of the same bytes from `load()` (the journal record
 * of the video). The record is read once for all of a video's rows and let go once they have all been read.
 */
export function rowsReadingThumbnails(
  rows: VideoResult["rows"],
  load: () => Promise<VideoResult | null>,
): PartRow[] {
  let record: Promise<VideoResult | null> | null = null;
  let unread = rows.filter((row) => row.thumbnail).length;
  return rows.map(({ thumbnail, ...row }, r) => {
    if (!thumbnail) return row;
    return {
      ...row,
      thumbnail: async () => {
        record ??= load();
        const result = await record;
        unread -= 1;
        if (unread <= 0) record = null;
        return result?.rows[r]?.thumbnail ?? null;
      },
    };
  });
}
