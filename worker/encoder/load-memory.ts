// Memory checkpoints taken inside the encoder's load (workerd has no JS heap API): ORT's WASM heap plus the
// bytes of the model buffers the load holds at that moment, so the creation peak is sampled, not guessed.
import { wasmHeapBytes } from "../onnx/ort-web.ts";

/** One checkpoint of the load, bytes. */
export interface MemoryCheckpoint {
  /**
   * "tokenizer" (edge.json, vocab and merges read, tokenizer built), "read" (graph files in JS, before ORT),
   * "created" (session returned), "released" (graph bytes freed), "table".
   */
  name: string;
  /** ONNX Runtime's WASM linear memory (it only grows, so this is also its peak so far). */
  wasmHeapBytes: number;
  /** Model file buffers referenced by the load (graph, external data, table). */
  heldBytes: number;
  /** Milliseconds since the load began: the steps' durations (R2 reads, session creation, table read). */
  atMs: number;
}

/** What the load recorded: its checkpoints and the largest wasmHeapBytes + heldBytes among them. */
export interface LoadMemory {
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

  /** Records the WASM heap now and `heldBytes`, the model buffers the caller still references. */
  record(name: string, heldBytes: number): void {
    const atMs = Math.round(performance.now() - this.startedMs);
    this.checkpoints.push({ name, wasmHeapBytes: wasmHeapBytes(), heldBytes, atMs });
  }

  result(): LoadMemory {
    const peakBytes = Math.max(0, ...this.checkpoints.map((c) => c.wasmHeapBytes + c.heldBytes));
    return { checkpoints: [...this.checkpoints], peakBytes };
  }
}
