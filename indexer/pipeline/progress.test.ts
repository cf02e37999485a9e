// ProgressReporter: a redrawn line on a TTY, periodic plain lines otherwise.
import { describe, expect, it } from "vitest";
import { ProgressReporter } from "./progress.ts";

describe("ProgressReporter", () => {
  it("prints periodic plain lines with frames/s and ETA when not a TTY", () => {
    const out: string[] = [];
    let now = 0;
    const progress = new ProgressReporter({ write: (t: string) => out.push(t) }, 4, {
      now: () => now,
      intervalMs: 1000,
    });
    now = 500;
    progress.onEvent({ type: "frames", count: 10 });
    now = 2000;
    progress.onEvent({ type: "frames", count: 10 });
    progress.onEvent({ type: "video", id: "a", ok: true, frames: 20 });
    now = 2500;
    progress.onEvent({ type: "video", id: "b", ok: false, reason: "moov atom not found" });
    progress.finish();
    expect(out).toEqual([
      "videos 0/4, 10 frames, 20.0 frames/s, ETA ?\n",
      "videos 0/4, 20 frames, 10.0 frames/s, ETA ?\n",
      "skipped b: moov atom not found\n",
      "videos 2/4 (1 skipped), 20 frames, 8.0 frames/s, ETA 3s\n",
    ]);
  });

  it("redraws one line on a TTY", () => {
    const out: string[] = [];
    const progress = new ProgressReporter({ write: (t: string) => out.push(t), isTTY: true }, 1, {
      now: () => 0,
    });
    progress.onEvent({ type: "video", id: "a", ok: true, frames: 0 });
    progress.finish();
    expect(out.every((line) => line.startsWith("\r\x1b[K"))).toBe(true);
    expect(out.at(-1)).toMatch(/videos 1\/1.*\n$/);
  });
});
