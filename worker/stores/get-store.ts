// The isolate's store, opened once (retried while it fails): the flat index loaded from R2, or Vectorize.

import type { WorkerConfig, WorkerEnv } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import type { FlatStore } from "./flat-store.ts";
import { loadFlatStore } from "./load-flat-index.ts";
import { VectorizeStore } from "./vectorize-store.ts";
import type { VideoStore } from "./video-store.ts";

let flat: Promise<FlatStore> | undefined;
let vectorize: Promise<VectorizeStore> | undefined;

/**
 * The configured store; failures (missing or invalid index) are not cached, so uploading the index fixes
 * the next request.
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
    if (!vectorize) {
      // Opening reads the manifest from R2: once per isolate, not per request.
      vectorize = VectorizeStore.open(env.VECTORIZE, env.MODEL_BUCKET, config.indexPrefix);
      keepAlive(
        vectorize.catch(() => {
          vectorize = undefined;
        }),
      );
    }
    return vectorize;
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
