// Per-stage busy time of the indexing pipeline (seconds each stage spent working, not waiting).

/** Stage names reported in the summary. */
export type StageName = "decode" | "preprocess" | "embed" | "write";

/** Accumulates busy seconds per stage. */
export class StageClock {
  private readonly seconds: Record<StageName, number> = { decode: 0, preprocess: 0, embed: 0, write: 0 };

  /** Adds the time `work` takes (sync or async) to `stage`. */
  async time<T>(stage: StageName, work: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.seconds[stage] += (performance.now() - start) / 1000;
    }
  }

  /** Adds a measured duration in seconds. */
  add(stage: StageName, seconds: number): void {
    this.seconds[stage] += seconds;
  }

  /** Busy seconds per stage, rounded to milliseconds. */
  snapshot(): Record<StageName, number> {
    const out = { ...this.seconds };
    for (const key of Object.keys(out) as StageName[]) out[key] = Math.round(out[key] * 1000) / 1000;
    return out;
  }
}
