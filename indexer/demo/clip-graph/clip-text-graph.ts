// CLIP's text tower (HF CLIPTextModelWithProjection) as an ONNX graph with the structure of the Hugging
// Face tower export (transformers 4.43, torch 1.13, opset 14): input_ids -> text_embeds.

import { GraphBuilder } from "../../onnx/graph-builder.ts";
import { CLIP_EXPORT_OPSET, type ClipArch, type ParameterSource } from "./clip-arch.ts";
import { causalMask } from "./clip-causal-mask.ts";
import { encoderStack, projectionOutput } from "./clip-layers.ts";
import { layerNorm } from "./clip-linear.ts";
import { reshape, shapeOf, sizeOf, unsqueeze0 } from "./export-ops.ts";
import { int64Scalar, ints, type LayerContext, makeLayerContext, parameter } from "./layer-context.ts";

/**
 * Builds the text graph. Input: input_ids int64 [batch_size, sequence_length] (sequence <= contextLength;
 * no attention_mask, as in the HF tower export: pad with the end token, which causal attention keeps
 * from reaching the pooled token). Output: text_embeds float32 [batch_size, projectionDim], the
 * final-LayerNorm hidden state at the first argmax of input_ids (CLIP's end token has the highest id;
 * HF's pooling for eos_token_id 2), projected, not normalized.
 */
export function buildClipTextGraph(arch: ClipArch, params: ParameterSource): GraphBuilder {
  const g = new GraphBuilder("clip_text_model", CLIP_EXPORT_OPSET);
  const ctx = makeLayerContext(g, params, arch.layerNormEps);
  const { text } = arch;
  const inputIds = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);

  const batch = sizeOf(ctx, inputIds, 0);
  const length = sizeOf(ctx, inputIds, 1);
  // input_ids.view(-1, input_shape[-1])
  const ids = reshape(ctx, inputIds, shapeOf(ctx, [ints(ctx, [-1]), unsqueeze0(ctx, length)]));
  const x = textEmbeddings(ctx, arch, ids);
  const mask = causalMask(ctx, batch, length);
  const encoded = encoderStack(ctx, x, "text_model.encoder", text, mask);
  const hidden = layerNorm(ctx, encoded, "text_model.final_layer_norm", text.width);
  const pooled = poolFirstArgmax(ctx, hidden, ids);
  projectionOutput(ctx, pooled, "text_projection.weight", text.width, arch.projectionDim, "text_embeds");
  return g;
}

/** HF CLIPTextEmbeddings: token embedding of ids [batch, seq] + position embedding of 0..seq-1. */
function textEmbeddings(ctx: LayerContext, arch: ClipArch, ids: string): string {
  const { g } = ctx;
  const { text } = arch;
  const length = sizeOf(ctx, ids, 1);
  // The position_ids buffer [1, contextLength] (0..contextLength-1), sliced to the sequence length.
  const positionIds = g.constant(
    "position_ids",
    "int64",
    [1, text.contextLength],
    BigInt64Array.from({ length: text.contextLength }, (_, i) => BigInt(i)),
  );
  const positions = g.op("Slice", [
    positionIds,
    ints(ctx, [0]),
    unsqueeze0(ctx, length),
    ints(ctx, [1]),
    ints(ctx, [1]),
  ]);
  const tokenTable = parameter(
    ctx,
    "text_model.embeddings.token_embedding.weight",
    [text.vocabSize, text.width],
    { normal: 0.02 },
  );
  const positionTable = parameter(
    ctx,
    "text_model.embeddings.position_embedding.weight",
    [text.contextLength, text.width],
    { normal: 0.01 },
  );
  return g.op("Add", [g.op("Gather", [tokenTable, ids]), g.op("Gather", [positionTable, positions])]);
}

/**
 * hidden[arange(batch), ids.to(int).argmax(-1)]: hidden [batch, seq, width], ids [batch, seq] ->
 * [batch, width], as the exporter writes advanced indexing (Flatten, flat index, Gather, Reshape).
 */
function poolFirstArgmax(ctx: LayerContext, hidden: string, ids: string): string {
  const { g } = ctx;
  const rows = g.op("Range", [
    int64Scalar(ctx, 0),
    g.op("Cast", [sizeOf(ctx, hidden, 0)], { to: 7 }),
    int64Scalar(ctx, 1),
  ]);
  const ends = g.op("ArgMax", [g.op("Cast", [ids], { to: 6 })], {
    axis: -1,
    keepdims: 0,
    select_last_index: 0,
  });
  const hiddenShape = g.op("Shape", [hidden]);
  const length = g.op("Gather", [hiddenShape, ints(ctx, [1])], { axis: 0 });
  const width = g.op("Gather", [hiddenShape, ints(ctx, [2])], { axis: 0 });
  const flat = g.op("Flatten", [hidden], { axis: 2 });
  const index = g.op("Add", [ends, g.op("Mul", [rows, length])]);
  const picked = g.op("Gather", [flat, index], { axis: 0 });
  const rowsShape = g.op("Shape", [index]);
  const vectors = reshape(ctx, picked, shapeOf(ctx, [ints(ctx, [-1]), width]));
  return reshape(ctx, vectors, shapeOf(ctx, [rowsShape, width]));
}
