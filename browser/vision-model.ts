// The deployment's vision tower for the page: its description (GET /api/model/vision), checked against the
// index the page searches (/api/health's model id and dimension), its file from Cache Storage or downloaded
// once with progress, and a ClipImageEncoder over it in onnxruntime-web.
import type { PreprocessConfig } from "../shared/image/preprocess.ts";
import { readPreprocessConfig } from "../shared/image/read-preprocess-config.ts";
import { ClipImageEncoder } from "../shared/model/image-encoder.ts";
import { type ByteProgress, fetchCached } from "./fetch-cached.ts";
import { browserOrt } from "./ort-browser.ts";

/** GET /api/model/vision (/work/notes/vision-api.md). */
export interface VisionModelInfo {
  modelId: string;
  dimension: number;
  dtype: "int8" | "fp32";
  bytes: number;
  sha256: string;
  url: string;
  preprocess: PreprocessConfig;
  cosineMin: number;
}

export interface VisionModel {
  info: VisionModelInfo;
  encoder: ClipImageEncoder;
  /** "webgpu" or "wasm". */
  backend: string;
  /** True when the file came from Cache Storage. */
  cached: boolean;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" } });
  } catch {
    throw new Error("the server could not be reached; check your connection and try again");
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === "string" ? error.message : undefined;
}

/** The page's one-line refusal of a description it cannot use (the problem itself is the server's bug). */
function refuseUnreadable(): never {
  throw new Error("the server's description of the image encoder could not be read; try again later");
}

/** The body of GET /api/model/vision as VisionModelInfo, its preprocess checked as edge.json's is. */
function readInfo(body: unknown): VisionModelInfo {
  const info = body as Partial<VisionModelInfo> | null;
  if (
    !(
      typeof info?.modelId === "string" &&
      Number.isInteger(info.dimension) &&
      Number.isInteger(info.bytes) &&
      typeof info.sha256 === "string" &&
      /^[0-9a-f]{64}$/.test(info.sha256) &&
      typeof info.url === "string"
    )
  )
    refuseUnreadable();
  return {
    ...info,
    preprocess: readPreprocessConfig(info.preprocess, "preprocess", refuseUnreadable),
  } as VisionModelInfo;
}

/** The vision model's description, refused unless it is the model of the index the page searches. */
export async function fetchVisionInfo(): Promise<VisionModelInfo> {
  const [vision, health] = await Promise.all([getJson("/api/model/vision"), getJson("/api/health")]);
  if (vision.status === 404)
    throw new Error(
      "this deployment has no image encoder, so it cannot search by image or clip (deploy it again with the current prepare-edge)",
    );
  if (vision.status !== 200)
    throw new Error(
      errorMessage(vision.body) ??
        `the server answered ${vision.status} for the image encoder; try again later`,
    );
  const info = readInfo(vision.body);
  const index = (health.body as { index?: { model?: { id?: unknown; dimension?: unknown } } } | null)?.index
    ?.model;
  if (!index) throw new Error(errorMessage(health.body) ?? "no index is loaded; try again later");
  if (index.id !== info.modelId || index.dimension !== info.dimension)
    throw new Error(
      `the image encoder is ${info.modelId} (${info.dimension} dimensions) but the index was built with ${String(index.id)} (${String(index.dimension)}); its vectors cannot be compared, so the visual search is off until both are deployed together`,
    );
  return info;
}

/** An encoder over the model bytes `data` (one self-contained .onnx: pixel_values -> image_embeds). */
export async function createVisionEncoder(
  data: Uint8Array,
  dimension: number,
  preprocess: PreprocessConfig,
  label: string,
): Promise<{ encoder: ClipImageEncoder; backend: string }> {
  const { ort, executionProviders, backend } = await browserOrt();
  const session = await ort.InferenceSession.create(data, {
    executionProviders,
    graphOptimizationLevel: "all",
  });
  return {
    encoder: new ClipImageEncoder(ort, session, { dimension, imageSize: preprocess.cropSize, label }),
    backend,
  };
}

let loading: Promise<VisionModel> | undefined;

async function load(onProgress: ByteProgress): Promise<VisionModel> {
  const info = await fetchVisionInfo();
  const { data, cached } = await fetchCached(
    { urls: [info.url], sha256: info.sha256, totalBytes: info.bytes },
    onProgress,
  );
  const { encoder, backend } = await createVisionEncoder(
    data,
    info.dimension,
    info.preprocess,
    `${info.modelId} image encoder`,
  );
  return { info, encoder, backend, cached };
}

/** The deployment's vision model, loaded on the first visual query and kept for the page's life. */
export function loadVisionModel(onProgress: ByteProgress): Promise<VisionModel> {
  loading ??= load(onProgress).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
