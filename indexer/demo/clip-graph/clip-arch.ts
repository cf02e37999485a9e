// Shapes of a CLIP model (text and vision towers), and how its parameters are initialized.

/** The text tower: a causal pre-LN transformer over token embeddings. */
export interface ClipTextArch {
  vocabSize: number;
  /** Maximum sequence length (positional embeddings), 77 in CLIP. */
  contextLength: number;
  width: number;
  layers: number;
  heads: number;
  /** Hidden size of the MLP (4 x width in CLIP). */
  mlpWidth: number;
}

/** The vision tower: a ViT with a class token, pre- and post-LayerNorm. */
export interface ClipVisionArch {
  /** Input side in pixels (square). */
  imageSize: number;
  /** Patch side in pixels; the patch conv has stride = kernel = patchSize. */
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  mlpWidth: number;
}

export interface ClipArch {
  /** Size of the joint embedding (text_embeds, image_embeds). */
  projectionDim: number;
  text: ClipTextArch;
  vision: ClipVisionArch;
  /** LayerNorm epsilon (1e-5 in CLIP). */
  layerNormEps: number;
}

/** ONNX opset of Hugging Face's CLIP tower exports (optimum 1.21 / Transformers.js v3), and of ours. */
export const CLIP_EXPORT_OPSET = 14;

/** How one parameter is initialized: normal(0, std) or a constant. */
export type InitSpec = { normal: number } | { constant: number };

/**
 * Supplies a parameter's values. `name` is the Hugging Face parameter name; MatMul weights are
 * stored [in, out], the transpose of PyTorch's Linear.weight.
 */
export type ParameterSource = (name: string, dims: number[], init: InitSpec) => Float32Array;

/** OpenAI's ViT-B/32 CLIP. */
export const VIT_B32: ClipArch = {
  projectionDim: 512,
  text: { vocabSize: 49408, contextLength: 77, width: 512, layers: 12, heads: 8, mlpWidth: 2048 },
  vision: { imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12, mlpWidth: 3072 },
  layerNormEps: 1e-5,
};

/** Same architecture, small enough for tests (vocabSize is replaced by the vocabulary used). */
export const TINY: ClipArch = {
  projectionDim: 32,
  text: { vocabSize: 49408, contextLength: 77, width: 64, layers: 2, heads: 2, mlpWidth: 256 },
  vision: { imageSize: 224, patchSize: 32, width: 64, layers: 2, heads: 2, mlpWidth: 256 },
  layerNormEps: 1e-5,
};

/** Patches per image plus the class token. */
export function visionTokens(vision: ClipVisionArch): number {
  return (vision.imageSize / vision.patchSize) ** 2 + 1;
}
