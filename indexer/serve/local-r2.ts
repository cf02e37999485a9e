// Fills wrangler's local R2 (the folder `wrangler dev --persist-to` reads) with the model and the index, in
// one workerd start through wrangler's getPlatformProxy: about 2 s in all, where `wrangler r2 object put
// --local` takes about 6 s per file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import { listR2Objects } from "./r2-objects.ts";

/** The part of the R2 binding used here (Node side of the platform proxy). */
interface LocalBucket {
  put(
    key: string,
    value: Uint8Array,
    options?: { httpMetadata?: { contentType?: string } },
  ): Promise<unknown>;
  list(options?: {
    prefix?: string;
    cursor?: string;
  }): Promise<{ objects: { key: string }[]; truncated: boolean; cursor?: string }>;
  delete(keys: string[]): Promise<void>;
}

interface ProxyEnv {
  MODEL_BUCKET: LocalBucket;
  MODEL_PREFIX?: string;
  INDEX_PREFIX?: string;
}

async function deletePrefix(bucket: LocalBucket, prefix: string): Promise<void> {
  for (;;) {
    const page = await bucket.list({ prefix });
    if (page.objects.length === 0) return;
    await bucket.delete(page.objects.map((object) => object.key));
  }
}

export interface LocalR2Upload {
  /** wrangler.toml of the worker (bucket name and prefixes are read from it). */
  configPath: string;
  /** Same folder as `wrangler dev --persist-to`. */
  persistTo: string;
  /** Prepared edge encoder directory (stored under MODEL_PREFIX). */
  modelDir: string;
  /** Local index directory (stored under INDEX_PREFIX). */
  indexDir: string;
}

/**
 * Replaces everything under MODEL_PREFIX and INDEX_PREFIX in the local MODEL_BUCKET with the files of
 * `modelDir` and `indexDir` (relative paths become keys). Returns the objects and bytes written.
 */
export async function uploadToLocalR2(upload: LocalR2Upload): Promise<{ objects: number; bytes: number }> {
  // getPlatformProxy's persist path is the "v3" folder inside wrangler dev's --persist-to.
  const proxy = await getPlatformProxy<ProxyEnv>({
    configPath: upload.configPath,
    persist: { path: join(upload.persistTo, "v3") },
    remoteBindings: false,
  });
  let objects = 0;
  let bytes = 0;
  try {
    const bucket = proxy.env.MODEL_BUCKET;
    const folders: [string, string][] = [
      [proxy.env.MODEL_PREFIX ?? "model/", upload.modelDir],
      [proxy.env.INDEX_PREFIX ?? "index/", upload.indexDir],
    ];
    for (const [prefix, dir] of folders) {
      await deletePrefix(bucket, prefix);
      for (const { key, path, contentType } of listR2Objects(prefix, dir)) {
        // A copy with its own ArrayBuffer: the proxy's serializer rejects Node's pooled Buffer views.
        const data = new Uint8Array(readFileSync(path));
        await bucket.put(key, data, contentType ? { httpMetadata: { contentType } } : undefined);
        objects++;
        bytes += data.byteLength;
      }
    }
  } finally {
    await proxy.dispose();
  }
  return { objects, bytes };
}
