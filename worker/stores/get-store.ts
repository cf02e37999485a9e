// The store of the live deployment, opened once per deployment (retried while it fails): the flat index
// loaded from R2, or Vectorize. A replaced deployment's store is released once its searches in flight end.

import type { DeploymentRecord } from "../../shared/deployment/deployment-format.ts";
import { deploymentIndexSource } from "../../shared/deployment/deployment-source.ts";
import type { WorkerConfig, WorkerEnv } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import { InFlight } from "../in-flight.ts";
import { r2BlobReader } from "./live-deployment.ts";
import { loadFlatStore } from "./load-flat-index.ts";
import { VectorizeStore } from "./vectorize-store.ts";
import type { VideoStore } from "./video-store.ts";

/**
 * Stores kept per isolate. One: a new deployment's store replaces the old one at once (its searches in
 * flight finish first), so two indexes never share the isolate's 128 MB; requests wait for the new load.
 */
const MAX_STORES = 1;

interface Entry {
  store: Promise<VideoStore>;
  inFlight: InFlight;
}

const stores = new Map<string, Entry>();

/** `store` with its searches counted on `inFlight`, so that releasing waits for the ones in flight. */
function counted(store: VideoStore, inFlight: InFlight): VideoStore {
  return {
    stats: () => store.stats(),
    searchVideos: (query, k, filter) => inFlight.track(() => store.searchVideos(query, k, filter)),
    captionsFor: (videoId, k) => inFlight.track(() => store.captionsFor(videoId, k)),
    captionsForVector: (vector, k) => inFlight.track(() => store.captionsForVector(vector, k)),
    similarTo: (videoId, k) => inFlight.track(() => store.similarTo(videoId, k)),
    release: () => store.release(),
  };
}

function open(env: WorkerEnv, config: WorkerConfig, deployment: DeploymentRecord): Promise<VideoStore> {
  const source = deploymentIndexSource(deployment, r2BlobReader(env.MODEL_BUCKET));
  const where = `deployment ${deployment.id}`;
  if (config.store === "vectorize") {
    if (!env.VECTORIZE)
      throw new ApiError(
        503,
        "vectorize_missing",
        'STORE is "vectorize" but no VECTORIZE binding is configured',
      );
    // Opening reads the manifest from R2: once per deployment, not per request.
    return VectorizeStore.open(env.VECTORIZE, source, where);
  }
  return loadFlatStore(source, where);
}

/**
 * The store of `deployment`. Failures (a missing or invalid index) are not cached, so the next request
 * tries again. `keepAlive` (the request's waitUntil) lets a load outlive the request that started it.
 */
export async function getStore(
  env: WorkerEnv,
  config: WorkerConfig,
  deployment: DeploymentRecord,
  keepAlive: (promise: Promise<unknown>) => void,
): Promise<VideoStore> {
  // The same content deployed under two prefixes (tests do) is two sets of objects: key by both.
  const key = `${config.store}:${config.indexPrefix}${deployment.id}`;
  let entry = stores.get(key);
  if (!entry) {
    const store = open(env, config, deployment);
    const created: Entry = { store, inFlight: new InFlight(() => store.then((opened) => opened.release())) };
    entry = created;
    stores.set(key, created);
    keepAlive(
      store.catch(() => {
        if (stores.get(key) === created) stores.delete(key);
      }),
    );
    // Oldest first in the map: retire what exceeds the limit.
    for (const [id, old] of stores) {
      if (stores.size <= MAX_STORES) break;
      stores.delete(id);
      old.inFlight.retire();
    }
  }
  return counted(await entry.store, entry.inFlight);
}
