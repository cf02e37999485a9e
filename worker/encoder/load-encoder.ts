// Creates the query encoder once per isolate from the model in R2 (edge encoder + CLIP tokenizer) and
// keeps it; a missing model is retried on the next request, a failed ORT start is not (it cannot be).
import { createEdgeTextEncoder, type EdgeTextEncoder } from "../../shared/model/edge-text-encoder.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { ApiError } from "../http/api-error.ts";
import { withOrt } from "../onnx/ort-web.ts";
import { findModelObjects, type ModelObjects, readBytes, readText } from "./model-files.ts";
import type { QueryEncoder } from "./query-encoder.ts";

let loading: Promise<QueryEncoder> | undefined;
let loaded: QueryEncoder | undefined;

/** The encoder if it has been created in this isolate (for /api/health), without loading it. */
export function loadedEncoder(): QueryEncoder | undefined {
  return loaded;
}

/** Frees a buffer's memory now by transferring it away (ES2024 ArrayBuffer.prototype.transfer). */
function detach(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  buffer.transfer?.(0);
}

/**
 * Reads the graph and its external data and starts the session. A function of its own so that no closure
 * that outlives creation shares a scope with the graph bytes (V8 keeps a scope alive for its closures).
 */
async function startEncoder(
  bucket: R2Bucket,
  objects: ModelObjects,
  table: Uint8Array,
  tokenizer: ClipTokenizer,
): Promise<{ edge: EdgeTextEncoder; graphBytes: number }> {
  const { manifest, keys } = objects;
  const [graph, ...externalBytes] = await Promise.all([
    readBytes(bucket, keys.graph),
    ...keys.externalData.map((key) => readBytes(bucket, key)),
  ]);
  const externalData = manifest.graph.externalData.map((path, i) => ({ path, data: externalBytes[i] }));
  const graphBytes = graph.byteLength + externalBytes.reduce((n, b) => n + b.byteLength, 0);
  try {
    const edge = await withOrt((ort) =>
      createEdgeTextEncoder(ort, { manifest, table, graph, externalData, tokenizer }),
    );
    // ORT has copied the weights into WASM memory. Dropping our references was not enough (measured with
    // bench/worker-e2e.ts: the 39 MB of B/32 weights stayed live after GC); detaching frees them for sure.
    for (const bytes of [graph, ...externalBytes]) detach(bytes);
    return { edge, graphBytes };
  } catch (error) {
    throw new ApiError(
      503,
      "encoder_failed",
      `the text encoder failed to start (${(error as Error).message}); check the uploaded model and redeploy`,
    );
  }
}

async function createEncoder(bucket: R2Bucket, prefix: string): Promise<QueryEncoder> {
  const started = Date.now();
  // Everything that can be missing is checked before ORT starts: such failures stay retryable.
  const objects = await findModelObjects(bucket, prefix);
  const { manifest, keys } = objects;
  const [vocab, merges, table] = await Promise.all([
    readText(bucket, keys.vocab),
    readText(bucket, keys.merges),
    readBytes(bucket, keys.table),
  ]);
  const tokenizer = ClipTokenizer.fromFiles(vocab, merges, {
    contextLength: manifest.tokenizer.contextLength,
  });
  const { edge, graphBytes } = await startEncoder(bucket, objects, table, tokenizer);
  return {
    id: edge.modelId,
    dimension: edge.dimension,
    modelBytes: table.byteLength + graphBytes,
    loadMs: Date.now() - started,
    async encode(text) {
      const t0 = performance.now();
      const { ids, truncated } = tokenizer.encode(text);
      const t1 = performance.now();
      const [vector] = await edge.encodeIds([ids]);
      const t2 = performance.now();
      return { vector, truncated, tokenizeMs: t1 - t0, encodeMs: t2 - t1 };
    },
  };
}

/**
 * The isolate's encoder, created on first use. Retryable failures (model not uploaded yet) clear the
 * cached promise; once ORT has failed to start, every later call gets the same 503. `keepAlive` is the
 * request's waitUntil: the load must finish even if the request that started it ends first, or the
 * requests awaiting it would hang (workerd cancels a finished request's pending I/O).
 */
export function getEncoder(
  bucket: R2Bucket,
  prefix: string,
  keepAlive: (promise: Promise<unknown>) => void,
): Promise<QueryEncoder> {
  if (!loading) {
    loading = createEncoder(bucket, prefix).then(
      (encoder) => {
        loaded = encoder;
        return encoder;
      },
      (error: unknown) => {
        if (!(error instanceof ApiError && error.code === "encoder_failed")) loading = undefined;
        throw error;
      },
    );
    keepAlive(loading.catch(() => undefined));
  }
  return loading;
}
