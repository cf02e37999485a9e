// The toy text tower: a bag of words. text_embeds = sum over unmasked tokens of a per-token row
// whose concept part says which colour or shape the word names (CLIP's I/O contract, no training).
import { createPrng } from "../../shared/prng.ts";
import { GraphBuilder } from "../onnx/graph-builder.ts";
import { TOY_AXES, toyWordAxes } from "./toy-concepts.ts";
import { gaussian, rotate } from "./toy-space.ts";
import type { ToyVocabulary } from "./toy-vocabulary.ts";

/** Concept weight of <|startoftext|> on the bias axis (every text has exactly one). */
export const TEXT_BIAS = 0.5;
/** Norm of the noise row given to filler words, byte tokens and word pieces. */
export const TEXT_NOISE_NORM = 0.3;

/**
 * The token table, row-major Float32Array [vocabSize, dim]: colour and shape words are unit rows
 * on their concept axis, <|startoftext|> is TEXT_BIAS on the bias axis, <|endoftext|> is zero, and
 * every other token is seeded noise of norm TEXT_NOISE_NORM on the axes no image ever uses.
 */
export function buildTokenTable(
  vocabulary: ToyVocabulary,
  rotation: Float64Array,
  dim: number,
  seed: number,
): Float32Array {
  const size = vocabulary.vocab.size;
  const table = new Float32Array(size * dim);
  const conceptOf = new Map<number, number | null>();
  for (const [word, axis] of toyWordAxes()) conceptOf.set(vocabulary.wordIds.get(word)!, axis);
  const prng = createPrng(seed ^ 0x7e47);
  const concept = new Float64Array(dim);
  for (let id = 0; id < size; id++) {
    concept.fill(0);
    const axis = conceptOf.get(id);
    if (id === vocabulary.startToken) concept[TOY_AXES.bias] = TEXT_BIAS;
    else if (id === vocabulary.endToken) {
      // zero: the end token carries no meaning in a bag of words
    } else if (axis !== undefined && axis !== null) concept[axis] = 1;
    else {
      let norm = 0;
      for (let a = TOY_AXES.count; a < dim; a++) {
        concept[a] = gaussian(prng);
        norm += concept[a] ** 2;
      }
      const scale = TEXT_NOISE_NORM / Math.sqrt(norm);
      for (let a = TOY_AXES.count; a < dim; a++) concept[a] *= scale;
    }
    table.set(rotate(concept, rotation, dim), id * dim);
  }
  return table;
}

/**
 * Graph: input_ids int64 [batch, sequence], attention_mask int64 [batch, sequence] ->
 * text_embeds float32 [batch, dim] (not normalized, as CLIP's projection output).
 */
export function buildToyTextGraph(table: Float32Array, vocabSize: number, dim: number): GraphBuilder {
  const g = new GraphBuilder("toy_clip_text");
  const ids = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  const mask = g.input("attention_mask", "int64", ["batch_size", "sequence_length"]);
  const weights = g.initializer("token_embedding.weight", "float32", [vocabSize, dim], table);
  const rows = g.op("Gather", [weights, ids], { axis: 0 });
  const maskFloat = g.op("Cast", [mask], { to: 1 });
  const mask3 = g.op("Unsqueeze", [maskFloat, g.ints("axes", [2])]);
  const masked = g.op("Mul", [rows, mask3]);
  const summed = g.op("ReduceSum", [masked, g.ints("axes", [1])], { keepdims: 0 });
  g.output("text_embeds", "float32", ["batch_size", dim], summed);
  return g;
}
