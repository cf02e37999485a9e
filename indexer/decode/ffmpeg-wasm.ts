// @ffmpeg/core (ffmpeg 5.1 compiled to WebAssembly) loaded directly in Node, for machines without
// a native ffmpeg. The @ffmpeg/ffmpeg wrapper refuses Node, so this loads the core's ES module and
// its .wasm from node_modules and drives its virtual file system and exec()/ffprobe() itself.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** The part of the Emscripten module that this project uses. */
export interface FfmpegCore {
  exec(...args: string[]): number;
  ffprobe(...args: string[]): number;
  reset(): void;
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
    analyzePath(path: string): { exists: boolean };
  };
}

type CoreFactory = (options: { wasmBinary: Uint8Array }) => Promise<FfmpegCore>;

let corePromise: Promise<FfmpegCore> | undefined;
let fileCounter = 0;

async function loadCore(): Promise<FfmpegCore> {
  // The package's "require" export is the UMD build; its ES module build sits beside it.
  const umdPath = createRequire(import.meta.url).resolve("@ffmpeg/core");
  const esmDir = join(dirname(umdPath), "..", "esm");
  const moduleUrl = pathToFileURL(join(esmDir, "ffmpeg-core.js")).href;
  const [module, wasmBinary] = await Promise.all([
    import(moduleUrl) as Promise<{ default: CoreFactory }>,
    readFile(join(esmDir, "ffmpeg-core.wasm")),
  ]);
  // The core is built for Web Workers and reads self.location.href once, synchronously, on start.
  const scope = globalThis as { self?: unknown };
  const hadSelf = "self" in scope;
  if (!hadSelf) scope.self = { location: { href: moduleUrl } };
  try {
    return await module.default({ wasmBinary });
  } finally {
    if (!hadSelf) delete scope.self;
  }
}

/** The process-wide core instance (loaded on first use, ~0.2 s). */
export function wasmCore(): Promise<FfmpegCore> {
  corePromise ??= loadCore().catch((error: unknown) => {
    corePromise = undefined;
    throw error;
  });
  return corePromise;
}

/** A unique path in the core's in-memory file system. */
export function wasmTempPath(suffix: string): string {
  fileCounter += 1;
  return `/clipvr-${process.pid}-${fileCounter}${suffix}`;
}

/** Result of one synchronous run inside the core. */
export interface WasmResult {
  code: number;
  /** Log lines (stderr and stdout of the program), in order. */
  lines: string[];
}

/**
 * Runs ffmpeg (`program: "ffmpeg"`) or ffprobe inside the core with `args`; `onLine` sees every log
 * line. Runs synchronously on this thread (the core is single-threaded).
 */
export function runWasm(
  core: FfmpegCore,
  program: "ffmpeg" | "ffprobe",
  args: string[],
  onLine?: (line: string) => void,
): WasmResult {
  const lines: string[] = [];
  core.setLogger(({ message }) => {
    lines.push(message);
    onLine?.(message);
  });
  try {
    const code = program === "ffmpeg" ? core.exec(...args) : core.ffprobe(...args);
    return { code, lines };
  } finally {
    core.setLogger(() => {});
    core.reset();
  }
}

/** Removes a file from the core's file system if it exists. */
export function removeWasmFile(core: FfmpegCore, path: string): void {
  if (core.FS.analyzePath(path).exists) core.FS.unlink(path);
}

/** Result of runWasmOnBytes: the run, and the output file's bytes when ffmpeg wrote one. */
export interface WasmFileResult extends WasmResult {
  output?: Uint8Array;
}

/**
 * Runs ffmpeg in the core on `input` (bytes written to a temporary file in its file system) and
 * reads back the file it writes. `args(inputPath, outputPath)` gives the arguments with those two
 * core paths; `outputSuffix` (e.g. ".mp4") lets ffmpeg pick the container from the name. Both
 * temporary files are removed afterwards. Used to encode (the toy videos) without native ffmpeg.
 */
export async function runWasmOnBytes(
  input: Uint8Array,
  args: (inputPath: string, outputPath: string) => string[],
  outputSuffix: string,
): Promise<WasmFileResult> {
  const core = await wasmCore();
  const inputPath = wasmTempPath("-input");
  const outputPath = wasmTempPath(outputSuffix);
  core.FS.writeFile(inputPath, input);
  try {
    const result = runWasm(core, "ffmpeg", args(inputPath, outputPath));
    // Copied out of the core's heap-backed file system before the file is removed.
    const output = core.FS.analyzePath(outputPath).exists ? core.FS.readFile(outputPath).slice() : undefined;
    return { ...result, output };
  } finally {
    removeWasmFile(core, inputPath);
    removeWasmFile(core, outputPath);
  }
}
