// Thumbnail sizes and JPEG encoding of decoded frames (sizes, wrong buffers refused).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeVideo } from "./decode-video.ts";
import { hasNativeFfmpeg } from "./ffmpeg-native.ts";
import { encodeThumbnailJpeg, thumbnailSize } from "./thumbnail.ts";

describe("thumbnailSize", () => {
  it.each([
    [640, 360, 256, { width: 256, height: 144 }],
    [360, 640, 256, { width: 144, height: 256 }],
    [100, 50, 256, { width: 100, height: 50 }],
    [1000, 1, 100, { width: 100, height: 1 }],
  ])("%ix%i in %i -> %j", (width, height, maxSide, expected) => {
    expect(thumbnailSize(width, height, maxSide)).toEqual(expected);
  });
});

describe("encodeThumbnailJpeg", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clipvr-thumb-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // A deterministic 64x48 gradient.
  const width = 64;
  const height = 48;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set([(i * 7) % 256, (i >> 6) * 5, 128], i * 3);

  it.each(hasNativeFfmpeg() ? (["native", "wasm"] as const) : (["wasm"] as const))(
    "%s: a JPEG of the scaled size",
    async (decoder) => {
      const jpeg = await encodeThumbnailJpeg({ width, height, rgb }, 32);
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
      const path = join(dir, `${decoder}.jpg`);
      await writeFile(path, jpeg);
      expect(await probeVideo(path, { decoder })).toMatchObject({ width: 32, height: 24 });
    },
  );

  it("rejects a buffer of the wrong size", async () => {
    await expect(encodeThumbnailJpeg({ width: 2, height: 2, rgb: new Uint8Array(5) })).rejects.toThrow(
      RangeError,
    );
  });
});
