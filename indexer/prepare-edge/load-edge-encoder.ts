// Loads a prepared (edge) model directory from disk into the shared edge text encoder (Node side: files, tokenizer).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { EDGE_FILES, type EdgeManifest, parseEdgeManifest } from "../../shared/model/edge-manifest.ts";
import { createEdgeTextEncoder, type EdgeTextEncoder } from "../../shared/model/edge-text-encoder.ts";
import type { OrtNamespace, OrtSessionOptions } from "../../shared/model/ort-types.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";

function read(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch (error) {
    throw new InputError("missing_model", `${join(dir, name)} is missing: run prepare-edge to write ${dir}`, {
      cause: error,
    });
  }
}

/** Parses `dir`/edge.json. */
export function readEdgeManifest(dir: string): EdgeManifest {
  let json: unknown;
  try {
    json = JSON.parse(read(dir, EDGE_FILES.manifest).toString("utf8"));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError("bad_edge_model", `${join(dir, EDGE_FILES.manifest)} is not JSON`, { cause: error });
  }
  return parseEdgeManifest(json);
}

/**
 * Creates the edge encoder of `dir` with `ort` (onnxruntime-web or -node). The graph and external data
 * buffers are only referenced during session creation.
 */
export async function loadEdgeTextEncoder(
  ort: OrtNamespace,
  dir: string,
  sessionOptions?: OrtSessionOptions,
): Promise<EdgeTextEncoder> {
  const manifest = readEdgeManifest(dir);
  const tokenizer = ClipTokenizer.fromFiles(
    read(dir, manifest.tokenizer.vocab).toString("utf8"),
    read(dir, manifest.tokenizer.merges).toString("utf8"),
    { contextLength: manifest.tokenizer.contextLength },
  );
  return createEdgeTextEncoder(
    ort,
    {
      manifest,
      table: read(dir, manifest.table.file),
      graph: read(dir, manifest.graph.file),
      externalData: manifest.graph.externalData.map((path) => ({ path, data: read(dir, path) })),
      tokenizer,
    },
    sessionOptions,
  );
}
