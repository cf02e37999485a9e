// Finds the prepared text encoder's files in R2 before ONNX Runtime starts, so a missing upload is a clean
// 503 that a later request recovers from (a failed ORT initialisation cannot be retried in the isolate).
import {
  EDGE_FILES,
  type EdgeManifest,
  edgeTableBytes,
  parseEdgeManifest,
} from "../../shared/model/edge-text-encoder.ts";
import { ApiError } from "../http/api-error.ts";

/** The model directory in R2: parsed edge.json and the R2 key of every file it names. */
export interface ModelObjects {
  manifest: EdgeManifest;
  keys: { graph: string; table: string; vocab: string; merges: string; externalData: string[] };
}

function missingModel(prefix: string, what: string): ApiError {
  return new ApiError(
    503,
    "model_missing",
    `the text encoder is not in the bucket: ${what} under "${prefix}". Upload the directory written by \`npm run cli -- prepare-edge\` (README "Deploying")`,
  );
}

/** Reads edge.json and checks that every file it names exists; throws ApiError 503 "model_missing". */
export async function findModelObjects(bucket: R2Bucket, prefix: string): Promise<ModelObjects> {
  const manifestObject = await bucket.get(prefix + EDGE_FILES.manifest);
  if (!manifestObject) {
    const full = await bucket.head(`${prefix}text_model.onnx`);
    throw missingModel(
      prefix,
      full
        ? `${EDGE_FILES.manifest} is missing (this looks like a full model; the worker needs the prepared edge encoder)`
        : `${EDGE_FILES.manifest} is missing`,
    );
  }
  let json: unknown;
  try {
    json = await manifestObject.json();
  } catch {
    throw new ApiError(
      503,
      "bad_edge_model",
      `${prefix}${EDGE_FILES.manifest} is not valid JSON; upload it again`,
    );
  }
  const manifest = parseEdgeManifest(json);
  const keys = {
    graph: prefix + manifest.graph.file,
    table: prefix + manifest.table.file,
    vocab: prefix + manifest.tokenizer.vocab,
    merges: prefix + manifest.tokenizer.merges,
    externalData: manifest.graph.externalData.map((file) => prefix + file),
  };
  const all = [keys.graph, keys.table, keys.vocab, keys.merges, ...keys.externalData];
  const heads = await Promise.all(all.map((key) => bucket.head(key)));
  const missing = all.filter((_, i) => !heads[i]);
  if (missing.length > 0) throw missingModel(prefix, `missing ${missing.join(", ")}`);
  // The table is read after ORT has started (worker/encoder/load-encoder.ts), so its size is checked now,
  // while a bad upload is still a retryable 503.
  const tableSize = heads[all.indexOf(keys.table)]?.size;
  if (tableSize !== edgeTableBytes(manifest.table))
    throw new ApiError(
      503,
      "bad_edge_model",
      `${keys.table} holds ${tableSize} bytes, ${EDGE_FILES.manifest} describes ${edgeTableBytes(manifest.table)}; upload the prepare-edge output again`,
    );
  return { manifest, keys };
}

/** Bytes of an object that findModelObjects saw; a concurrent delete is still a 503, not a 500. */
export async function readBytes(bucket: R2Bucket, key: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object)
    throw new ApiError(503, "model_missing", `${key} disappeared from the bucket; upload it again`);
  return new Uint8Array(await object.arrayBuffer());
}

/** Text of an object that findModelObjects saw. */
export async function readText(bucket: R2Bucket, key: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(bucket, key));
}
