// Turns a local index into Vectorize records: deterministic ids, namespaces by kind, small metadata.
// Ids and metadata follow shared/vectorize-ids.ts, the contract the worker reads these records by.
import { InputError } from "../../../shared/errors.ts";
import { SEGMENT_AGGREGATION } from "../../../shared/index-format.ts";
import { NAMESPACES, VECTORIZE_LIMITS, videoKey } from "../../../shared/vectorize-ids.ts";
import type { IndexData } from "../../index/index-data.ts";

/** Vectorize limits, defined once in shared/vectorize-ids.ts; re-exported for this folder's importers. */
export { VECTORIZE_LIMITS };

/** Ids per delete_by_ids request (Vectorize takes at most 1000 ids per delete). */
export const DELETE_IDS_PER_REQUEST = 1000;

export type VectorNamespace = (typeof NAMESPACES)[keyof typeof NAMESPACES];
export type MetadataValue = string | number;

/** One vector to upsert; `values` is a view into the index's matrix, Float32Array(dimension). */
export interface VectorRecord {
  id: string;
  namespace: VectorNamespace;
  values: Float32Array;
  metadata: Record<string, MetadataValue>;
}

// Caps that keep the metadata far below 10 KiB; titles and captions are rarely near them.
const MAX_TITLE_CHARS = 300;
const MAX_TEXT_CHARS = 1000;
const MAX_URL_CHARS = 2000;

const utf8 = new TextEncoder();

function clip(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join("")}…`;
}

/** Video-level metadata: who the vector belongs to and how to show it (see VideoVectorMetadata). */
function videoMetadata(
  video: IndexData["videos"][number],
  aggregation: string,
): Record<string, MetadataValue> {
  const metadata: Record<string, MetadataValue> = {
    videoId: video.id,
    kind: NAMESPACES.video,
    aggregation,
    title: clip(video.title, MAX_TITLE_CHARS),
  };
  if (video.url !== null && video.url.length <= MAX_URL_CHARS) metadata.url = video.url;
  if (video.thumbnail !== null) metadata.thumbnail = video.thumbnail;
  return metadata;
}

function checkRecord(record: VectorRecord, seen: Set<string>): VectorRecord {
  if (utf8.encode(record.id).length > VECTORIZE_LIMITS.idBytes)
    throw new Error(`vector id ${JSON.stringify(record.id)} exceeds ${VECTORIZE_LIMITS.idBytes} bytes`);
  if (seen.has(record.id)) {
    throw new InputError(
      "duplicate_vector_id",
      `two vectors would share the id ${JSON.stringify(record.id)} (video "${record.metadata.videoId}"); video ids must be unique in videos.json`,
    );
  }
  seen.add(record.id);
  const metadataBytes = utf8.encode(JSON.stringify(record.metadata)).length;
  if (metadataBytes > VECTORIZE_LIMITS.metadataBytes)
    throw new InputError(
      "metadata_too_large",
      `metadata of ${record.id} is ${metadataBytes} bytes, over Vectorize's ${VECTORIZE_LIMITS.metadataBytes}; shorten the video's id or title`,
    );
  return record;
}

/**
 * Every record of `index`, in a stable order: rows of vectors.npy (aggregated vectors in namespace
 * "video", segment windows in "segment"), then captions (namespace "caption").
 * Ids: a video's first aggregated vector is its key (the video id, or "sha1:<hex>" when long or
 * containing "#"/"@"), its next ones key#1, key#2, ...; its segments key@0, key@1, ...; its captions
 * caption:key@0, caption:key@1, ... (in captions.json order). Every id is the video's, never a row
 * number of the file: shards of one library (index --shard) upload disjoint ids into one Vectorize
 * index, and a sync that drops a video leaves the other videos' ids alone. The real video id is
 * always in metadata.videoId.
 */
export async function buildVectorRecords(index: IndexData): Promise<VectorRecord[]> {
  const { manifest, videos, rows, vectors, captions, captionVectors } = index;
  const d = manifest.model.dimension;
  const keys = await Promise.all(videos.map((video) => videoKey(video.id)));
  const aggregatedSoFar = new Array<number>(videos.length).fill(0);
  const segmentsSoFar = new Array<number>(videos.length).fill(0);
  const seen = new Set<string>();
  const records: VectorRecord[] = [];

  for (let row = 0; row < rows.video.length; row++) {
    const v = rows.video[row];
    const values = vectors.subarray(row * d, (row + 1) * d);
    const aggregation = rows.aggregation[row];
    if (aggregation === SEGMENT_AGGREGATION) {
      const n = segmentsSoFar[v]++;
      const metadata = {
        videoId: videos[v].id,
        kind: NAMESPACES.segment,
        startSec: rows.startSec[row],
        endSec: rows.endSec[row],
      };
      records.push(
        checkRecord({ id: `${keys[v]}@${n}`, namespace: NAMESPACES.segment, values, metadata }, seen),
      );
      continue;
    }
    const name = manifest.aggregations[aggregation];
    if (name === undefined)
      throw new InputError(
        "bad_index",
        `rows.json row ${row} names aggregation ${aggregation}, not in manifest.json`,
      );
    const n = aggregatedSoFar[v]++;
    const id = n === 0 ? keys[v] : `${keys[v]}#${n}`;
    records.push(
      checkRecord(
        { id, namespace: NAMESPACES.video, values, metadata: videoMetadata(videos[v], name) },
        seen,
      ),
    );
  }

  const captionsSoFar = new Array<number>(videos.length).fill(0);
  captions.forEach((caption, i) => {
    const video = videos[caption.video];
    if (video === undefined)
      throw new InputError(
        "bad_index",
        `captions.json entry ${i} names video ${caption.video}, not in videos.json`,
      );
    const metadata = {
      videoId: video.id,
      kind: NAMESPACES.caption,
      text: clip(caption.text, MAX_TEXT_CHARS),
    };
    const values = captionVectors.subarray(i * d, (i + 1) * d);
    const id = `caption:${keys[caption.video]}@${captionsSoFar[caption.video]++}`;
    records.push(checkRecord({ id, namespace: NAMESPACES.caption, values, metadata }, seen));
  });
  return records;
}
