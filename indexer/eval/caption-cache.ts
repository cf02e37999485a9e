// Caches caption embeddings of `eval` (MSR-VTT full has 59,800 captions): one .npy per (text model,
// caption list), so a second run with other aggregations skips the text encoder.
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { encodeNpy, parseNpy } from "../../shared/npy.ts";
import { writeFileDurably } from "../index/durable-file.ts";

/** What changes caption vectors: the text model (id and file identity) and the texts themselves. */
export interface CaptionCacheKey {
  model: { id: string; file: string; sizeBytes: number; mtimeMs: number };
  texts: readonly string[];
}

function pathOf(root: string, key: CaptionCacheKey): string {
  const hash = createHash("sha256")
    .update(JSON.stringify({ captions: 1, ...key }))
    .digest("hex")
    .slice(0, 32);
  return join(resolve(root), "captions", `${hash}.npy`);
}

/** Cached [texts.length, dimension] row-major float32 embeddings, or null (a miss, never an error). */
export async function loadCaptionVectors(
  root: string,
  key: CaptionCacheKey,
  dimension: number,
): Promise<Float32Array | null> {
  try {
    const array = parseNpy(await readFile(pathOf(root, key)));
    if (array.dtype !== "float32" || array.shape.join() !== `${key.texts.length},${dimension}`) return null;
    return array.data;
  } catch {
    return null;
  }
}

/** Stores the embeddings (written to a temp file and renamed: a crash leaves no partial entry). */
export async function saveCaptionVectors(
  root: string,
  key: CaptionCacheKey,
  vectors: Float32Array,
  dimension: number,
): Promise<void> {
  const path = pathOf(root, key);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFileDurably(path, [
    encodeNpy({ dtype: "float32", shape: [key.texts.length, dimension], data: vectors }),
  ]);
}
