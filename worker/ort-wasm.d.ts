// Type of the .wasm import: wrangler's CompiledWasm rule (and the Vitest pool) hand it over as a compiled module.
declare module "onnxruntime-web/ort-wasm-simd-threaded.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
