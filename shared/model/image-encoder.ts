// CLIP image encoder over an injected ONNX Runtime: preprocessed pixel batches [N, 3, H, W] ->
// image_embeds -> L2-normalized vectors.
import { InputError } from "../errors.ts";
import { l2NormalizeInPlace } from "../vectors.ts";
import type { OrtNamespace, OrtSession } from "./ort-types.ts";
import { checkClipSession, splitRows } from "./session-check.ts";

export interface ClipImageEncoderOptions {
  /** Size of the output vectors (config.json projection_dim). */
  dimension: number;
  /** Side of the square input in pixels (the preprocessor's crop size, 224 for ViT-B/32). */
  imageSize: number;
  /** Names the model file in error messages. */
  label?: string;
}

/** Encodes preprocessed images with a CLIP vision tower (input pixel_values -> output image_embeds). */
export class ClipImageEncoder {
  readonly dimension: number;
  readonly imageSize: number;
  private readonly ort: OrtNamespace;
  private readonly session: OrtSession;
  private readonly label: string;

  /** Checks the session's inputs/outputs against the CLIP vision contract; throws InputError when wrong. */
  constructor(ort: OrtNamespace, session: OrtSession, options: ClipImageEncoderOptions) {
    this.label = options.label ?? "vision model";
    checkClipSession(session, "vision", options.dimension, this.label);
    const input = session.inputMetadata?.find((meta) => meta.name === "pixel_values");
    if (input?.isTensor) {
      const [, , height, width] = input.shape;
      for (const side of [height, width]) {
        if (typeof side === "number" && side !== options.imageSize) {
          throw new InputError(
            "dimension_mismatch",
            `${this.label}: pixel_values is ${height}x${width} but the preprocessor crops to ${options.imageSize}; the model file and preprocessor_config.json do not belong together`,
          );
        }
      }
    }
    this.ort = ort;
    this.session = session;
    this.dimension = options.dimension;
    this.imageSize = options.imageSize;
  }

  /** Floats per image: 3 x imageSize x imageSize. */
  get imageLength(): number {
    return 3 * this.imageSize * this.imageSize;
  }

  /**
   * Encodes `count` images from `pixels`, float32 row-major [count, 3, imageSize, imageSize] (normalized
   * with the preprocessor's mean/std). Returns Float32Array(dimension) per image, L2-normalized.
   */
  async encode(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    if (!Number.isInteger(count) || count <= 0 || pixels.length !== count * this.imageLength) {
      throw new InputError(
        "bad_pixels",
        `expected ${count} x 3 x ${this.imageSize} x ${this.imageSize} floats, got ${pixels.length}`,
      );
    }
    const input = new this.ort.Tensor("float32", pixels, [count, 3, this.imageSize, this.imageSize]);
    const outputs = await this.session.run({ pixel_values: input });
    const embeds = outputs.image_embeds;
    const rows = splitRows(embeds.data, embeds.dims, count, this.dimension, this.label);
    for (const tensor of [input, ...Object.values(outputs)]) tensor.dispose?.();
    return rows.map(l2NormalizeInPlace);
  }

  /** Frees the session (the encoder cannot be used afterwards). */
  async release(): Promise<void> {
    await this.session.release();
  }
}
