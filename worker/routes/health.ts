// GET /api/health: model, index counts, whether the encoder is loaded, and memory figures of the isolate.
// ?warm=1 also loads the encoder (to measure a cold start). 503 while the model or index is unusable.
import { Hono } from "hono";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { getEncoder, loadedEncoder } from "../encoder/load-encoder.ts";
import type { LoadMemory } from "../encoder/load-memory.ts";
import { ApiError } from "../http/api-error.ts";
import { wasmHeapBytes } from "../onnx/ort-web.ts";
import { getStore } from "../stores/get-store.ts";
import type { StoreStats } from "../stores/video-store.ts";

/** Body of /api/health. Bytes are exact sizes of buffers this isolate holds, not a process measurement. */
export interface HealthResponse {
  status: "ok" | "unavailable";
  problems: { code: string; message: string }[];
  model: { id: string; dimension: number; loadMs: number } | null;
  index: StoreStats | null;
  encoderLoaded: boolean;
  memory: {
    /** ONNX Runtime's WASM linear memory (model weights, arena). */
    wasmHeapBytes: number;
    /** Vectors and metadata held by the store. */
    indexBytes: number;
    /** Embedding table kept by the edge encoder plus graph bytes read at load (the graph is then released). */
    modelFileBytes: number;
    /** Checkpoints sampled inside the encoder's load (WASM heap + model buffers held), null before it. */
    load: LoadMemory | null;
  };
}

function problemOf(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === "string" ? code : "internal", message: (error as Error).message };
}

export const healthRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const config = readConfig(c.env);
  const problems: HealthResponse["problems"] = [];
  let index: StoreStats | null = null;
  try {
    index = (await getStore(c.env, config, keepAlive(c))).stats();
  } catch (error) {
    problems.push(problemOf(error));
  }
  if (c.req.query("warm") === "1") {
    try {
      await getEncoder(c.env.MODEL_BUCKET, config.modelPrefix, keepAlive(c));
    } catch (error) {
      problems.push(problemOf(error));
    }
  }
  const encoder = loadedEncoder();
  const body: HealthResponse = {
    status: problems.length === 0 ? "ok" : "unavailable",
    problems,
    model: encoder ? { id: encoder.id, dimension: encoder.dimension, loadMs: encoder.loadMs } : null,
    index,
    encoderLoaded: encoder !== undefined,
    memory: {
      wasmHeapBytes: wasmHeapBytes(),
      indexBytes: index?.bytesHeld ?? 0,
      modelFileBytes: encoder?.modelBytes ?? 0,
      load: encoder?.loadMemory ?? null,
    },
  };
  return c.json(body, problems.length === 0 ? 200 : 503);
});
