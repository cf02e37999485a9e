// The indexer's one import of onnxruntime-web: the Worker's runtime (WASM, one thread) under Node, so that
// `embed text --edge` and prepare-edge's check run the edge encoder exactly as the Worker does.
import * as ortWeb from "onnxruntime-web";
import type { OrtNamespace } from "../../shared/model/ort-types.ts";

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = "error";

/** onnxruntime-web as the shared encoders' injected namespace. */
export const webOrt: OrtNamespace = ortWeb;
