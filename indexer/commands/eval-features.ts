// `eval-features`: retrieval metrics (TVR, VTR paper/CE protocols) from precomputed caption and video
// embeddings in .npy files, e.g. features exported by another implementation.
import { readFile } from "node:fs/promises";
import { InputError } from "../../shared/errors.ts";
import { evaluateRetrieval, type RetrievalEvaluation } from "../../shared/metrics/protocols.ts";
import type { RetrievalMetrics } from "../../shared/metrics/ranks.ts";
import { captionVideoSimilarities } from "../../shared/metrics/similarity.ts";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { findInvalidRow, l2NormalizeRowsInPlace } from "../../shared/vectors.ts";
import { defineCommand } from "../cli/define-command.ts";

const DETAILS = `
Computes text-to-video and video-to-text retrieval metrics from precomputed embeddings.
Rows are L2-normalized here. Ranks average ties; R@k in percent; StdR is the population deviation.
`;

/** Embeddings loaded and checked: row-major Float32Arrays, normalized. */
interface Features {
  text: Float32Array;
  video: Float32Array;
  captionVideos: number[];
  captions: number;
  videos: number;
  vectorsPerVideo: number;
  dimension: number;
}

async function readInput(path: string, flag: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : (code ?? String(error));
    throw new InputError("file_not_found", `cannot read ${flag} ${path}: ${reason}`, { cause: error });
  }
}

async function readMatrix(path: string, flag: string) {
  const bytes = await readInput(path, flag);
  let array: ReturnType<typeof parseNpy>;
  try {
    array = parseNpy(bytes);
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(error.code, `${flag} ${path}: ${error.message}`, { cause: error });
    throw error;
  }
  if (array.dtype === "int64") {
    throw new InputError(
      "bad_npy",
      `${flag} ${path}: dtype int64 is not an embedding; save float32 or float16`,
    );
  }
  return { shape: array.shape, data: npyToFloat32(array) };
}

function checkRows(data: Float32Array, d: number, flag: string, path: string) {
  const invalid = findInvalidRow(data, d);
  if (invalid) {
    throw new InputError(
      "bad_vectors",
      `${flag} ${path}: row ${invalid.row} is ${invalid.reason === "zero" ? "all zeros" : "not finite (NaN or Infinity)"}; it cannot be normalized`,
    );
  }
}

function parseCaptionVideos(text: string, path: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError("bad_captions", `--captions ${path} is not valid JSON`, { cause: error });
  }
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) {
    throw new InputError("bad_captions", `--captions ${path} must be a JSON array of integer video indexes`);
  }
  return value as number[];
}

/** Loads and validates T, V and the captions map (shapes, dtypes, dimensions, finite non-zero rows). */
export async function loadFeatures(
  textPath: string,
  videoPath: string,
  captionsPath: string,
): Promise<Features> {
  const text = await readMatrix(textPath, "--text");
  const video = await readMatrix(videoPath, "--video");
  if (text.shape.length !== 2 || text.shape[0] === 0 || text.shape[1] === 0) {
    throw new InputError(
      "bad_shape",
      `--text ${textPath} must have shape [C, d] with C, d > 0, got (${text.shape.join(", ")})`,
    );
  }
  if ((video.shape.length !== 2 && video.shape.length !== 3) || video.shape.includes(0)) {
    throw new InputError(
      "bad_shape",
      `--video ${videoPath} must have shape [V, d] or [V, k, d] with no zero size, got (${video.shape.join(", ")})`,
    );
  }
  const [captions, dimension] = text.shape;
  const videos = video.shape[0];
  const videoDimension = video.shape[video.shape.length - 1];
  if (videoDimension !== dimension) {
    throw new InputError(
      "dimension_mismatch",
      `caption vectors have dimension ${dimension} but video vectors have ${videoDimension}; both must come from the same model`,
    );
  }
  checkRows(text.data, dimension, "--text", textPath);
  checkRows(video.data, dimension, "--video", videoPath);
  const captionVideos = parseCaptionVideos(
    new TextDecoder().decode(await readInput(captionsPath, "--captions")),
    captionsPath,
  );
  return {
    text: l2NormalizeRowsInPlace(text.data, dimension),
    video: l2NormalizeRowsInPlace(video.data, dimension),
    captionVideos,
    captions,
    videos,
    vectorsPerVideo: video.shape.length === 3 ? video.shape[1] : 1,
    dimension,
  };
}

/** Runs the three protocols on loaded features. */
function evaluateFeatures(features: Features): RetrievalEvaluation {
  const similarities = captionVideoSimilarities(
    features.text,
    features.video,
    features.dimension,
    features.vectorsPerVideo,
  );
  return evaluateRetrieval(similarities, features.videos, features.captionVideos);
}

/** The paper's table layout: one row per protocol, columns R@1 R@5 R@10 MdR MnR StdR. */
function formatMetricsTable(evaluation: RetrievalEvaluation): string {
  const rows: [string, RetrievalMetrics][] = [
    ["TVR", evaluation.tvr],
    ["VTR (paper protocol)", evaluation.vtr_paper],
    ["VTR (CE protocol)", evaluation.vtr_ce],
  ];
  const columns = ["R@1", "R@5", "R@10", "MdR", "MnR", "StdR"];
  const lines = [`${"".padEnd(20)}${columns.map((c) => c.padStart(8)).join("")}`];
  for (const [label, m] of rows) {
    const values = [m.R1, m.R5, m.R10, m.MdR, m.MnR, m.StdR].map((x) => x.toFixed(1).padStart(8));
    lines.push(`${label.padEnd(20)}${values.join("")}`);
  }
  return `${lines.join("\n")}\n`;
}

export const command = defineCommand({
  name: "eval-features",
  summary: "retrieval metrics (TVR, VTR) from caption and video embeddings in .npy files",
  options: {
    text: {
      type: "string",
      valueName: "T.npy",
      required: true,
      description: "caption embeddings [C, d], float32 or float16",
    },
    video: {
      type: "string",
      valueName: "V.npy",
      required: true,
      description: "video embeddings [V, d], or [V, k, d] (a caption scores a video by its best of k)",
    },
    captions: {
      type: "string",
      valueName: "C.json",
      required: true,
      description: "JSON array of C integers: the 0-based video index of each caption",
    },
    json: { type: "boolean", description: 'print exactly {"tvr", "vtr_paper", "vtr_ce"} instead of a table' },
  },
  details: DETAILS,
  async run({ values }, context) {
    const features = await loadFeatures(values.text, values.video, values.captions);
    const evaluation = evaluateFeatures(features);
    if (values.json) {
      const { tvr, vtr_paper, vtr_ce } = evaluation;
      context.stdout.write(`${JSON.stringify({ tvr, vtr_paper, vtr_ce })}\n`);
    } else {
      context.stderr.write(
        `${features.captions} captions, ${features.videos} videos` +
          `${features.vectorsPerVideo > 1 ? ` (${features.vectorsPerVideo} vectors each, best one scores)` : ""}, dimension ${features.dimension}\n`,
      );
      context.stdout.write(formatMetricsTable(evaluation));
    }
    return 0;
  },
});
