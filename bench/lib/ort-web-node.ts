// The bench's one import of onnxruntime-web in Node (WASM backend, one thread, as in the Worker).
import * as ortWeb from "onnxruntime-web";
import type { OrtNamespace } from "../../shared/model/ort-types.ts";

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = "error";

/** onnxruntime-web as the shared encoders' injected namespace. */
export const webOrt: OrtNamespace = ortWeb;
