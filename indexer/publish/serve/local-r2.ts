// wrangler's local R2 (the folder `wrangler dev --persist-to` reads) as a deploy target, opened in one
// workerd start through wrangler's getPlatformProxy: about 2 s in all, where `wrangler r2 object put
// --local` takes about 6 s per object.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import type { ObjectBody, ObjectStore } from "../deploy/object-store.ts";

/** The part of the R2 binding used here (Node side of the platform proxy). */
interface LocalBucket {
  put(
    key: string,
    value: Uint8Array,
    options?: { httpMetadata?: { contentType?: string } },
  ): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  head(key: string): Promise<{ size: number } | null>;
  delete(keys: string[]): Promise<void>;
}

interface ProxyEnv {
  MODEL_BUCKET: LocalBucket;
}

/** The local bucket as an ObjectStore; call dispose() when done. */
export interface LocalR2 {
  store: ObjectStore;
  dispose(): Promise<void>;
}

/** Opens MODEL_BUCKET of `configPath` (wrangler.toml) in the state folder `persistTo`. */
export async function openLocalR2(configPath: string, persistTo: string): Promise<LocalR2> {
  // getPlatformProxy's persist path is the "v3" folder inside wrangler dev's --persist-to.
  const proxy = await getPlatformProxy<ProxyEnv>({
    configPath,
    persist: { path: join(persistTo, "v3") },
    remoteBindings: false,
  });
  const bucket = proxy.env.MODEL_BUCKET;
  const store: ObjectStore = {
    label: `local R2 (${persistTo})`,
    concurrency: 8,
    async put(key: string, body: ObjectBody, contentType?: string) {
      // A copy with its own ArrayBuffer: the proxy's serializer rejects Node's pooled Buffer views.
      const data = "path" in body ? new Uint8Array(await readFile(body.path)) : body.data.slice();
      await bucket.put(key, data, contentType ? { httpMetadata: { contentType } } : undefined);
    },
    async get(key: string) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async size(key: string) {
      return (await bucket.head(key))?.size ?? null;
    },
    async delete(keys: string[]) {
      for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
    },
  };
  return { store, dispose: () => proxy.dispose() };
}
