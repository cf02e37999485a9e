// Fixed images that prepare-edge runs through the fp32 and the browser's image encoder to measure the latter
// (as VERIFICATION_SENTENCES do for text): seeded, so every run measures the same frames; or the CLIP input
// tensors (.npy [3, S, S]) of a folder, e.g. what `frames VIDEO --out DIR --model M` writes from real video.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { type PreprocessConfig, preprocessFrame } from "../../shared/image/preprocess.ts";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { createPrng } from "../../shared/prng.ts";

/** Sizes of the generated images (landscape, portrait, square; the preprocessing resizes and crops them). */
const SIZES: readonly [number, number][] = [
  [320, 240],
  [240, 320],
  [256, 256],
  [640, 360],
  [300, 300],
  [400, 225],
  [225, 400],
  [288, 288],
];

/**
 * One rgb24 image: a colour gradient, a few filled discs and rectangles of random colours, and pixel noise, so
 * that the frames have edges, flat regions and texture, as video frames do.
 */
function syntheticImage(width: number, height: number, seed: number): Uint8Array {
  const prng = createPrng(seed);
  const colour = () => [prng.next() * 255, prng.next() * 255, prng.next() * 255];
  const [from, to] = [colour(), colour()];
  const shapes = Array.from({ length: 3 + Math.floor(prng.next() * 4) }, () => ({
    disc: prng.next() < 0.5,
    x: prng.next() * width,
    y: prng.next() * height,
    size: (0.1 + prng.next() * 0.3) * Math.min(width, height),
    rgb: colour(),
  }));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      let pixel = from.map((a, c) => a + (to[c] - a) * t);
      for (const shape of shapes) {
        const inside = shape.disc
          ? (x - shape.x) ** 2 + (y - shape.y) ** 2 < shape.size ** 2
          : Math.abs(x - shape.x) < shape.size && Math.abs(y - shape.y) < shape.size / 2;
        if (inside) pixel = shape.rgb;
      }
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++)
        rgb[p + c] = Math.max(0, Math.min(255, pixel[c] + (prng.next() - 0.5) * 24));
    }
  return rgb;
}

/** The generated verification frames as CLIP input tensors Float32Array [3, cropSize, cropSize]. */
export function syntheticVerificationFrames(config: PreprocessConfig): Float32Array[] {
  return SIZES.map(([width, height], i) =>
    preprocessFrame(syntheticImage(width, height, 1000 + i), width, height, config),
  );
}

/** Every `.npy` CLIP input tensor [3, size, size] in `dir` (sorted by name); throws InputError on another shape. */
export function readFrameTensors(dir: string, size: number): Float32Array[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith(".npy"))
    .sort();
  if (names.length === 0) throw new InputError("bad_arguments", `${dir} holds no .npy frame tensors`);
  return names.map((name) => {
    const array = parseNpy(new Uint8Array(readFileSync(join(dir, name))));
    if (array.shape.join("x") !== `3x${size}x${size}`)
      throw new InputError(
        "bad_arguments",
        `${join(dir, name)} is ${array.shape.join("x")}; the model takes 3x${size}x${size} (write the frames with --model)`,
      );
    return npyToFloat32(array);
  });
}
