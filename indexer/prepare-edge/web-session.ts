// Opens an .onnx file from disk in onnxruntime-web under Node (which takes bytes, not paths): the model plus the
// external data files its initializers name. For tests and bench/edge-encoder.ts.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { OrtNamespace, OrtSession, OrtSessionOptions } from "../../shared/model/ort-types.ts";
import { onnx } from "../onnx/proto.ts";

/** Bytes of `modelPath` and of each external data file it references (by location). */
export function readModelFiles(modelPath: string) {
  const bytes = new Uint8Array(readFileSync(modelPath));
  const model = onnx.ModelProto.decode(bytes);
  const locations = new Set(
    (model.graph?.initializer ?? []).flatMap((tensor) =>
      (tensor.externalData ?? [])
        .filter((entry) => entry.key === "location")
        .map((entry) => entry.value ?? ""),
    ),
  );
  const externalData = [...locations].map((path) => ({
    path,
    data: new Uint8Array(readFileSync(join(dirname(modelPath), path))),
  }));
  return { bytes, externalData };
}

/** Creates a session for `modelPath` with `ort` (onnxruntime-web), external data passed as bytes. */
export async function openWebSession(
  ort: OrtNamespace,
  modelPath: string,
  options: OrtSessionOptions = {},
): Promise<OrtSession> {
  const { bytes, externalData } = readModelFiles(modelPath);
  return ort.InferenceSession.create(bytes, { ...options, externalData });
}
