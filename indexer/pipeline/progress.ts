// Progress of an indexing run for people (stderr): a redrawn line on a TTY, periodic plain lines otherwise.
import type { PipelineEvent } from "./types.ts";

/** Where progress goes: the command's stderr. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Counts videos and frames from pipeline events and draws "videos done/total, frames/s, ETA".
 * `now` (milliseconds) is injectable for tests.
 */
export class ProgressReporter {
  private readonly sink: ProgressSink;
  private readonly total: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly start: number;
  private done = 0;
  private failed = 0;
  private frames = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;

  /** `total` = videos this run has to process (resumed ones excluded). */
  constructor(sink: ProgressSink, total: number, options: { intervalMs?: number; now?: () => number } = {}) {
    this.sink = sink;
    this.total = total;
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? (sink.isTTY ? 200 : 10_000);
    this.start = this.now();
  }

  /** Feeds one pipeline event; redraws when the interval has passed. */
  onEvent(event: PipelineEvent): void {
    if (event.type === "frames") this.frames += event.count;
    else {
      this.done++;
      if (!event.ok) {
        this.failed++;
        this.sink.write(`${this.sink.isTTY ? "\r\x1b[K" : ""}skipped ${event.id}: ${event.reason}\n`);
        this.lastDraw = Number.NEGATIVE_INFINITY;
      }
    }
    if (this.now() - this.lastDraw >= this.intervalMs) this.draw();
  }

  /** The current status line (without a newline). */
  line(): string {
    const seconds = (this.now() - this.start) / 1000;
    const fps = seconds > 0 ? this.frames / seconds : 0;
    const eta = this.done > 0 ? ((this.total - this.done) * seconds) / this.done : Number.POSITIVE_INFINITY;
    const failed = this.failed > 0 ? ` (${this.failed} skipped)` : "";
    return `videos ${this.done}/${this.total}${failed}, ${this.frames} frames, ${fps.toFixed(1)} frames/s, ETA ${formatDuration(eta)}`;
  }

  /** Ends the progress display (a final line on a TTY). */
  finish(): void {
    if (this.sink.isTTY) this.sink.write(`\r\x1b[K${this.line()}\n`);
  }

  private draw(): void {
    this.lastDraw = this.now();
    this.sink.write(this.sink.isTTY ? `\r\x1b[K${this.line()}` : `${this.line()}\n`);
  }
}
