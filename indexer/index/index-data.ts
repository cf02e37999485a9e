// An index held in memory, between its sources (journal, shard indexes) and the files on disk.
import type { CaptionRecord, IndexManifest, VectorRows, VideoRecord } from "../../shared/index-format.ts";
import type { SyncRecord } from "./sync-record.ts";

/** Everything an index directory holds; vectors are float32 here whatever the dtype on disk. */
export interface IndexData {
  manifest: IndexManifest;
  videos: VideoRecord[];
  /** Row-major [manifest.counts.vectors, manifest.model.dimension]. */
  vectors: Float32Array;
  rows: VectorRows;
  captions: CaptionRecord[];
  /** Row-major [captions.length, dimension]. */
  captionVectors: Float32Array;
  /** Thumbnail bytes per video (same order as `videos`), or a function reading them, or null. */
  thumbnails: (() => Promise<Uint8Array | null>)[];
  /**
   * Moment thumbnail bytes per row (same order as the rows), read when `rows.thumbnail[r]` names a path;
   * absent or null where the row has none.
   */
  rowThumbnails?: ((() => Promise<Uint8Array | null>) | null)[];
  /** What `index` needs to sync this index later (sync.json); absent for merged or generated indexes. */
  sync?: SyncRecord;
}
