// An image file decoded by the browser into packed rgb24, as the indexer's decoder hands frames to the
// preprocessing: no colour management, no premultiplied alpha (alpha is dropped, as ffmpeg's rgb24 does).
import { decodedSize } from "../indexer/decode/decode-args.ts";

export interface RgbImage {
  width: number;
  height: number;
  /** Packed rgb24, row-major, width * height * 3 bytes. */
  rgb: Uint8Array;
}

/** RGBA (canvas ImageData) to packed RGB. */
export function rgbaToRgb(rgba: Uint8ClampedArray, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j];
    rgb[i + 1] = rgba[j + 1];
    rgb[i + 2] = rgba[j + 2];
  }
  return rgb;
}

/**
 * Decodes `file` (any image format the browser reads). Images over 4096 px on a side are scaled down
 * first, as the indexer does (the browser's high-quality filter there, not ffmpeg's area filter).
 */
export async function decodeImage(file: Blob): Promise<RgbImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  } catch {
    throw new Error("the browser could not read this image; try a PNG or JPEG");
  }
  const size = decodedSize(bitmap.width, bitmap.height);
  if (size.width !== bitmap.width || size.height !== bitmap.height) {
    const large = bitmap;
    bitmap = await createImageBitmap(large, {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: "high",
    });
    large.close();
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) throw new Error("this browser cannot draw images off screen (OffscreenCanvas 2D)");
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: "srgb" });
  return { width, height, rgb: rgbaToRgb(data, width, height) };
}
