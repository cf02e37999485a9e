// CLIP text encoder for a Hugging Face text tower (inputs input_ids, attention_mask? -> output text_embeds) over an
// injected ONNX Runtime (node in the indexer, web in tests and the bench): batched, padded and masked feeds.
import type { OrtNamespace, OrtSession, OrtTensor } from "./ort-types.ts";
import { checkClipSession, splitRows } from "./session-check.ts";
import {
  TextEncoderCore,
  type TextEncoderCoreOptions,
  type TextEncoderTokenizer,
} from "./text-encoder-core.ts";

export interface ClipTextEncoderOptions extends TextEncoderCoreOptions {
  /** Texts per ONNX run (default 32); a batch is padded to its longest item. */
  batchSize?: number;
  /** Names the model file in error messages. */
  label?: string;
}

export interface EncodeIdsOptions {
  /** Pad every sequence to at least this length (e.g. 77, as CLIP's original code does), not just the batch's longest. */
  padTo?: number;
}

/** Encodes texts with a CLIP text tower; the encoding itself is TextEncoderCore's. */
export class ClipTextEncoder extends TextEncoderCore {
  protected readonly batchSize: number;
  private readonly ort: OrtNamespace;
  private readonly padId: number;
  private readonly feedsMask: boolean;
  private readonly label: string;

  /** Checks the session's inputs/outputs against the CLIP text contract; throws InputError when wrong. */
  constructor(
    ort: OrtNamespace,
    session: OrtSession,
    tokenizer: TextEncoderTokenizer,
    options: ClipTextEncoderOptions,
  ) {
    const label = options.label ?? "text model";
    checkClipSession(session, "text", options.dimension, label);
    super(session, tokenizer, options);
    this.label = label;
    this.ort = ort;
    this.padId = tokenizer.endToken;
    this.feedsMask = session.inputNames.includes("attention_mask");
    this.batchSize = options.batchSize ?? 32;
  }

  /**
   * Encodes token id sequences (start and end tokens included). Batches are padded with the end token and
   * masked, so a sequence gives the same vector alone, in a batch, or padded to `padTo`.
   */
  override encodeIds(
    ids: readonly (readonly number[])[],
    options: EncodeIdsOptions = {},
  ): Promise<Float32Array[]> {
    return this.encodeIdsPadded(ids, options.padTo);
  }

  protected feeds(batch: readonly (readonly number[])[], length: number): Record<string, OrtTensor> {
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
    return feeds;
  }

  protected outputRows(outputs: Record<string, OrtTensor>, rows: number): Float32Array[] {
    const embeds = outputs.text_embeds;
    return splitRows(embeds.data, embeds.dims, rows, this.dimension, this.label);
  }
}
