// Test helper: an onnxruntime-web (WASM, one thread) session in Node for a model file and its external
// data, as the Worker would create it from bytes.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { webOrt } from "../indexer/prepare-edge/onnx-runtime-web.ts";
import type { OrtSession } from "../shared/model/ort-types.ts";

export { webOrt };

/** Creates a WASM session from `modelPath`, passing `<file>_data` beside it as external data when present. */
export async function createWebSession(modelPath: string): Promise<OrtSession> {
  const dataName = `${basename(modelPath)}_data`;
  const dataPath = join(dirname(modelPath), dataName);
  return webOrt.InferenceSession.create(readFileSync(modelPath), {
    executionProviders: ["wasm"],
    externalData: existsSync(dataPath) ? [{ path: dataName, data: readFileSync(dataPath) }] : undefined,
  });
}
