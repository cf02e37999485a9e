// The paper's published numbers (Portillo-Quintero et al., 2021, Tables 2-4: CLIP ViT-B/32, mean of frame
// embeddings), printed beside ours so a reproduction shows its difference at a glance.

/** Recall in percent and median rank, as the paper's tables print them. */
export interface PublishedMetrics {
  R1: number;
  R5: number;
  R10: number;
  MdR: number;
}

export interface PublishedResult {
  /** Text-to-video retrieval. */
  tvr: PublishedMetrics;
  /** Video-to-text retrieval; the paper follows its seed code's protocol ("paper" VTR). */
  vtr: PublishedMetrics;
  /** Where the figures come from. */
  source: string;
}

/** Dataset names accepted by `eval --dataset`. */
export type DatasetName = "msrvtt-1ka" | "msrvtt-full" | "msvd" | "lsmdc";

const SOURCE = "Portillo-Quintero et al., 2021 (arXiv:2102.12443), Tables 2-4";

/** Published results per dataset. Table 1 (aggregation study) is not transcribed here. */
export const PUBLISHED_RESULTS: Record<DatasetName, PublishedResult> = {
  "msrvtt-1ka": {
    tvr: { R1: 31.2, R5: 53.7, R10: 64.2, MdR: 4 },
    vtr: { R1: 27.2, R5: 51.7, R10: 62.6, MdR: 5 },
    source: SOURCE,
  },
  "msrvtt-full": {
    tvr: { R1: 21.4, R5: 41.1, R10: 50.4, MdR: 10 },
    vtr: { R1: 40.3, R5: 69.7, R10: 79.2, MdR: 2 },
    source: SOURCE,
  },
  msvd: {
    tvr: { R1: 37.0, R5: 64.1, R10: 73.8, MdR: 3 },
    vtr: { R1: 59.9, R5: 85.2, R10: 90.7, MdR: 1 },
    source: SOURCE,
  },
  lsmdc: {
    tvr: { R1: 11.3, R5: 22.7, R10: 29.2, MdR: 56.5 },
    vtr: { R1: 6.8, R5: 16.4, R10: 22.1, MdR: 73 },
    source: SOURCE,
  },
};
