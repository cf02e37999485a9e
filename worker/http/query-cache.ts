// Caches query embeddings with the Cache API (per data center), keyed by model files and normalized query.
import type { DeploymentRecord } from "../../shared/deployment/deployment-format.ts";
import { cleanText } from "../../shared/tokenizer/pretokenize.ts";

const CACHE_ORIGIN = "https://query-embedding.cache";
/** Seconds a cached embedding is kept; it only changes when the model changes, which changes the key. */
const MAX_AGE_SECONDS = 7 * 24 * 3600;

/**
 * The model part of the cache key: the hashes of the deployment's model files (the model id alone would
 * let a re-prepared model with the same id answer with the old one's embeddings).
 */
export function modelCacheKey(deployment: DeploymentRecord): string {
  return Object.values(deployment.model)
    .map((blob) => blob.sha256.slice(0, 12))
    .sort()
    .join("");
}

function cacheKey(modelId: string, normalizedQuery: string): Request {
  return new Request(`${CACHE_ORIGIN}/${encodeURIComponent(modelId)}/${encodeURIComponent(normalizedQuery)}`);
}

/** A cached embedding: Float32Array(dimension), L2-normalized, with the truncation flag. */
export interface CachedEmbedding {
  vector: Float32Array;
  truncated: boolean;
}

/** Looks up an embedding; undefined on a miss or when the Cache API is unavailable or fails. */
export async function readCachedEmbedding(
  modelId: string,
  normalizedQuery: string,
  dimension: number,
): Promise<CachedEmbedding | undefined> {
  // A cache failure only costs an encode: never fail the request for it.
  try {
    const response = await caches.default.match(cacheKey(modelId, normalizedQuery));
    if (!response) return undefined;
    const bytes = await response.arrayBuffer();
    if (bytes.byteLength !== dimension * 4) return undefined;
    return { vector: new Float32Array(bytes), truncated: response.headers.get("x-truncated") === "1" };
  } catch {
    return undefined;
  }
}

/**
 * Stores an embedding; call through ctx.waitUntil so the response does not wait for it. Never rejects:
 * a failed write only means the next identical query is encoded again.
 */
export async function writeCachedEmbedding(
  modelId: string,
  normalizedQuery: string,
  entry: CachedEmbedding,
): Promise<void> {
  const response = new Response(entry.vector.slice().buffer, {
    headers: {
      "content-type": "application/octet-stream",
      "cache-control": `public, max-age=${MAX_AGE_SECONDS}`,
      "x-truncated": entry.truncated ? "1" : "0",
    },
  });
  try {
    await caches.default.put(cacheKey(modelId, normalizedQuery), response);
  } catch {
    // Caching is an optimization; see above.
  }
}

/**
 * The embedding cache's spelling of a query: exactly the text the tokenizer splits into words (its own
 * cleanText), so two queries share a key only when they tokenize alike. A rule of its own would not: JS's
 * \s counts U+FEFF as a space, CLIP's tokenizer does not, so "red\ufeffball" got the embedding of "red ball".
 */
export function normalizeQuery(q: string): string {
  return cleanText(q);
}
