// JPEG encoding of rgb24 images by MozJPEG (@jsquash/jpeg, Squoosh's WebAssembly build) in-process: a few
// milliseconds per thumbnail instead of an ffmpeg start-up, and the same bytes on every machine (WebAssembly).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import encode, { init } from "@jsquash/jpeg/encode.js";
import { InputError } from "../../shared/errors.ts";

// The binary goes in through Emscripten's standard `wasmBinary` option (the package's .d.ts lists only a few
// options): left to itself the glue fetch()es a file: URL, which Node's fetch refuses.
const initWithBinary = init as unknown as (options: { wasmBinary: Uint8Array }) => Promise<void>;

let ready: Promise<void> | undefined;

/**
 * Loads MozJPEG once per process. A failure is a one-line InputError and is not kept, so the next call tries
 * again; the indexer calls this before its pipeline, so a broken install stops the run instead of every
 * thumbnail being dropped one by one. `wasmPath` is for tests.
 */
export function loadJpegEncoder(wasmPath?: string): Promise<void> {
  ready ??= (async () => {
    const path =
      wasmPath ?? createRequire(import.meta.url).resolve("@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm");
    await initWithBinary({ wasmBinary: await readFile(path) });
  })().catch((cause: unknown) => {
    ready = undefined;
    throw new InputError(
      "jpeg_encoder_unavailable",
      `the JPEG encoder (MozJPEG, @jsquash/jpeg) could not be loaded: ${(cause as Error).message}; reinstall with npm ci`,
      { cause },
    );
  });
  return ready;
}

/**
 * Encodes an rgb24 image (`width * height * 3` bytes, row-major) as a JPEG at `quality` (1-100, IJG scale)
 * with MozJPEG's defaults (its quantization tables, optimized Huffman tables) except two, measured on the toy
 * demo's thumbnails: sequential, as progressive took 2-3x the time for <5% fewer bytes at these sizes; and
 * full-resolution chroma (4:4:4), as 4:2:0 saved ~20% of the bytes but cost 13 dB PSNR on sharp coloured
 * edges (jpeg-encode.test.ts's image).
 */
export async function encodeJpeg(
  rgb: Uint8Array,
  width: number,
  height: number,
  quality = 85,
): Promise<Uint8Array> {
  if (!(width >= 1 && height >= 1) || rgb.length !== width * height * 3)
    throw new RangeError(`rgb has ${rgb.length} bytes, expected ${width}x${height}x3 with both sides >= 1`);
  await loadJpegEncoder();
  // MozJPEG reads RGBA, as a canvas' ImageData holds it.
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i];
    rgba[j + 1] = rgb[i + 1];
    rgba[j + 2] = rgb[i + 2];
    rgba[j + 3] = 255;
  }
  const image = { data: rgba, width, height } as Parameters<typeof encode>[0]; // an ImageData, DOM-less
  const options = { quality, progressive: false, auto_subsample: false, chroma_subsample: 1 };
  return new Uint8Array(await encode(image, options));
}
