// Caption vectors for an index: a text the previous index embedded with the same text tower keeps its
// vector (a text's vector does not depend on its batch: clip-towers.test.ts); only new texts are embedded.
import type { CaptionEntry } from "../discover/captions-file.ts";
import type { IndexData } from "./index-data.ts";

export interface CaptionVectors {
  /** Per video id, its captions in file order with their vectors. */
  captionsOf: Map<string, { text: string; vector: Float32Array }[]>;
  /** How many of the captions kept a stored vector. */
  reusedCaptions: number;
}

/**
 * Vectors for `captions` (file order): from `previous` (null when its text tower differs) where it holds the
 * text, else from one `embed` call over the distinct new texts (not called when there are none).
 */
export async function captionVectors(
  captions: readonly CaptionEntry[],
  previous: IndexData | null,
  embed: (texts: string[]) => Promise<Float32Array[]>,
): Promise<CaptionVectors> {
  const known = new Map<string, Float32Array>();
  if (previous) {
    const d = previous.manifest.model.dimension;
    previous.captions.forEach((c, i) => {
      if (!known.has(c.text)) known.set(c.text, previous.captionVectors.slice(i * d, (i + 1) * d));
    });
  }
  const reusedCaptions = captions.filter((c) => known.has(c.text)).length;
  const newTexts = [...new Set(captions.map((c) => c.text).filter((text) => !known.has(text)))];
  if (newTexts.length > 0) {
    const vectors = await embed(newTexts);
    for (const [i, t] of newTexts.entries()) known.set(t, vectors[i]);
  }
  const captionsOf: CaptionVectors["captionsOf"] = new Map();
  for (const c of captions) {
    const list = captionsOf.get(c.videoId) ?? [];
    list.push({ text: c.text, vector: known.get(c.text) as Float32Array });
    captionsOf.set(c.videoId, list);
  }
  return { captionsOf, reusedCaptions };
}
