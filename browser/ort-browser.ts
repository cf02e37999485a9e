// The page's one file importing onnxruntime-web: WebGPU (ORT's JSPI build) when the browser has a GPU
// adapter and JSPI, else the WASM (CPU) build. Both builds' .wasm are static assets; the WebGPU path is
// untested (headless Chromium has no adapter).
/// <reference path="./build-constants.d.ts" />
import type { OrtNamespace } from "../shared/model/ort-types.ts";

export interface BrowserOrt {
  ort: OrtNamespace;
  /** ORT execution providers, in order of preference. */
  executionProviders: string[];
  /** What runs the model, for the page's status line. */
  backend: "webgpu" | "wasm";
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as GpuNavigator).gpu;
  if (!gpu || !("Suspending" in WebAssembly)) return false;
  return (await gpu.requestAdapter().catch(() => null)) !== null;
}

let loading: Promise<BrowserOrt> | undefined;

async function load(): Promise<BrowserOrt> {
  if (await hasWebGpu()) {
    const ort = await import("onnxruntime-web/jspi");
    ort.env.wasm.wasmPaths = { wasm: BROWSER_FILES.ortJspiWasm };
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = "error";
    return { ort: ort as unknown as OrtNamespace, executionProviders: ["webgpu", "wasm"], backend: "webgpu" };
  }
  const ort = await import("onnxruntime-web/wasm");
  ort.env.wasm.wasmPaths = { wasm: BROWSER_FILES.ortWasm };
  // Threads need cross-origin isolation (SharedArrayBuffer), which the page does not ask for.
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  return { ort: ort as unknown as OrtNamespace, executionProviders: ["wasm"], backend: "wasm" };
}

/** The runtime, loaded once per page. */
export function browserOrt(): Promise<BrowserOrt> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
