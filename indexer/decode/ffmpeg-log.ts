// Reads ffmpeg's stderr (run with `-loglevel level+info` and a `showinfo` filter): per-frame index,
// exact timestamp (pts x time base), pixel format and size, plus the error lines. Shared by the
// native and WASM decoders; lines may arrive in chunks, and frames may be awaited before they arrive.

/** One decoded frame as showinfo reports it. */
export interface ShownFrame {
  /** 0-based decode-order index (showinfo's n, which sees every decoded frame). */
  index: number;
  /** Presentation time, seconds from the start of the file (ffmpeg shifts the start to 0). */
  timestampSec: number;
  pixelFormat: string;
  width: number;
  height: number;
}

const TIME_BASE = /Parsed_showinfo.*config in time_base:\s*(\d+)\/(\d+)/;
const FRAME = /Parsed_showinfo.*\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s.*?\bfmt:(\S+)\s.*?\bs:(\d+)x(\d+)/;
const ERROR = /\[(error|fatal|panic)\]\s*(.*)$/;

export class FfmpegLog {
  private timeBaseNum = Number.NaN;
  private timeBaseDen = Number.NaN;
  private readonly frames = new Map<number, ShownFrame>();
  private readonly waiters = new Map<number, Array<(frame: ShownFrame | undefined) => void>>();
  private pending = "";
  private closed = false;
  /** Error-level lines, in order. */
  readonly errors: string[] = [];
  /** Last lines of any level, for error messages. */
  readonly tail: string[] = [];

  /** Nominal frame rate used only for frames without a pts (frames per second, 0 if unknown). */
  constructor(private readonly fallbackFps = 0) {}

  /** Feeds raw stderr text (any chunking). */
  write(text: string): void {
    const lines = (this.pending + text).split(/\r?\n|\r/);
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** Feeds one complete line. */
  line(line: string): void {
    if (line.trim() === "") return;
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    const error = ERROR.exec(line);
    if (error) this.errors.push(error[2].trim());
    const base = TIME_BASE.exec(line);
    if (base) {
      this.timeBaseNum = Number(base[1]);
      this.timeBaseDen = Number(base[2]);
    }
    const match = FRAME.exec(line);
    if (!match) return;
    const index = Number(match[1]);
    const pts = match[2] === "NOPTS" ? Number.NaN : Number(match[2]);
    // pts * num / den in this order: exact for the usual 1/N time bases (1.4, not 1.4000000000000001).
    let timestampSec = (pts * this.timeBaseNum) / this.timeBaseDen;
    // No pts (rare, raw streams): fall back to the nominal rate.
    if (!Number.isFinite(timestampSec)) timestampSec = this.fallbackFps > 0 ? index / this.fallbackFps : 0;
    const frame: ShownFrame = {
      index,
      timestampSec,
      pixelFormat: match[3],
      width: Number(match[4]),
      height: Number(match[5]),
    };
    this.frames.set(index, frame);
    for (const resolve of this.waiters.get(index) ?? []) resolve(frame);
    this.waiters.delete(index);
  }

  /** Marks the end of the stream: pending waits resolve to undefined. */
  close(): void {
    if (this.pending) this.line(this.pending);
    this.pending = "";
    this.closed = true;
    for (const list of this.waiters.values()) for (const resolve of list) resolve(undefined);
    this.waiters.clear();
  }

  /** The frame with decode index `index`, if reported. */
  get(index: number): ShownFrame | undefined {
    return this.frames.get(index);
  }

  /** Resolves when frame `index` is reported, or undefined once the log is closed without it. */
  waitFor(index: number): Promise<ShownFrame | undefined> {
    const known = this.frames.get(index);
    if (known || this.closed) return Promise.resolve(known);
    return new Promise((resolve) => {
      const list = this.waiters.get(index) ?? [];
      list.push(resolve);
      this.waiters.set(index, list);
    });
  }

  /** Drops frames before `index` (keeps memory flat on long videos). */
  forgetBefore(index: number): void {
    for (const key of this.frames.keys()) if (key < index) this.frames.delete(key);
  }

  /** Highest frame index reported so far (-1 when none). */
  get lastIndex(): number {
    let last = -1;
    for (const key of this.frames.keys()) if (key > last) last = key;
    return last;
  }

  /** Error lines that mean the input file itself is damaged (truncated, not decodable). */
  get inputDamage(): string | undefined {
    return this.errors.find((line) =>
      /partial file|Invalid data found|moov atom not found|Error while decoding|corrupt/i.test(line),
    );
  }
}
