// URLs the build script (scripts/build-browser.ts) writes into the bundle (esbuild `define`).

/** Where the bundle finds its large files: all content-hashed static assets. */
declare const BROWSER_FILES: {
  /** onnxruntime-web's WASM build (CPU). */
  ortWasm: string;
  /** onnxruntime-web's JSPI build (WebGPU + CPU). */
  ortJspiWasm: string;
  /** @ffmpeg/ffmpeg's worker script (a module worker). */
  ffmpegWorker: string;
  /** @ffmpeg/core's ES module. */
  ffmpegCore: string;
  /** @ffmpeg/core's .wasm (32 MB, above Workers Static Assets' 25 MiB a file) in parts, joined in the page. */
  ffmpegCoreWasmParts: string[];
  /** SHA-256 hex of the joined parts (the Cache Storage key and the download check). */
  ffmpegCoreWasmSha256: string;
  ffmpegCoreWasmBytes: number;
};
