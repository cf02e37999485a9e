// The bench's onnxruntime-web in Node (WASM backend, one thread, as in the Worker): the indexer's module.
export { webOrt } from "../../indexer/prepare-edge/onnx-runtime-web.ts";
