// Test helper: ../shared/models/reference.json (PyTorch outputs of the upstream-made tiny CLIP exports) and
// the paths of those exports.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { sharedPath } from "./shared-data.ts";

export interface ReferenceText {
  kind: "dataset" | "edge";
  text: string;
  /** transformers' CLIPTokenizer ids, start and end included, at most 77. */
  ids: number[];
  truncated: boolean;
  /** L2-normalized text_embeds. */
  text_embeds: number[];
}

export interface ReferenceImage {
  /** Relative to ../shared/models. */
  npy: string;
  png: string;
  video: string;
  frame_index: number;
  /** L2-normalized image_embeds of the .npy tensor. */
  image_embeds: number[];
}

export interface ClipReference {
  model_id: string;
  texts: ReferenceText[];
  images: ReferenceImage[];
}

/** ../shared/models/<name>: hf-tiny-clip (Transformers.js layout) or optimum-tiny-clip (one model.onnx). */
export function exportDir(name: "hf-tiny-clip" | "optimum-tiny-clip"): string {
  return sharedPath("models", name);
}

/** Parses reference.json; image paths are made absolute. */
export function readClipReference(): ClipReference {
  const path = sharedPath("models", "reference.json");
  const json = JSON.parse(readFileSync(path, "utf8")) as ClipReference;
  const base = dirname(path);
  return {
    ...json,
    images: json.images.map((image) => ({
      ...image,
      npy: join(base, image.npy),
      png: join(base, image.png),
      video: join(base, image.video),
    })),
  };
}

/** Largest absolute difference between two equally long vectors. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
