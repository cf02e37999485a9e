// Combines shard indexes into one, identical to indexing the whole library in one run.
import { InputError } from "../../shared/errors.ts";
import type { IndexManifest } from "../../shared/index-format.ts";
import { assembleIndex, splitIndex } from "./assemble.ts";
import type { IndexData } from "./index-data.ts";

const MUST_MATCH = ["model", "sampling", "aggregations", "segmentSeconds", "dtype"] as const;

function describe(manifest: IndexManifest, key: (typeof MUST_MATCH)[number]): string {
  return JSON.stringify(manifest[key]);
}

/**
 * Merges loaded shard indexes (`names` label them in errors). They must share model, sampling,
 * aggregations, segment length and dtype; a video in two shards is an error.
 */
export function mergeIndexes(
  shards: readonly IndexData[],
  names: readonly string[],
  createdAt: string,
): IndexData {
  if (shards.length === 0) throw new InputError("bad_arguments", "merge needs at least one shard index");
  const first = shards[0].manifest;
  shards.forEach((shard, i) => {
    for (const key of MUST_MATCH) {
      if (describe(shard.manifest, key) !== describe(first, key)) {
        throw new InputError(
          "shard_mismatch",
          `${names[i]} has ${key} ${describe(shard.manifest, key)} but ${names[0]} has ${describe(first, key)}; shards must be indexed with the same options`,
        );
      }
    }
  });
  const parts = shards.flatMap((shard) => splitIndex(shard));
  return assembleIndex(parts, {
    model: first.model,
    sampling: first.sampling,
    aggregations: first.aggregations,
    segmentSeconds: first.segmentSeconds,
    dtype: first.dtype,
    createdAt,
  });
}
