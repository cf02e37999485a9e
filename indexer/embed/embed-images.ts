// The image tower on its own: image files (decoded by ffmpeg like video frames, then CLIP-preprocessed) and
// .npy CLIP input tensors [3, H, W] (fed as stored) -> L2-normalized image embeddings.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { preprocessFrame } from "../../shared/image/preprocess.ts";
import type { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { type DecoderChoice, decodeVideoFrames } from "../decode/decode-video.ts";
import { parseSampling } from "../decode/sampling.ts";
import type { ModelDirectory } from "./model-dir.ts";

/** The pixel tensor of a .npy file: float32/float16 [3, S, S] or [1, 3, S, S] with S the model's crop size. */
async function npyPixels(path: string, cropSize: number): Promise<Float32Array> {
  let array: ReturnType<typeof parseNpy>;
  try {
    array = parseNpy(new Uint8Array(await readFile(path)));
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(error.code, `${path}: ${error.message}`, { cause: error });
    throw new InputError("file_not_found", `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const shape = array.shape.length === 4 && array.shape[0] === 1 ? array.shape.slice(1) : array.shape;
  if (shape.length !== 3 || shape[0] !== 3 || shape[1] !== cropSize || shape[2] !== cropSize)
    throw new InputError(
      "bad_pixels",
      `${path}: a CLIP input tensor must be [3, ${cropSize}, ${cropSize}] (the model's crop size), got [${array.shape.join(", ")}]`,
    );
  return npyToFloat32(array);
}

/** The preprocessed pixels of an image file (its first frame as ffmpeg decodes it). */
async function imagePixels(
  path: string,
  model: ModelDirectory,
  decoder: DecoderChoice,
): Promise<Float32Array> {
  for await (const frame of decodeVideoFrames(path, { sampling: parseSampling("all"), decoder }))
    return preprocessFrame(frame.rgb, frame.width, frame.height, model.config.preprocess);
  throw new InputError("empty_video", `${path}: no image could be decoded`);
}

/** Float32Array(d), L2-normalized, of `path`: a .npy tensor as stored, any other file as a decoded image. */
export async function embedImageFile(
  path: string,
  model: ModelDirectory,
  encoder: ClipImageEncoder,
  decoder: DecoderChoice = "auto",
): Promise<Float32Array> {
  const pixels =
    extname(path).toLowerCase() === ".npy"
      ? await npyPixels(path, model.config.preprocess.cropSize)
      : await imagePixels(path, model, decoder);
  const [vector] = await encoder.encode(pixels, 1);
  return vector;
}
