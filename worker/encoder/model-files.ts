// Finds the prepared text encoder's files in R2 before ONNX Runtime starts, so a missing upload is a clean
// 503 that a later request recovers from (a failed ORT initialisation cannot be retried in the isolate).

import type { BlobRef } from "../../shared/deployment/deployment-format.ts";
import { EDGE_FILES, type EdgeManifest, parseEdgeManifest } from "../../shared/model/edge-manifest.ts";
import { edgeTableBytes } from "../../shared/model/token-table.ts";
import { ApiError } from "../http/api-error.ts";

/** The model directory in R2: parsed edge.json and the R2 key of every file it names. */
export interface ModelObjects {
  manifest: EdgeManifest;
  keys: { graph: string; table: string; vocab: string; merges: string; externalData: string[] };
}

function missingModel(what: string): ApiError {
  return new ApiError(
    503,
    "model_missing",
    `the deployment's text encoder is incomplete: ${what}. Deploy again with \`npm run deploy\` (README "Deploying")`,
  );
}

/**
 * Reads edge.json of the deployment's model files (name -> blob) and checks that every file it names
 * exists; throws ApiError 503 "model_missing".
 */
export async function findModelObjects(
  bucket: R2Bucket,
  files: Record<string, BlobRef>,
): Promise<ModelObjects> {
  const keyOf = (name: string) => (Object.hasOwn(files, name) ? files[name].key : undefined);
  const manifestKey = keyOf(EDGE_FILES.manifest);
  const manifestObject = manifestKey ? await bucket.get(manifestKey) : null;
  if (!manifestKey || !manifestObject)
    throw missingModel(
      keyOf("text_model.onnx") || keyOf("onnx/text_model.onnx")
        ? `${EDGE_FILES.manifest} is missing (this looks like a full model; the worker needs the prepared edge encoder)`
        : `${EDGE_FILES.manifest} is missing`,
    );
  let json: unknown;
  try {
    json = await manifestObject.json();
  } catch {
    throw new ApiError(
      503,
      "bad_edge_model",
      `${EDGE_FILES.manifest} (${manifestKey}) is not valid JSON; deploy again`,
    );
  }
  const manifest = parseEdgeManifest(json);
  const names = [
    manifest.graph.file,
    manifest.table.file,
    manifest.tokenizer.vocab,
    manifest.tokenizer.merges,
    ...manifest.graph.externalData,
  ];
  const unnamed = names.filter((name) => keyOf(name) === undefined);
  if (unnamed.length > 0)
    throw missingModel(`${EDGE_FILES.manifest} names ${unnamed.join(", ")}, not deployed`);
  const key = (name: string) => keyOf(name) as string;
  const keys = {
    graph: key(manifest.graph.file),
    table: key(manifest.table.file),
    vocab: key(manifest.tokenizer.vocab),
    merges: key(manifest.tokenizer.merges),
    externalData: manifest.graph.externalData.map(key),
  };
  const all = [keys.graph, keys.table, keys.vocab, keys.merges, ...keys.externalData];
  const heads = await Promise.all(all.map((k) => bucket.head(k)));
  const missing = names.filter((_, i) => !heads[i]);
  if (missing.length > 0) throw missingModel(`missing ${missing.join(", ")}`);
  // The table is read after ORT has started (worker/encoder/load-encoder.ts), so its size is checked now,
  // while a bad upload is still a retryable 503.
  const tableSize = heads[all.indexOf(keys.table)]?.size;
  if (tableSize !== edgeTableBytes(manifest.table))
    throw new ApiError(
      503,
      "bad_edge_model",
      `${manifest.table.file} holds ${tableSize} bytes, ${EDGE_FILES.manifest} describes ${edgeTableBytes(manifest.table)}; prepare the model again and deploy`,
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
