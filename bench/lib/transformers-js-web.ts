// Transformers.js as a web page runs it: its browser build (onnxruntime-web, WASM, one thread), in its default
// configuration for that runtime (device "wasm", dtype "q8": onnx/text_model_quantized.onnx), fetching the model
// over HTTP from a loopback server, as a browser would. The bench's baseline for the Worker's query path.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join, normalize } from "node:path";

const WEB_BUILD = new URL(
  "../../node_modules/@huggingface/transformers/dist/transformers.web.js",
  import.meta.url,
);
/** Transformers.js's own onnxruntime-web (it pins a version of its own), served from disk instead of a CDN. */
const ITS_ORT_WASM = new URL(
  "../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/",
  import.meta.url,
);

interface WebTransformers {
  env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    localModelPath: string;
    useBrowserCache: boolean;
    backends: { onnx: { wasm: { numThreads: number; wasmPaths: string } } };
  };
  Tensor: new (type: string, data: BigInt64Array, dims: number[]) => unknown;
  CLIPTextModelWithProjection: {
    from_pretrained(name: string): Promise<{
      (inputs: Record<string, unknown>): Promise<{ text_embeds: { data: Float32Array } }>;
      /** One ONNX session per model file, with the dtype and device Transformers.js picked for it. */
      sessions: Record<string, { inputNames: string[]; config: { dtype: string; device: string } }>;
      dispose(): Promise<void>;
    }>;
  };
}

/** Serves files under `root` on 127.0.0.1 (GET only, no listing). */
async function serveFiles(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)));
    if (!path.startsWith(root)) return void response.writeHead(403).end();
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return void response.writeHead(404).end();
    }
    response.writeHead(200).end(body);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** Imports the browser build: it picks onnxruntime-web only when it does not see Node, so Node hides for the import. */
async function importWebBuild(): Promise<WebTransformers> {
  const release = process.release;
  Object.defineProperty(process, "release", { value: { ...release, name: "browser" }, configurable: true });
  try {
    return (await import(WEB_BUILD.href)) as WebTransformers;
  } finally {
    Object.defineProperty(process, "release", { value: release, configurable: true });
  }
}

export interface WebTextModel {
  /** The dtype and device Transformers.js chose by default. */
  config: { dtype: string; device: string };
  /** text_embeds (raw) of start/end-included ids. */
  encodeIds(ids: readonly number[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Loads `parentDir/name` with Transformers.js's browser build in its defaults (no dtype, no device given). */
export async function loadTransformersWebTextModel(parentDir: string, name: string): Promise<WebTextModel> {
  const { env, Tensor, CLIPTextModelWithProjection } = await importWebBuild();
  const { server, url } = await serveFiles(parentDir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = url;
  env.useBrowserCache = false;
  env.backends.onnx.wasm.numThreads = 1;
  env.backends.onnx.wasm.wasmPaths = ITS_ORT_WASM.href;
  try {
    const model = await CLIPTextModelWithProjection.from_pretrained(name);
    const [session] = Object.values(model.sessions);
    const wantsMask = session.inputNames.includes("attention_mask");
    return {
      config: session.config,
      async encodeIds(ids) {
        const dims = [1, ids.length];
        const inputs: Record<string, unknown> = {
          input_ids: new Tensor("int64", BigInt64Array.from(ids, BigInt), dims),
        };
        if (wantsMask)
          inputs.attention_mask = new Tensor("int64", new BigInt64Array(ids.length).fill(1n), dims);
        return (await model(inputs)).text_embeds.data;
      },
      async dispose() {
        await model.dispose();
        server.close();
      },
    };
  } catch (error) {
    server.close();
    throw error;
  }
}
