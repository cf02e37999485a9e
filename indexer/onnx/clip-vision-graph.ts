// CLIP's vision tower (ViT) as an ONNX graph with the Hugging Face export's I/O: pixel_values ->
// image_embeds (class token, post-LayerNorm, projected, not normalized) and last_hidden_state.
import { type ClipArch, type ParameterSource, visionTokens } from "./clip-arch.ts";
import {
  encoderStack,
  layerNorm,
  makeLayerContext,
  parameter,
  projectionOutput,
  sharedInts,
} from "./clip-layers.ts";
import { GraphBuilder } from "./graph-builder.ts";

/**
 * Builds the vision graph. Input: pixel_values float32 [batch, 3, imageSize, imageSize] (normalized
 * with the preprocessor's mean/std). Outputs: image_embeds float32 [batch, projectionDim],
 * last_hidden_state float32 [batch, tokens, width] (before post-LayerNorm, as in HF).
 */
export function buildClipVisionGraph(arch: ClipArch, params: ParameterSource): GraphBuilder {
  const g = new GraphBuilder("clip_vision_model");
  const ctx = makeLayerContext(g, params, arch.layerNormEps);
  const { vision } = arch;
  const { width, patchSize } = vision;
  const tokens = visionTokens(vision);
  const pixels = g.input("pixel_values", "float32", ["batch_size", 3, vision.imageSize, vision.imageSize]);

  const patchWeight = parameter(
    ctx,
    "vision_model.embeddings.patch_embedding.weight",
    [width, 3, patchSize, patchSize],
    {
      normal: (3 * patchSize * patchSize) ** -0.5,
    },
  );
  const grid = g.op("Conv", [pixels, patchWeight], {
    kernel_shape: [patchSize, patchSize],
    strides: [patchSize, patchSize],
  });
  const patches = g.op(
    "Transpose",
    [g.op("Reshape", [grid, sharedInts(ctx, "flatten_grid", [0, width, -1])])],
    {
      perm: [0, 2, 1],
    },
  );
  const classEmbedding = parameter(ctx, "vision_model.embeddings.class_embedding", [width], {
    normal: width ** -0.5,
  });
  const batch = g.op("Slice", [
    g.op("Shape", [pixels]),
    sharedInts(ctx, "zero", [0]),
    sharedInts(ctx, "one", [1]),
  ]);
  const classShape = g.op("Concat", [batch, sharedInts(ctx, "class_tail", [1, width])], { axis: 0 });
  const classTokens = g.op("Expand", [classEmbedding, classShape]);
  const positions = parameter(ctx, "vision_model.embeddings.position_embedding.weight", [tokens, width], {
    normal: width ** -0.5,
  });
  const embedded = g.op("Add", [g.op("Concat", [classTokens, patches], { axis: 1 }), positions]);
  // "pre_layrnorm" is Hugging Face's spelling.
  const normed = layerNorm(ctx, embedded, "vision_model.pre_layrnorm", width);

  const x = encoderStack(ctx, normed, "vision_model.encoder", vision, null);
  g.output("last_hidden_state", "float32", ["batch_size", tokens, width], x);

  const classOut = g.op("Gather", [x, g.constant("class_index", "int64", [], BigInt64Array.of(0n))], {
    axis: 1,
  });
  const pooled = layerNorm(ctx, classOut, "vision_model.post_layernorm", width);
  projectionOutput(ctx, pooled, "visual_projection.weight", width, arch.projectionDim, "image_embeds");
  return g;
}
