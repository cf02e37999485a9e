// CLIP text encoder over an injected ONNX Runtime (node in the indexer, web in the Worker): texts ->
// token ids -> text_embeds -> L2-normalized vectors. The one place this logic lives.
import { InputError } from "../errors.ts";
import { l2NormalizeInPlace } from "../vectors.ts";
import type { OrtNamespace, OrtSession, OrtTensor } from "./ort-types.ts";
import { checkClipSession, splitRows } from "./session-check.ts";

/** What the encoder needs from a tokenizer (shared/tokenizer/clip-tokenizer.ts ClipTokenizer fits). */
export interface TextEncoderTokenizer {
  /** Ids with start and end tokens, at most the context length. */
  encode(text: string): { ids: number[]; truncated: boolean };
  /** Id of <|endoftext|>, also used as the pad id (as Hugging Face's CLIP tokenizer does). */
  readonly endToken: number;
}

export interface ClipTextEncoderOptions {
  /** Size of the output vectors (config.json projection_dim). */
  dimension: number;
  /** Longest id sequence accepted, start and end included (config.json max_position_embeddings, 77). */
  contextLength: number;
  /** Vocabulary size, to reject out-of-range ids with a clear message (optional). */
  vocabSize?: number;
  /** Texts per ONNX run (default 32); a batch is padded to its longest item. */
  batchSize?: number;
  /** Names the model file in error messages. */
  label?: string;
}

export interface EncodeIdsOptions {
  /** Pad every sequence to at least this length (e.g. 77, as CLIP's original code does), not just the batch's longest. */
  padTo?: number;
}

/** Result of ClipTextEncoder.encode: one vector per text, and whether each text was cut to fit. */
export interface TextEncoding {
  /** Float32Array(dimension), L2-normalized. */
  vectors: Float32Array[];
  truncated: boolean[];
}

/** Encodes texts with a CLIP text tower (inputs input_ids, attention_mask -> output text_embeds). */
export class ClipTextEncoder {
  readonly dimension: number;
  readonly contextLength: number;
  private readonly ort: OrtNamespace;
  private readonly session: OrtSession;
  private readonly tokenizer: TextEncoderTokenizer;
  private readonly padId: number;
  private readonly feedsMask: boolean;
  private readonly batchSize: number;
  private readonly vocabSize?: number;
  private readonly label: string;

  /** Checks the session's inputs/outputs against the CLIP text contract; throws InputError when wrong. */
  constructor(
    ort: OrtNamespace,
    session: OrtSession,
    tokenizer: TextEncoderTokenizer,
    options: ClipTextEncoderOptions,
  ) {
    this.label = options.label ?? "text model";
    checkClipSession(session, "text", options.dimension, this.label);
    this.ort = ort;
    this.session = session;
    this.tokenizer = tokenizer;
    this.dimension = options.dimension;
    this.contextLength = options.contextLength;
    this.vocabSize = options.vocabSize;
    this.padId = tokenizer.endToken;
    this.feedsMask = session.inputNames.includes("attention_mask");
    this.batchSize = options.batchSize ?? 32;
  }

  /** Tokenizes and encodes `texts`; vectors[i] is Float32Array(dimension), L2-normalized. */
  async encode(texts: readonly string[]): Promise<TextEncoding> {
    const encodings = texts.map((text) => this.tokenizer.encode(text));
    const vectors = await this.encodeIds(encodings.map((e) => e.ids));
    return { vectors, truncated: encodings.map((e) => e.truncated) };
  }

  /**
   * Encodes token id sequences (start and end tokens included; the model pools at the first highest
   * id, CLIP's end token). Batches are padded with the end token and masked, so a sequence gives the
   * same vector alone, in a batch, or padded to `padTo`.
   */
  async encodeIds(
    ids: readonly (readonly number[])[],
    options: EncodeIdsOptions = {},
  ): Promise<Float32Array[]> {
    for (let i = 0; i < ids.length; i++) this.checkIds(ids[i], i);
    if (
      options.padTo !== undefined &&
      (!Number.isInteger(options.padTo) || options.padTo > this.contextLength)
    ) {
      throw new InputError(
        "bad_arguments",
        `padTo must be an integer <= ${this.contextLength}, got ${options.padTo}`,
      );
    }
    const vectors: Float32Array[] = [];
    for (let start = 0; start < ids.length; start += this.batchSize) {
      const batch = ids.slice(start, start + this.batchSize);
      for (const vector of await this.runBatch(batch, options.padTo)) vectors.push(vector);
    }
    return vectors;
  }

  /** Frees the session (the encoder cannot be used afterwards). */
  async release(): Promise<void> {
    await this.session.release();
  }

  private checkIds(row: readonly number[], index: number): void {
    if (row.length < 2 || row.length > this.contextLength) {
      throw new InputError(
        "bad_tokens",
        `token sequence ${index} has ${row.length} ids; expected 2..${this.contextLength} (start and end included)`,
      );
    }
    for (const id of row) {
      if (!Number.isInteger(id) || id < 0 || (this.vocabSize !== undefined && id >= this.vocabSize)) {
        throw new InputError("bad_tokens", `token sequence ${index} holds id ${id}, outside the vocabulary`);
      }
    }
  }

  private async runBatch(batch: readonly (readonly number[])[], padTo?: number): Promise<Float32Array[]> {
    const longest = Math.max(...batch.map((row) => row.length));
    const length = Math.max(longest, padTo ?? 0);
    const ids = new BigInt64Array(batch.length * length).fill(BigInt(this.padId));
    const mask = new BigInt64Array(batch.length * length);
    batch.forEach((row, r) => {
      for (let t = 0; t < row.length; t++) {
        ids[r * length + t] = BigInt(row[t]);
        mask[r * length + t] = 1n;
      }
    });
    const feeds: Record<string, OrtTensor> = {
      input_ids: new this.ort.Tensor("int64", ids, [batch.length, length]),
    };
    if (this.feedsMask) feeds.attention_mask = new this.ort.Tensor("int64", mask, [batch.length, length]);
    let outputs: Record<string, OrtTensor> = {};
    // Disposed even when run or the output check throws, so a failed batch does not leak tensor memory.
    try {
      outputs = await this.session.run(feeds);
      const embeds = outputs.text_embeds;
      return splitRows(embeds.data, embeds.dims, batch.length, this.dimension, this.label).map(
        l2NormalizeInPlace,
      );
    } finally {
      for (const tensor of [...Object.values(feeds), ...Object.values(outputs)]) tensor.dispose?.();
    }
  }
}
