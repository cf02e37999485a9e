// Checkpoints taken inside the encoder's and the flat index's loads (workerd has no JS heap API): when each step
// ended, ORT's WASM heap and the bytes of the buffers the load holds then, so the cold start's steps and the
// creation peak are measured inside the isolate, not guessed.
import { wasmHeapBytes } from "../onnx/ort-web.ts";

/** One checkpoint of the load, bytes. */
export interface MemoryCheckpoint {
  /**
   * Encoder: "tokenizer" (edge.json, vocab and merges read, tokenizer built), "read" (graph files in JS,
   * before ORT), "created" (session returned), "released" (graph bytes freed), "table".
   * Flat index: "read" (files read from R2 and checked against the contract), "quantized" (int8 copy made),
   * "scoring" (ONNX Runtime scoring sessions created).
   */
  name: string;
  /** ONNX Runtime's WASM linear memory (it only grows, so this is also its peak so far). */
  wasmHeapBytes: number;
  /** Buffers referenced by the load: model files (graph, external data, table), or the index's vectors. */
  heldBytes: number;
  /** Milliseconds since the load began: the steps' durations (R2 reads, session creation, table read). */
  atMs: number;
}

/** What the load recorded: its checkpoints and the largest wasmHeapBytes + heldBytes among them. */
export interface LoadMemory {
  /** When the load began (Date.now()): puts the encoder's and the index's concurrent loads on one timeline. */
  startedAtEpochMs: number;
  checkpoints: MemoryCheckpoint[];
  /**
   * Max over the checkpoints of WASM heap + held buffers. Excludes the JS heap (objects, strings: measure it
   * from outside, e.g. with the inspector) and whatever the index load holds at the same time.
   */
  peakBytes: number;
}

/** Collects checkpoints during one load. */
export class LoadMemoryLog {
  private readonly checkpoints: MemoryCheckpoint[] = [];
  private readonly startedMs = performance.now();
  private readonly startedAtEpochMs = Date.now();

  /** Records the WASM heap now and `heldBytes`, the model buffers the caller still references. */
  record(name: string, heldBytes: number): void {
    const atMs = Math.round(performance.now() - this.startedMs);
    this.checkpoints.push({ name, wasmHeapBytes: wasmHeapBytes(), heldBytes, atMs });
  }

  result(): LoadMemory {
    const peakBytes = Math.max(0, ...this.checkpoints.map((c) => c.wasmHeapBytes + c.heldBytes));
    return { startedAtEpochMs: this.startedAtEpochMs, checkpoints: [...this.checkpoints], peakBytes };
  }
}
