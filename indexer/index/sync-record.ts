// sync.json, kept inside an index directory by `index`: the settings that made its vectors and the
// identity of every video's source, so the next `index` on the same --out re-embeds only what changed.
// No Node imports: IndexData (read by worker-side tests too) names its type; read-sync-record.ts reads the file.
import type { VectorDtype } from "../../shared/index-format.ts";
import type { TowerStamp } from "../embed/tower-stamp.ts";
import type { SourceIdentity } from "./video-result.ts";

/** File name inside the index directory (read by the indexer only; the worker never needs it). */
export const SYNC_FILE = "sync.json";
const SYNC_FORMAT = "clip-video-index-sync";
const SYNC_VERSION = 1;

/** Everything that decides the stored vectors. */
export interface SyncSettings {
  vision: TowerStamp;
  /** The text tower that embedded the captions, or null when no captions file was given. */
  text: TowerStamp | null;
  sampling: string;
  aggregations: string[];
  segmentSec: number | null;
  decoder: string;
  vectorDtype: VectorDtype;
}

/** One indexed video: where it was (relative to the library root, or a URL) and its identity then. */
export interface SyncVideo {
  id: string;
  location: string;
  source: SourceIdentity;
}

export interface SyncRecord {
  format: typeof SYNC_FORMAT;
  version: number;
  settings: SyncSettings;
  /**
   * The shard of the library this index holds (index --shard, 1-based index of count); absent for a
   * whole library. `upload` keeps one Vectorize ledger per shard by it.
   */
  shard?: { index: number; count: number };
  /** Sorted by id, as videos.json. */
  videos: SyncVideo[];
}

/** A record for `videos` (sorted by id by the caller), of shard `shard` of the library or of all of it. */
export function makeSyncRecord(
  settings: SyncSettings,
  videos: SyncVideo[],
  shard: { index: number; count: number } | null = null,
): SyncRecord {
  const record: SyncRecord = { format: SYNC_FORMAT, version: SYNC_VERSION, settings, videos };
  // Only shards say so: a whole library's sync.json keeps the bytes it had before shards were recorded.
  if (shard !== null) record.shard = { index: shard.index, count: shard.count };
  return record;
}

/** "i/n" for a shard's record, null for a whole library's (or no record). */
export function shardLabel(record: SyncRecord | null): string | null {
  return record?.shard ? `${record.shard.index}/${record.shard.count}` : null;
}

/** The bytes written to sync.json (stable: same record, same bytes). */
export function encodeSyncRecord(record: SyncRecord): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(record, null, 1)}\n`);
}

/** The record in sync.json's text, or null when it is not one (older or hand-made files). */
export function parseSyncRecord(text: string): SyncRecord | null {
  try {
    const value = JSON.parse(text) as SyncRecord;
    if (value.format !== SYNC_FORMAT || value.version !== SYNC_VERSION || !Array.isArray(value.videos))
      return null;
    return value;
  } catch {
    return null;
  }
}

/**
 * The record of shards merged into one index (`merge`): their videos together, sorted by id, when
 * every shard has a record with the same settings; undefined otherwise (the merged index then syncs
 * by embedding everything once).
 */
export function mergeSyncRecords(records: readonly (SyncRecord | null)[]): SyncRecord | undefined {
  const [first] = records;
  if (
    !first ||
    records.some((r) => r === null || JSON.stringify(r.settings) !== JSON.stringify(first.settings))
  )
    return undefined;
  const videos = records.flatMap((r) => r?.videos ?? []);
  videos.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return makeSyncRecord(first.settings, videos);
}
