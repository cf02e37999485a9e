// Creates the query encoder once per isolate from the model in R2 (edge encoder + CLIP tokenizer) and
// keeps it; a missing model is retried on the next request, a failed ORT start is not (it cannot be).

import type { BlobRef, DeploymentRecord } from "../../shared/deployment/deployment-format.ts";
import { modelVersion } from "../../shared/deployment/deployment-source.ts";
import { createEdgeTextEncoder, type EdgeTextEncoder } from "../../shared/model/edge-text-encoder.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { ApiError } from "../http/api-error.ts";
import { InFlight } from "../in-flight.ts";
import { withOrt } from "../onnx/ort-web.ts";
import { LoadMemoryLog } from "./load-memory.ts";
import { findModelObjects, type ModelObjects, readBytes, readText } from "./model-files.ts";
import type { QueryEncoder } from "./query-encoder.ts";

/** The isolate's encoder: one at a time, for the model files of one deployment (modelVersion). */
let loading: { version: string; encoder: Promise<QueryEncoder>; inFlight: InFlight } | undefined;
let loaded: QueryEncoder | undefined;

/** The encoder if it has been created in this isolate (for /api/health), without loading it. */
export function loadedEncoder(): QueryEncoder | undefined {
  return loaded;
}

/**
 * The model id and dimension of `deployment`'s encoder: the loaded encoder's when it is made of this
 * deployment's model files (no I/O: /api/health is polled), else edge.json's (a few small R2 reads, no ORT).
 */
export async function deployedModel(
  bucket: R2Bucket,
  deployment: DeploymentRecord,
): Promise<{ id: string; dimension: number }> {
  if (loaded && loading?.version === modelVersion(deployment)) return loaded;
  return (await findModelObjects(bucket, deployment.model)).manifest.model;
}

/** Frees a buffer's memory now by transferring it away (ES2024 ArrayBuffer.prototype.transfer). */
function detach(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & {
    transfer?: (length: number) => ArrayBuffer;
    detached?: boolean;
  };
  if (!buffer.detached) buffer.transfer?.(0);
}

function total(buffers: Uint8Array[]): number {
  return buffers.reduce((n, b) => n + b.byteLength, 0);
}

/**
 * Reads the graph and its external data, starts the session, frees the graph bytes, and only then reads the
 * token table: the table (24 MiB for B/32) and the graph bytes (37 MiB) never coexist with the WASM heap at
 * its creation peak. A function of its own so that no closure that outlives creation shares a scope with
 * the graph bytes (V8 keeps a scope alive for its closures).
 */
async function startEncoder(
  bucket: R2Bucket,
  objects: ModelObjects,
  graphFiles: Promise<Uint8Array[]>,
  tokenizer: ClipTokenizer,
  memory: LoadMemoryLog,
): Promise<{ edge: EdgeTextEncoder; fileBytes: number }> {
  const { manifest, keys } = objects;
  const [graph, ...externalBytes] = await graphFiles;
  const externalData = manifest.graph.externalData.map((path, i) => ({ path, data: externalBytes[i] }));
  const graphBuffers = [graph, ...externalBytes];
  const graphBytes = total(graphBuffers);
  let tableBytes = 0;
  memory.record("read", graphBytes);
  const table = async () => {
    // The WASM heap only grows, so this checkpoint holds the creation peak (graph bytes are still held).
    memory.record("created", graphBytes);
    // ORT has copied the weights into WASM memory. Dropping our references was not enough (measured:
    // the 37 MiB of B/32 weights stayed live after GC); detaching frees them at once.
    for (const bytes of graphBuffers) detach(bytes);
    memory.record("released", 0);
    const bytes = await readBytes(bucket, keys.table);
    tableBytes = bytes.byteLength;
    memory.record("table", tableBytes);
    return bytes;
  };
  try {
    const edge = await withOrt((ort) =>
      createEdgeTextEncoder(ort, { manifest, table, graph, externalData, tokenizer }),
    );
    return { edge, fileBytes: graphBytes + tableBytes };
  } catch (error) {
    throw new ApiError(
      503,
      "encoder_failed",
      `the text encoder failed to start (${(error as Error).message}); check the uploaded model and redeploy`,
    );
  } finally {
    // Also after a failure: nothing may keep the graph bytes.
    for (const bytes of graphBuffers) detach(bytes);
  }
}

async function createEncoder(bucket: R2Bucket, files: Record<string, BlobRef>): Promise<QueryEncoder> {
  const started = Date.now();
  const memory = new LoadMemoryLog();
  // Everything that can be missing is checked before ORT starts: such failures stay retryable.
  const objects = await findModelObjects(bucket, files);
  const { manifest, keys } = objects;
  // The graph is read while the tokenizer is built (I/O beside CPU); nothing else is held before ORT starts.
  const graphFiles = Promise.all([keys.graph, ...keys.externalData].map((key) => readBytes(bucket, key)));
  let tokenizer: ClipTokenizer;
  try {
    const [vocab, merges] = await Promise.all([readText(bucket, keys.vocab), readText(bucket, keys.merges)]);
    tokenizer = ClipTokenizer.fromFiles(vocab, merges, { contextLength: manifest.tokenizer.contextLength });
  } catch (error) {
    graphFiles.then(
      (buffers) => buffers.forEach(detach),
      () => undefined,
    );
    throw error;
  }
  memory.record("tokenizer", 0);
  const { edge, fileBytes } = await startEncoder(bucket, objects, graphFiles, tokenizer, memory);
  return {
    id: edge.modelId,
    dimension: edge.dimension,
    modelBytes: fileBytes,
    loadMs: Date.now() - started,
    loadMemory: memory.result(),
    // The timings are the shared encoder's own (TextEncoderCore.encode), not a second copy of its steps.
    async encode(text) {
      const { vectors, truncated, tokenizeMs, encodeMs } = await edge.encode([text]);
      return { vector: vectors[0], truncated: truncated[0], tokenizeMs, encodeMs };
    },
    release: () => edge.release(),
  };
}

/** `encoder` with its encodes counted on `inFlight` (retiring it then waits for them). */
function counted(encoder: QueryEncoder, inFlight: InFlight): QueryEncoder {
  return { ...encoder, encode: (text) => inFlight.track(() => encoder.encode(text)) };
}

/**
 * The isolate's encoder, created on first use. Retryable failures (model not uploaded yet) clear the
 * cached promise; once ORT has failed to start, every later call gets the same 503. `keepAlive` is the
 * request's waitUntil: the load must finish even if the request that started it ends first, or the
 * requests awaiting it would hang (workerd cancels a finished request's pending I/O).
 */
export function getEncoder(
  bucket: R2Bucket,
  deployment: DeploymentRecord,
  keepAlive: (promise: Promise<unknown>) => void,
): Promise<QueryEncoder> {
  const version = modelVersion(deployment);
  if (loading?.version !== version) {
    // A deployment with other model files: the old encoder is released once its encodes in flight end
    // (two B/32 sessions would not fit in the isolate's 128 MB).
    loading?.inFlight.retire();
    loaded = undefined;
    const created = createEncoder(bucket, deployment.model);
    const entry = {
      version,
      // Released through the promise: retired before the load ends, it is freed as soon as it exists.
      inFlight: new InFlight(() => created.then((encoder) => encoder.release())),
      encoder: created.then(
        (encoder) => {
          const wrapped = counted(encoder, entry.inFlight);
          if (loading === entry) loaded = wrapped;
          return wrapped;
        },
        (error: unknown) => {
          if (!(error instanceof ApiError && error.code === "encoder_failed") && loading === entry)
            loading = undefined;
          throw error;
        },
      ),
    };
    loading = entry;
    keepAlive(entry.encoder.catch(() => undefined));
  }
  return loading.encoder;
}
