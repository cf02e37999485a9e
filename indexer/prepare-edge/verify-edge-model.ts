// Checks a freshly written edge directory against its source: the same sentences through the source text
// tower (onnxruntime-node, fp32) and through the edge encoder in onnxruntime-web (the Worker's runtime).
import { cosine } from "../../shared/vectors.ts";
import type { ModelDirectory } from "../embed/model-dir.ts";
import { loadTextEncoder } from "../embed/onnx-runtime.ts";
import { loadEdgeTextEncoder } from "./load-edge-encoder.ts";
import { webOrt } from "./onnx-runtime-web.ts";
import { VERIFICATION_SENTENCES } from "./verification-sentences.ts";

/**
 * Default floor of the minimum cosine between edge and source vectors. Why 0.99: CLIP ranks by cosine, and a
 * query vector at cosine c from the exact one moves any score by at most sqrt(2 - 2c) (0.14 at 0.99) and in
 * practice by ~sqrt((2 - 2c) / d) for a d-dimensional index (0.006 for d = 512, under the 0.01-0.02 gaps between
 * neighbouring CLIP scores); int8 dynamic quantization of real and random CLIP text towers measures 0.998+
 * (README), so a value below 0.99 means a broken rewrite, not rounding.
 */
export const DEFAULT_MIN_COSINE = 0.99;

export interface EdgeVerification {
  /** Texts compared (VERIFICATION_SENTENCES). */
  sentences: number;
  minCosine: number;
  meanCosine: number;
  /** The text with the lowest cosine. */
  worstText: string;
  /** The floor the run was held to. */
  threshold: number;
  passed: boolean;
}

/** Encodes VERIFICATION_SENTENCES with `source`'s fp32 text tower and with the edge encoder in `edgeDir`. */
export async function verifyEdgeModel(
  source: ModelDirectory,
  edgeDir: string,
  threshold: number = DEFAULT_MIN_COSINE,
): Promise<EdgeVerification> {
  const texts = [...VERIFICATION_SENTENCES];
  const reference = await loadTextEncoder(source, { threads: 1 });
  let expected: Float32Array[];
  try {
    expected = (await reference.encoder.encode(texts)).vectors;
  } finally {
    await reference.encoder.release();
  }
  const edge = await loadEdgeTextEncoder(webOrt, edgeDir);
  let actual: Float32Array[];
  try {
    actual = (await edge.encode(texts)).vectors;
  } finally {
    await edge.release();
  }
  const cosines = texts.map((_, i) => cosine(expected[i], actual[i]));
  const worst = cosines.indexOf(Math.min(...cosines));
  const minCosine = cosines[worst];
  return {
    sentences: texts.length,
    minCosine,
    meanCosine: cosines.reduce((a, b) => a + b, 0) / cosines.length,
    worstText: texts[worst],
    threshold,
    passed: minCosine >= threshold,
  };
}
