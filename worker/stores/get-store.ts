// The isolate's store: the flat index loaded from R2 once (retried while it is missing), or Vectorize.

import type { WorkerConfig, WorkerEnv } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import type { FlatStore } from "./flat-store.ts";
import { loadFlatStore } from "./load-flat-index.ts";
import { VectorizeStore } from "./vectorize-store.ts";
import type { VideoStore } from "./video-store.ts";

let flat: Promise<FlatStore> | undefined;

/**
 * The configured store; flat index failures are not cached, so uploading the index fixes the next request.
 * `keepAlive` (the request's waitUntil) lets a load outlive the request that started it (see getEncoder).
 */
export async function getStore(
  env: WorkerEnv,
  config: WorkerConfig,
  keepAlive: (promise: Promise<unknown>) => void,
): Promise<VideoStore> {
  if (config.store === "vectorize") {
    if (!env.VECTORIZE)
      throw new ApiError(
        503,
        "vectorize_missing",
        'STORE is "vectorize" but no VECTORIZE binding is configured',
      );
    return VectorizeStore.open(env.VECTORIZE, env.MODEL_BUCKET, config.indexPrefix);
  }
  if (!flat) {
    flat = loadFlatStore(env.MODEL_BUCKET, config.indexPrefix);
    keepAlive(
      flat.catch(() => {
        flat = undefined;
      }),
    );
  }
  return flat;
}
