// Decoding ../shared/videos/vid1.mp4 (56 frames, 25 fps, 640x360) with real ffmpeg (native and WASM).
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInputError } from "../../shared/errors.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { type DecodeOptions, decodeVideoFrames, probeVideo } from "./decode-video.ts";
import type { DecodedFrame } from "./decoded-frame.ts";
import { hasNativeFfmpeg, runNative } from "./ffmpeg-native.ts";
import { parseSampling } from "./sampling.ts";

const native = hasNativeFfmpeg();
if (!native) console.warn("[skip] native ffmpeg/ffprobe not on PATH: native decoding tests are skipped");
const VID1 = sharedPath("videos", "vid1.mp4");

async function collect(path: string, options: DecodeOptions): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of decodeVideoFrames(path, options)) frames.push(frame);
  return frames;
}

/** Pids of this process's ffmpeg children that are still running (Linux /proc). */
async function liveFfmpegChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // "pid (comm) state ppid ..."
    const match = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
    if (match && match[1] === "ffmpeg" && match[2] !== "Z" && Number(match[3]) === process.pid)
      pids.push(Number(entry));
  }
  return pids;
}

async function expectInputError(promise: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isInputError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(text);
}

describe.skipIf(!hasSharedData)(`decoding vid1.mp4 ${hasSharedData ? "" : SHARED_DATA_SKIP_REASON}`, () => {
  describe.skipIf(!native)("native ffmpeg", () => {
    it("probes the video", async () => {
      const probe = await probeVideo(VID1, { decoder: "native" });
      expect(probe).toMatchObject({
        durationSec: 2.23,
        fps: 25,
        width: 640,
        height: 360,
        estimatedFrameCount: 56,
      });
    });

    it("all: every decoded frame, indices 0..55, timestamps index / 25 s", async () => {
      const frames = await collect(VID1, { sampling: parseSampling("all"), decoder: "native" });
      expect(frames.map((f) => f.index)).toEqual(Array.from({ length: 56 }, (_, i) => i));
      for (const frame of frames) {
        expect(frame.timestampSec).toBeCloseTo(frame.index / 25, 9);
        expect([frame.width, frame.height, frame.rgb.length]).toEqual([640, 360, 640 * 360 * 3]);
      }
    });

    it.each([
      ["fps:1", [0, 25, 50]],
      ["fps:10", [0, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25, 28, 30, 33, 35, 38, 40, 43, 45, 48, 50, 53, 55]],
      ["uniform:4", [7, 21, 35, 49]],
      ["uniform:1", [28]],
      ["frames:55,0,29,300", [0, 29, 55]],
    ])("%s keeps decode indices %j with pts timestamps", async (sample, indices) => {
      const frames = await collect(VID1, { sampling: parseSampling(sample), decoder: "native" });
      expect(frames.map((f) => f.index)).toEqual(indices);
      expect(frames.map((f) => f.timestampSec)).toEqual(indices.map((i) => (i * 512) / 12800));
    });

    it.skipIf(!existsSync("/proc/self/stat"))("stops ffmpeg when the consumer stops early", async () => {
      let during: number[] = [];
      for await (const frame of decodeVideoFrames(VID1, {
        sampling: parseSampling("all"),
        decoder: "native",
      })) {
        during = await liveFfmpegChildren();
        if (frame.index === 1) break;
      }
      expect(during.length).toBe(1);
      // SIGKILL is sent before the loop exits; give the kernel a moment to reap the process.
      let after = await liveFfmpegChildren();
      for (let i = 0; i < 50 && after.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await liveFfmpegChildren();
      }
      expect(after).toEqual([]);
    });
  });

  describe.skipIf(!native)("WASM core against native", () => {
    it.each(["frames:0,29", "uniform:3"])(
      "%s: byte-identical rgb, same indices and timestamps",
      async (sample) => {
        const sampling = parseSampling(sample);
        const wasm = await collect(VID1, { sampling, decoder: "wasm" });
        const nat = await collect(VID1, { sampling, decoder: "native" });
        expect(wasm.length).toBeGreaterThan(0);
        expect(wasm.map(({ rgb, ...meta }) => meta)).toEqual(nat.map(({ rgb, ...meta }) => meta));
        for (let i = 0; i < wasm.length; i++) expect(Buffer.compare(wasm[i].rgb, nat[i].rgb)).toBe(0);
      },
    );

    it("agree on formats ffmpeg converts (full-range MJPEG) and on rotated video", async () => {
      const dir = await mkdtemp(join(tmpdir(), "clipvr-formats-"));
      try {
        const mjpeg = join(dir, "full-range.avi");
        const rotated = join(dir, "rotated.mp4");
        const lavfi = ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-frames:v", "3"];
        expect(
          (
            await runNative("ffmpeg", [
              "-v",
              "error",
              ...lavfi,
              "-c:v",
              "mjpeg",
              "-pix_fmt",
              "yuvj420p",
              mjpeg,
            ])
          ).code,
        ).toBe(0);
        const rotate = [
          "-v",
          "error",
          "-i",
          VID1,
          "-t",
          "0.1",
          "-c",
          "copy",
          "-metadata:s:v:0",
          "rotate=90",
          rotated,
        ];
        expect((await runNative("ffmpeg", rotate)).code).toBe(0);
        expect(await probeVideo(rotated, { decoder: "wasm" })).toMatchObject({ width: 360, height: 640 });
        for (const path of [mjpeg, rotated]) {
          const wasm = await collect(path, { sampling: parseSampling("all"), decoder: "wasm" });
          const nat = await collect(path, { sampling: parseSampling("all"), decoder: "native" });
          expect(nat.length).toBeGreaterThan(1);
          expect(wasm.map(({ rgb, ...meta }) => meta)).toEqual(nat.map(({ rgb, ...meta }) => meta));
          for (let i = 0; i < wasm.length; i++) expect(Buffer.compare(wasm[i].rgb, nat[i].rgb)).toBe(0);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("probes the same metadata", async () => {
      expect(await probeVideo(VID1, { decoder: "wasm" })).toEqual(
        await probeVideo(VID1, { decoder: "native" }),
      );
    });
  });

  it("the WASM core decodes without native ffmpeg (frames:0,1)", async () => {
    const frames = await collect(VID1, { sampling: parseSampling("frames:0,1"), decoder: "wasm" });
    expect(frames.map((f) => [f.index, f.timestampSec, f.width, f.height])).toEqual([
      [0, 0, 640, 360],
      [1, 0.04, 640, 360],
    ]);
  });
});

describe("bad input files", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clipvr-decode-"));
    await writeFile(join(dir, "empty.mp4"), new Uint8Array(0));
    await writeFile(join(dir, "notes.mp4"), "these are not the frames you are looking for\n");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const decoders = native ? (["native", "wasm"] as const) : (["wasm"] as const);
  const all = parseSampling("all");

  it.each(decoders)("%s: missing, empty and non-video files", async (decoder) => {
    await expectInputError(
      probeVideo(join(dir, "nope.mp4"), { decoder }),
      "video_not_found",
      /no such video file/,
    );
    await expectInputError(
      collect(join(dir, "empty.mp4"), { sampling: all, decoder }),
      "empty_video",
      /empty/,
    );
    await expectInputError(
      collect(join(dir, "notes.mp4"), { sampling: all, decoder }),
      "not_a_video",
      /not a readable video/,
    );
    await expectInputError(collect(dir, { sampling: all, decoder }), "not_a_video", /not a file/);
  });

  it.skipIf(!hasSharedData)(
    "a file cut before its index (moov at the end) is not a readable video",
    async () => {
      const bytes = await readFile(VID1);
      const cut = join(dir, "cut-head.mp4");
      await writeFile(cut, bytes.subarray(0, 100_000));
      for (const decoder of decoders)
        await expectInputError(probeVideo(cut, { decoder }), "not_a_video", /moov atom not found/);
    },
  );

  it.skipIf(!hasSharedData || !native)(
    "a truncated file fails after the frames before the damage",
    async () => {
      // Index first (faststart), then cut the media data: ffmpeg decodes part of it and exits 0.
      const faststart = join(dir, "faststart.mp4");
      const remux = await runNative("ffmpeg", [
        "-v",
        "error",
        "-i",
        VID1,
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        faststart,
      ]);
      expect(remux.code).toBe(0);
      const cut = join(dir, "cut-tail.mp4");
      await writeFile(cut, (await readFile(faststart)).subarray(0, 120_000));
      for (const decoder of decoders) {
        const seen: number[] = [];
        const run = (async () => {
          for await (const frame of decodeVideoFrames(cut, { sampling: all, decoder }))
            seen.push(frame.index);
        })();
        await expectInputError(run, "damaged_video", /truncated or corrupt/);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.length).toBeLessThan(56);
      }
    },
  );

  it.skipIf(!hasSharedData || !native)("an audio-only file has no video stream", async () => {
    const audio = join(dir, "audio.m4a");
    expect((await runNative("ffmpeg", ["-v", "error", "-i", VID1, "-vn", "-c:a", "copy", audio])).code).toBe(
      0,
    );
    for (const decoder of decoders)
      await expectInputError(probeVideo(audio, { decoder }), "not_a_video", /no video stream/);
  });

  it.skipIf(!native)("an audio file with cover art has no video stream (not a 1-frame video)", async () => {
    const audio = join(dir, "cover-art.m4a");
    const made = await runNative("ffmpeg", [
      ...[
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=1",
        "-f",
        "lavfi",
        "-i",
        "color=blue:s=64x64:d=1",
      ],
      ...["-map", "0:a", "-map", "1:v", "-frames:v", "1", "-c:a", "aac", "-c:v", "mjpeg"],
      ...["-disposition:v:0", "attached_pic", audio],
    ]);
    expect(made.code, made.stderr).toBe(0);
    for (const decoder of decoders)
      await expectInputError(probeVideo(audio, { decoder }), "not_a_video", /no video stream/);
  });

  it.skipIf(!native)(
    "delivers frames over 4096 px scaled down to at most 4096 px (memory), others untouched",
    async () => {
      const wide = join(dir, "wide.mkv");
      const made = await runNative("ffmpeg", [
        ...["-v", "error", "-f", "lavfi", "-i", "testsrc=s=6000x1000:d=0.2:r=10"],
        ...["-c:v", "mjpeg", "-q:v", "5", wide],
      ]);
      expect(made.code, made.stderr).toBe(0);
      for (const decoder of decoders) {
        expect((await probeVideo(wide, { decoder })).width).toBe(6000);
        const frames: DecodedFrame[] = [];
        for await (const frame of decodeVideoFrames(wide, { sampling: all, decoder })) frames.push(frame);
        expect(frames.length).toBe(2);
        for (const frame of frames) {
          expect([decoder, frame.width, frame.height, frame.rgb.length]).toEqual([
            decoder,
            4096,
            682,
            4096 * 682 * 3,
          ]);
        }
      }
    },
    60_000,
  );
});
