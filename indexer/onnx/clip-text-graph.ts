// CLIP's text tower as an ONNX graph with the Hugging Face export's I/O: input_ids + attention_mask ->
// text_embeds (pooled at the end token, projected, not normalized) and last_hidden_state.
import type { ClipArch, ParameterSource } from "./clip-arch.ts";
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
 * Builds the text graph. Inputs: input_ids, attention_mask int64 [batch, sequence] (sequence <=
 * contextLength). Outputs: text_embeds float32 [batch, projectionDim], last_hidden_state float32
 * [batch, sequence, width]. Attention is causal and ignores keys where attention_mask is 0; the
 * pooled token is the first argmax of input_ids (the end token, highest id in CLIP's vocabulary).
 */
export function buildClipTextGraph(arch: ClipArch, params: ParameterSource): GraphBuilder {
  const g = new GraphBuilder("clip_text_model");
  const ctx = makeLayerContext(g, params, arch.layerNormEps);
  const { text } = arch;
  const inputIds = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  const attentionMask = g.input("attention_mask", "int64", ["batch_size", "sequence_length"]);

  const tokenTable = parameter(
    ctx,
    "text_model.embeddings.token_embedding.weight",
    [text.vocabSize, text.width],
    {
      normal: 0.02,
    },
  );
  const positionTable = parameter(
    ctx,
    "text_model.embeddings.position_embedding.weight",
    [text.contextLength, text.width],
    { normal: 0.01 },
  );
  const tokens = g.op("Gather", [tokenTable, inputIds], { axis: 0 });
  const idsShape = g.op("Shape", [inputIds]);
  const seqLen = g.op("Slice", [idsShape, sharedInts(ctx, "one", [1]), sharedInts(ctx, "two", [2])]);
  const positions = g.op("Slice", [
    positionTable,
    sharedInts(ctx, "zero", [0]),
    seqLen,
    sharedInts(ctx, "zero", [0]),
  ]);
  const x = g.op("Add", [tokens, positions]);

  // Causal mask (key j <= query i) and padding mask (key not padded), combined to [batch, 1, seq, seq].
  const seqScalar = g.op("Squeeze", [seqLen, sharedInts(ctx, "zero", [0])]);
  const steps = g.op("Range", [
    g.constant("range_start", "int64", [], BigInt64Array.of(0n)),
    seqScalar,
    g.constant("range_delta", "int64", [], BigInt64Array.of(1n)),
  ]);
  const rows = g.op("Unsqueeze", [steps, sharedInts(ctx, "one", [1])]);
  const cols = g.op("Unsqueeze", [steps, sharedInts(ctx, "zero", [0])]);
  const causal = g.op("LessOrEqual", [cols, rows]);
  const keyAllowed = g.op("Unsqueeze", [
    g.op("Cast", [attentionMask], { to: 9 }),
    sharedInts(ctx, "axes_1_2", [1, 2]),
  ]);
  const allowed = g.op("And", [causal, keyAllowed]);

  const encoded = encoderStack(ctx, x, "text_model.encoder", text, allowed);
  const hidden = layerNorm(ctx, encoded, "text_model.final_layer_norm", text.width);
  g.output("last_hidden_state", "float32", ["batch_size", "sequence_length", text.width], hidden);

  const endIndex = g.op("ArgMax", [inputIds], { axis: -1, keepdims: 1 });
  const pooled = g.op("GatherND", [hidden, endIndex], { batch_dims: 1 });
  projectionOutput(ctx, pooled, "text_projection.weight", text.width, arch.projectionDim, "text_embeds");
  return g;
}
