// The frame source on ../shared/videos/vid1.mp4 with real ffmpeg: a video is stat'ed once per run (by
// readSourceIdentity, whose result the job carries), not again by the probe or the decoder.
import { describe, expect, it, vi } from "vitest";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { hasNativeFfmpeg } from "../decode/ffmpeg-native.ts";
import { parseSampling } from "../decode/sampling.ts";
import { readSourceIdentity } from "../discover/source-identity.ts";
import { createFrameSource } from "./frame-source.ts";

const statted: string[] = [];
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    stat: (path: string, ...rest: []) => {
      statted.push(String(path));
      return actual.stat(path, ...rest);
    },
  };
});

const VID1 = sharedPath("videos", "vid1.mp4");

describe.skipIf(!hasSharedData || !hasNativeFfmpeg())(
  `createFrameSource ${hasSharedData ? "" : SHARED_DATA_SKIP_REASON}`,
  () => {
    it("probes and decodes with the caller's stat, not its own", async () => {
      const identity = await readSourceIdentity(VID1);
      if ("error" in identity) throw new Error(identity.error);
      const source = createFrameSource(parseSampling("uniform:2"), "native");
      const info = await source.probe(VID1, identity);
      const frames = [];
      for await (const frame of source.frames(VID1, info)) frames.push(frame.index);
      expect(info).toMatchObject({ width: 640, height: 360 });
      expect(frames).toHaveLength(2);
      expect(statted.filter((path) => path === VID1)).toHaveLength(1);
    });

    it("refuses an empty file from the caller's stat", async () => {
      const source = createFrameSource(parseSampling("uniform:2"), "native");
      await expect(source.probe(VID1, { sizeBytes: 0 })).rejects.toThrow("the file is empty (0 bytes)");
    });
  },
);
