// The one CLIP text-encoding path (texts -> token ids -> checked -> feeds -> run -> pooled, projected rows ->
// L2-normalized vectors, timed); ClipTextEncoder and EdgeTextEncoder only say how their graph is fed and read.
import { InputError } from "../errors.ts";
import { l2NormalizeInPlace } from "../vectors.ts";
import type { OrtSession, OrtTensor } from "./ort-types.ts";

/** What the encoder needs from a tokenizer (shared/tokenizer/clip-tokenizer.ts ClipTokenizer fits). */
export interface TextEncoderTokenizer {
  /** Ids with start and end tokens, at most the context length. */
  encode(text: string): { ids: number[]; truncated: boolean };
  /** Id of <|endoftext|>, also used as the pad id (as Hugging Face's CLIP tokenizer does). */
  readonly endToken: number;
}

/** Result of encode: one vector per text, whether each text was cut to fit, and what each step took. */
export interface TextEncoding {
  /** Float32Array(dimension), L2-normalized. */
  vectors: Float32Array[];
  truncated: boolean[];
  /** Milliseconds spent tokenizing the texts (by the encoder's clock). */
  tokenizeMs: number;
  /** Milliseconds from token ids to normalized vectors: checks, feeds, ONNX runs, output reads. */
  encodeMs: number;
}

/** What every text encoder is told about its model. */
export interface TextEncoderCoreOptions {
  /** Size of the output vectors (config.json projection_dim). */
  dimension: number;
  /** Longest id sequence accepted, start and end included (config.json max_position_embeddings, 77). */
  contextLength: number;
  /** Vocabulary size, to reject out-of-range ids with a clear message (optional). */
  vocabSize?: number;
  /** Reads the time in milliseconds for TextEncoding's durations (default performance.now). */
  clock?: () => number;
}

const performanceClock = () => performance.now();

/**
 * Encodes texts and token ids with one ONNX text graph. A subclass gives the graph's batch size, its
 * feeds and where its output rows are; the ids checks, batching, disposal and normalization are here.
 */
export abstract class TextEncoderCore {
  readonly dimension: number;
  readonly contextLength: number;
  protected readonly session: OrtSession;
  /** What encode tokenizes with: callers that show token ids (`embed text`) take them from here. */
  readonly tokenizer: TextEncoderTokenizer;
  private readonly vocabSize?: number;
  private readonly clock: () => number;

  /** Sequences per ONNX run; a batch is padded to its longest sequence (or to padTo). */
  protected abstract readonly batchSize: number;

  /** Feeds for `batch` (ids already checked), each sequence padded to `length` ids. */
  protected abstract feeds(batch: readonly (readonly number[])[], length: number): Record<string, OrtTensor>;

  /**
   * The pooled, projected embedding of each of the `rows` sequences in `outputs`, as arrays the encoder
   * owns (they are normalized in place); throws InputError when the output does not have that shape.
   */
  protected abstract outputRows(outputs: Record<string, OrtTensor>, rows: number): Float32Array[];

  constructor(session: OrtSession, tokenizer: TextEncoderTokenizer, options: TextEncoderCoreOptions) {
    this.session = session;
    this.tokenizer = tokenizer;
    this.dimension = options.dimension;
    this.contextLength = options.contextLength;
    this.vocabSize = options.vocabSize;
    this.clock = options.clock ?? performanceClock;
  }

  /** Tokenizes and encodes `texts`; vectors[i] is Float32Array(dimension), L2-normalized. */
  async encode(texts: readonly string[]): Promise<TextEncoding> {
    const started = this.clock();
    const ids: number[][] = new Array(texts.length);
    const truncated: boolean[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const encoding = this.tokenizer.encode(texts[i]);
      ids[i] = encoding.ids;
      truncated[i] = encoding.truncated;
    }
    const tokenized = this.clock();
    const vectors = await this.encodeIdsPadded(ids);
    return { vectors, truncated, tokenizeMs: tokenized - started, encodeMs: this.clock() - tokenized };
  }

  /**
   * Encodes token id sequences (start and end tokens included, 2..contextLength ids; the model pools at the
   * first highest id, CLIP's end token). A sequence gives the same vector alone or in a batch.
   */
  encodeIds(ids: readonly (readonly number[])[]): Promise<Float32Array[]> {
    return this.encodeIdsPadded(ids);
  }

  /** Frees the session (the encoder cannot be used afterwards). */
  async release(): Promise<void> {
    await this.session.release();
  }

  /** encodeIds with every sequence padded to at least `padTo` ids (an integer <= contextLength). */
  protected async encodeIdsPadded(
    ids: readonly (readonly number[])[],
    padTo?: number,
  ): Promise<Float32Array[]> {
    for (let i = 0; i < ids.length; i++) this.checkIds(ids[i], i);
    if (padTo !== undefined && (!Number.isInteger(padTo) || padTo > this.contextLength)) {
      throw new InputError(
        "bad_arguments",
        `padTo must be an integer <= ${this.contextLength}, got ${padTo}`,
      );
    }
    const vectors: Float32Array[] = [];
    for (let start = 0; start < ids.length; start += this.batchSize) {
      const batch = ids.length <= this.batchSize ? ids : ids.slice(start, start + this.batchSize);
      await this.runBatch(batch, padTo ?? 0, vectors);
    }
    return vectors;
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

  /** Runs one batch and appends its normalized vectors to `vectors`. */
  private async runBatch(
    batch: readonly (readonly number[])[],
    padTo: number,
    vectors: Float32Array[],
  ): Promise<void> {
    let length = padTo;
    for (const row of batch) if (row.length > length) length = row.length;
    const feeds = this.feeds(batch, length);
    let outputs: Record<string, OrtTensor> = {};
    // Disposed even when run or the output check throws, so a failed batch does not leak tensor memory.
    try {
      outputs = await this.session.run(feeds);
      const rows = this.outputRows(outputs, batch.length);
      for (let i = 0; i < rows.length; i++) vectors.push(l2NormalizeInPlace(rows[i]));
    } finally {
      for (const name in feeds) feeds[name].dispose?.();
      for (const name in outputs) outputs[name].dispose?.();
    }
  }
}
