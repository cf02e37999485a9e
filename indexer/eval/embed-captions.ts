// Embeds `eval`'s captions with the model's text tower in chunks (for progress), through the caption cache.
import { stat } from "node:fs/promises";
import { loadTextTower, type RuntimeOptions } from "../embed/clip-towers.ts";
import { type ModelDirectory, towerFile } from "../embed/model-dir.ts";
import { loadCaptionVectors, saveCaptionVectors } from "./caption-cache.ts";

/** Captions per encode call between two progress reports. */
const CHUNK = 1024;

/**
 * Row-major [texts.length, d] L2-normalized caption embeddings: from the cache under `cacheRoot`
 * when the same text model embedded the same list before, else encoded now and cached.
 * Returns whether the cache answered.
 */
export async function embedCaptions(
  model: ModelDirectory,
  runtime: RuntimeOptions,
  texts: readonly string[],
  cacheRoot: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ vectors: Float32Array; cached: boolean }> {
  const d = model.config.projectionDim;
  const file = towerFile(model, "text").path;
  const info = await stat(file);
  const key = { model: { id: model.id, file, sizeBytes: info.size, mtimeMs: info.mtimeMs }, texts };
  const cached = await loadCaptionVectors(cacheRoot, key, d);
  if (cached) {
    onProgress?.(texts.length, texts.length);
    return { vectors: cached, cached: true };
  }
  const vectors = new Float32Array(texts.length * d);
  const tower = await loadTextTower(model, runtime);
  try {
    for (let start = 0; start < texts.length; start += CHUNK) {
      const chunk = texts.slice(start, start + CHUNK);
      const encoded = await tower.encode(chunk);
      encoded.forEach((vector, i) => {
        vectors.set(vector, (start + i) * d);
      });
      onProgress?.(start + chunk.length, texts.length);
    }
  } finally {
    await tower.release();
  }
  await saveCaptionVectors(cacheRoot, key, vectors, d);
  return { vectors, cached: false };
}
