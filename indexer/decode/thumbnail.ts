// Small JPEG previews of decoded frames for the index and the web page, made in-process (area
// downscale + MozJPEG in WebAssembly): the same bytes whichever decoder runs and on every machine, and no
// ffmpeg start-up (~60 ms of CPU, as much as decoding a short clip) per video.
import { encodeJpeg } from "./jpeg-encode.ts";
import { resizeRgbArea } from "./resize-area.ts";

/** An rgb24 image: `width * height * 3` bytes, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** JPEG quality of thumbnails (IJG scale). */
export const THUMBNAIL_QUALITY = 85;

/** Size that fits in `maxSide` x `maxSide` with the aspect ratio kept (never upscales), pixels. */
export function thumbnailSize(width: number, height: number, maxSide: number) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** Encodes `image` as a JPEG whose longer side is at most `maxSide` pixels (default 256); returns its bytes. */
export async function encodeThumbnailJpeg(image: RgbImage, maxSide = 256): Promise<Uint8Array> {
  if (image.rgb.length !== image.width * image.height * 3)
    throw new RangeError(`rgb has ${image.rgb.length} bytes, expected ${image.width}x${image.height}x3`);
  if (!(maxSide >= 1)) throw new RangeError(`maxSide must be >= 1, got ${maxSide}`);
  const size = thumbnailSize(image.width, image.height, maxSide);
  const small = resizeRgbArea(image.rgb, image.width, image.height, size.width, size.height);
  return encodeJpeg(small, size.width, size.height, THUMBNAIL_QUALITY);
}
