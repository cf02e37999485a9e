// Creates the query encoder once per isolate from the model in R2 (edge encoder + CLIP tokenizer) and
// keeps it; a missing model is retried on the next request, a failed ORT start is not (it cannot be).
import { createEdgeTextEncoder, type EdgeTextEncoder } from "../../shared/model/edge-text-encoder.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { ApiError } from "../http/api-error.ts";
import { withOrt } from "../onnx/ort-web.ts";
import { findModelObjects, readBytes, readText } from "./model-files.ts";
import type { QueryEncoder } from "./query-encoder.ts";

let loading: Promise<QueryEncoder> | undefined;
let loaded: QueryEncoder | undefined;

/** The encoder if it has been created in this isolate (for /api/health), without loading it. */
export function loadedEncoder(): QueryEncoder | undefined {
  return loaded;
}

async function createEncoder(bucket: R2Bucket, prefix: string): Promise<QueryEncoder> {
  const started = Date.now();
  // Everything that can be missing is checked before ORT starts: such failures stay retryable.
  const { manifest, keys } = await findModelObjects(bucket, prefix);
  const [vocab, merges, table, graph, ...externalBytes] = await Promise.all([
    readText(bucket, keys.vocab),
    readText(bucket, keys.merges),
    readBytes(bucket, keys.table),
    readBytes(bucket, keys.graph),
    ...keys.externalData.map((key) => readBytes(bucket, key)),
  ]);
  const tokenizer = ClipTokenizer.fromFiles(vocab, merges, {
    contextLength: manifest.tokenizer.contextLength,
  });
  const externalData = manifest.graph.externalData.map((path, i) => ({ path, data: externalBytes[i] }));
  const modelBytes =
    table.byteLength + graph.byteLength + externalBytes.reduce((n, b) => n + b.byteLength, 0);
  let edge: EdgeTextEncoder;
  try {
    edge = await withOrt((ort) =>
      createEdgeTextEncoder(ort, { manifest, table, graph, externalData, tokenizer }),
    );
  } catch (error) {
    throw new ApiError(
      503,
      "encoder_failed",
      `the text encoder failed to start (${(error as Error).message}); check the uploaded model and redeploy`,
    );
  }
  // graph and externalData go out of scope here: ORT holds its own copy in WASM memory.
  return {
    id: edge.modelId,
    dimension: edge.dimension,
    modelBytes,
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
