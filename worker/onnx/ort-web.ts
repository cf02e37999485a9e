// The only file importing onnxruntime-web: boots ORT's WASM backend inside workerd and hands out its namespace.
// (The reference makes the .wasm import's type visible when another project, e.g. the root tsconfig through
// worker-configuration.d.ts, reaches this file.)
/// <reference path="../ort-wasm.d.ts" />

// Wrangler's CompiledWasm rule turns this import into a WebAssembly.Module compiled at deploy time.
import ortWasmModule from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import * as ort from "onnxruntime-web/wasm";

/** The onnxruntime-web namespace, injected into the shared encoders (they never import onnxruntime). */
export type OrtNamespace = typeof ort;

let ready: Promise<OrtNamespace> | undefined;
/** The first session creation in flight (it initialises ORT); later callers wait for it. */
let starting: Promise<unknown> | undefined;
let memory: WebAssembly.Memory | undefined;

/** Finds ORT's linear memory among the instance's imports or exports, to report its size. */
function findMemory(...namespaces: (object | undefined)[]): WebAssembly.Memory | undefined {
  for (const namespace of namespaces) {
    for (const value of Object.values(namespace ?? {})) {
      if (value instanceof WebAssembly.Memory) return value;
      if (typeof value === "object" && value !== null) {
        const nested = Object.values(value).find((v) => v instanceof WebAssembly.Memory);
        if (nested) return nested as WebAssembly.Memory;
      }
    }
  }
  return undefined;
}

/**
 * Runs `createSession` with the WASM backend initialised for workerd. Workers forbid compiling WASM from
 * bytes, so WebAssembly.instantiate is wrapped for the duration of the first session creation: ORT is given
 * a dummy non-empty `wasmBinary` (which selects its embedded Emscripten glue and skips fetching), and the
 * wrapper answers with the precompiled module instead. Threads are off (workerd has no Web Workers).
 * Calls made while the first one initialises (the encoder and the flat index load in parallel) wait for it,
 * so the wrapper is installed and removed once.
 */
export async function withOrt<T>(createSession: (runtime: OrtNamespace) => Promise<T>): Promise<T> {
  while (!ready && starting) {
    const current = starting;
    await current.catch(() => undefined);
    // It failed: the first caller to get here tries again (the others then wait for that attempt).
    if (starting === current) starting = undefined;
  }
  if (ready) return createSession(await ready);
  const first = initialiseWith(createSession);
  starting = first;
  return first;
}

async function initialiseWith<T>(createSession: (runtime: OrtNamespace) => Promise<T>): Promise<T> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = new Uint8Array([0]);
  ort.env.logLevel = "error";
  const original = WebAssembly.instantiate;
  const patched = async (source: unknown, imports?: WebAssembly.Imports) => {
    if (source instanceof WebAssembly.Module) return original(source, imports);
    const instance = await original(ortWasmModule, imports);
    memory = findMemory(imports, instance.exports);
    return { instance, module: ortWasmModule };
  };
  WebAssembly.instantiate = patched as typeof WebAssembly.instantiate;
  try {
    const result = await createSession(ort);
    ready = Promise.resolve(ort);
    return result;
  } finally {
    WebAssembly.instantiate = original;
  }
}

/** Bytes of ORT's WASM linear memory (it only grows), or 0 before initialisation. */
export function wasmHeapBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}
