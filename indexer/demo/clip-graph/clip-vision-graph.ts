// CLIP's vision tower (HF CLIPVisionModelWithProjection, a ViT) as an ONNX graph with the structure of the
// Hugging Face tower export (transformers 4.43, torch 1.13, opset 14): pixel_values -> image_embeds.

import { GraphBuilder } from "../../onnx/graph-builder.ts";
import { CLIP_EXPORT_OPSET, type ClipArch, type ParameterSource, visionTokens } from "./clip-arch.ts";
import { encoderStack, projectionOutput } from "./clip-layers.ts";
import { layerNorm } from "./clip-linear.ts";
import { reshape, shapeOf, sizeOf, torchExpand, unsqueeze0 } from "./export-ops.ts";
import { int64Scalar, ints, type LayerContext, makeLayerContext, parameter } from "./layer-context.ts";

/**
 * Builds the vision graph. Input: pixel_values float32 [batch_size, num_channels, height, width] (3 x
 * imageSize x imageSize, normalized with the preprocessor's mean/std). Output: image_embeds float32
 * [batch_size, projectionDim]: the class token after the encoder and post-LayerNorm, projected, not normalized.
 */
export function buildClipVisionGraph(arch: ClipArch, params: ParameterSource): GraphBuilder {
  const g = new GraphBuilder("clip_vision_model", CLIP_EXPORT_OPSET);
  const ctx = makeLayerContext(g, params, arch.layerNormEps);
  const { vision } = arch;
  const pixels = g.input("pixel_values", "float32", ["batch_size", "num_channels", "height", "width"]);
  const classIndex = int64Scalar(ctx, 0);

  const embedded = visionEmbeddings(ctx, arch, pixels);
  // "pre_layrnorm" is Hugging Face's spelling.
  const normed = layerNorm(ctx, embedded, "vision_model.pre_layrnorm", vision.width);
  const encoded = encoderStack(ctx, normed, "vision_model.encoder", vision, null);
  const classOut = g.op("Gather", [encoded, classIndex], { axis: 1 });
  const pooled = layerNorm(ctx, classOut, "vision_model.post_layernorm", vision.width);
  projectionOutput(ctx, pooled, "visual_projection.weight", vision.width, arch.projectionDim, "image_embeds");
  return g;
}

/**
 * HF CLIPVisionEmbeddings: patch Conv of pixels [batch, 3, H, W] flattened to [batch, patches, width], the
 * class embedding expanded to [batch, 1, width] in front, plus position embeddings -> [batch, tokens, width].
 */
function visionEmbeddings(ctx: LayerContext, arch: ClipArch, pixels: string): string {
  const { g } = ctx;
  const { width, patchSize } = arch.vision;
  const tokens = visionTokens(arch.vision);
  const batch = sizeOf(ctx, pixels, 0);
  const patchWeight = parameter(
    ctx,
    "vision_model.embeddings.patch_embedding.weight",
    [width, 3, patchSize, patchSize],
    { normal: (3 * patchSize * patchSize) ** -0.5 },
  );
  const grid = g.op("Conv", [g.op("Cast", [pixels], { to: 1 }), patchWeight], {
    dilations: [1, 1],
    group: 1,
    kernel_shape: [patchSize, patchSize],
    pads: [0, 0, 0, 0],
    strides: [patchSize, patchSize],
  });
  // patch_embeds.flatten(2).transpose(1, 2)
  const leading = g.op("Slice", [g.op("Shape", [grid]), ints(ctx, [0]), ints(ctx, [2]), ints(ctx, [0])]);
  const flat = reshape(ctx, grid, shapeOf(ctx, [leading, ints(ctx, [-1])]));
  const patches = g.op("Transpose", [flat], { perm: [0, 2, 1] });
  const classEmbedding = parameter(ctx, "vision_model.embeddings.class_embedding", [width], {
    normal: width ** -0.5,
  });
  // class_embedding.expand(batch, 1, -1)
  const classShape = shapeOf(ctx, [unsqueeze0(ctx, batch), ints(ctx, [1]), ints(ctx, [-1])]);
  const classTokens = torchExpand(ctx, classEmbedding, classShape);
  const sequence = g.op("Concat", [classTokens, patches], { axis: 1 });
  // The position_ids buffer [1, tokens] (0..tokens-1).
  const positionIds = g.constant(
    "position_ids",
    "int64",
    [1, tokens],
    BigInt64Array.from({ length: tokens }, (_, i) => BigInt(i)),
  );
  const positionTable = parameter(ctx, "vision_model.embeddings.position_embedding.weight", [tokens, width], {
    normal: width ** -0.5,
  });
  return g.op("Add", [sequence, g.op("Gather", [positionTable, positionIds])]);
}
