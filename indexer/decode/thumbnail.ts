// Small JPEG previews of decoded frames for the index and the web page, encoded by ffmpeg (native
// or WASM core: both have the mjpeg encoder).
import { InputError } from "../../shared/errors.ts";
import { type DecoderChoice, resolveDecoder } from "./decode-video.ts";
import { runNative } from "./ffmpeg-native.ts";
import { removeWasmFile, runWasm, wasmCore, wasmTempPath } from "./ffmpeg-wasm.ts";

/** An rgb24 image: `width * height * 3` bytes, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Size that fits in `maxSide` x `maxSide` with the aspect ratio kept (never upscales), pixels. */
export function thumbnailSize(width: number, height: number, maxSide: number) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

function thumbnailArguments(image: RgbImage, input: string, output: string, maxSide: number): string[] {
  const size = thumbnailSize(image.width, image.height, maxSide);
  return [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-s",
    `${image.width}x${image.height}`,
    "-i",
    input,
    "-vf",
    `scale=${size.width}:${size.height}:flags=area`,
    "-frames:v",
    "1",
    "-q:v",
    "4",
    "-f",
    "mjpeg",
    output,
  ];
}

/**
 * Encodes `image` as a JPEG whose longer side is at most `maxSide` pixels (default 256).
 * Returns the JPEG bytes.
 */
export async function encodeThumbnailJpeg(
  image: RgbImage,
  maxSide = 256,
  options: { decoder?: DecoderChoice } = {},
): Promise<Uint8Array> {
  if (image.rgb.length !== image.width * image.height * 3)
    throw new RangeError(`rgb has ${image.rgb.length} bytes, expected ${image.width}x${image.height}x3`);
  if (!(maxSide >= 1)) throw new RangeError(`maxSide must be >= 1, got ${maxSide}`);
  if (resolveDecoder(options.decoder) === "native") {
    const result = await runNative(
      "ffmpeg",
      thumbnailArguments(image, "pipe:0", "pipe:1", maxSide),
      image.rgb,
    );
    if (result.code !== 0 || result.stdout.length === 0)
      throw new InputError("thumbnail_failed", `could not encode a thumbnail: ${result.stderr.trim()}`);
    return result.stdout;
  }
  const core = await wasmCore();
  const input = wasmTempPath("-thumb.rgb");
  const output = wasmTempPath("-thumb.jpg");
  core.FS.writeFile(input, image.rgb);
  try {
    const { code, lines } = runWasm(core, "ffmpeg", thumbnailArguments(image, input, output, maxSide));
    if (code !== 0 || !core.FS.analyzePath(output).exists)
      throw new InputError("thumbnail_failed", `could not encode a thumbnail: ${lines.join(" ").trim()}`);
    return core.FS.readFile(output);
  } finally {
    removeWasmFile(core, input);
    removeWasmFile(core, output);
  }
}
