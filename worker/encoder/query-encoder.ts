// What the routes need from a text encoder: one query in, one L2-normalized vector out, with timings.
import type { LoadMemory } from "./load-memory.ts";

/** A loaded text encoder (one per isolate). */
export interface QueryEncoder {
  /** Model id (config.json `_name_or_path`), checked against the index's manifest. */
  readonly id: string;
  /** Embedding dimension (projection_dim). */
  readonly dimension: number;
  /** Bytes of the model files read from R2 while loading (released after session creation). */
  readonly modelBytes: number;
  /** Milliseconds spent creating the session (cold start share). */
  readonly loadMs: number;
  /** Memory checkpoints sampled inside the load (WASM heap + model buffers held), bytes. */
  readonly loadMemory: LoadMemory;
  /**
   * Encodes one query: Float32Array(dimension), L2-normalized. `truncated` is true when the text was cut
   * to the model's context length (77 tokens for CLIP).
   */
  encode(
    text: string,
  ): Promise<{ vector: Float32Array; truncated: boolean; tokenizeMs: number; encodeMs: number }>;
  /** Frees the ONNX Runtime session (when another deployment's model replaces it). */
  release(): Promise<void>;
}
