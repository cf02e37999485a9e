// Options several commands share with one meaning (ONNX Runtime's device and threads, the frames per
// inference call, the video decoder, the aggregations): declared once so that their names, ranges and help cannot drift apart.
import { DECODER_CHOICES } from "../decode/decode-video.ts";
import type { ExecutionProvider } from "../embed/onnx-runtime.ts";
import type { OptionSpec } from "./command.ts";

/** --device: ONNX Runtime's execution provider, parsed as a choice (a typo is refused before anything runs). */
export const deviceOption = {
  type: "string",
  choices: ["cpu", "cuda"] satisfies ExecutionProvider[],
  default: "cpu",
  description: "ONNX Runtime execution provider",
} as const satisfies OptionSpec;

/** --threads: ONNX Runtime's intra-op threads. */
export const threadsOption = {
  type: "integer",
  valueName: "N",
  min: 1,
  max: 256,
  description: "ONNX Runtime intra-op threads (default: one per core)",
} as const satisfies OptionSpec;

/** --batch: frames per image-tower call, across videos. */
export const frameBatchOption = {
  type: "integer",
  valueName: "N",
  min: 1,
  max: 1024,
  default: 16,
  description: "at most N frames per inference call; batches span videos",
} as const satisfies OptionSpec;

/** --decoder: which ffmpeg decodes the videos; `appliesTo` prefixes the help where not every input is a video. */
export function decoderOption(appliesTo = "") {
  return {
    type: "string",
    choices: DECODER_CHOICES,
    default: "auto",
    description: `${appliesTo}auto: native ffmpeg when on PATH, else wasm`,
  } as const satisfies OptionSpec;
}

/** --aggregate: how a video's frame vectors become its vectors (parsed by aggregation-list.ts). */
export function aggregateOption(appliesTo = "") {
  return {
    type: "string",
    valueName: "LIST",
    multiple: true,
    default: ["mean"],
    description: `${appliesTo}comma list of mean | frame:N (0-based) | kmeans:K, A..B ranges (kmeans:2..10); repeatable`,
  } as const satisfies OptionSpec;
}
