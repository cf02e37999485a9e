// `frames` end to end: real decoding of ../shared/videos/vid1.mp4, files checked against the reference.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { recordingContext } from "../../test/indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { main } from "../cli.ts";
import { hasNativeFfmpeg } from "../decode/ffmpeg-native.ts";

const decoders = hasNativeFfmpeg() ? ["native", "wasm"] : ["wasm"];

describe.skipIf(!hasSharedData)(`frames command ${hasSharedData ? "" : SHARED_DATA_SKIP_REASON}`, () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clipvr-frames-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(decoders)(
    "--decoder %s writes the reference tensors, frames.json and a JPEG thumbnail",
    async (decoder) => {
      const out = join(dir, decoder);
      const io = recordingContext();
      const code = await main(
        [
          "frames",
          sharedPath("videos", "vid1.mp4"),
          "--out",
          out,
          "--sample",
          "frames:0,29",
          "--decoder",
          decoder,
        ],
        io.context,
      );
      expect(code, io.stderr()).toBe(0);
      expect(JSON.parse(io.stdout())).toEqual({ out, frames: 2, decoder, thumbnail: "thumbnail.jpg" });
      expect((await readdir(out)).sort()).toEqual([
        "frame_000000.npy",
        "frame_000029.npy",
        "frames.json",
        "thumbnail.jpg",
      ]);
      const manifest = JSON.parse(await readFile(join(out, "frames.json"), "utf8"));
      expect(manifest.frames).toEqual([
        { index: 0, timestampSec: 0, file: "frame_000000.npy" },
        { index: 29, timestampSec: 1.16, file: "frame_000029.npy" },
      ]);
      expect(manifest.tensor).toEqual({ dtype: "float32", shape: [3, 224, 224] });
      for (const [file, reference] of [
        ["frame_000000.npy", "v1_0001.npy"],
        ["frame_000029.npy", "v1_0030.npy"],
      ]) {
        const written = parseNpy(new Uint8Array(await readFile(join(out, file))));
        expect(written.dtype).toBe("float32");
        expect(written.shape).toEqual([3, 224, 224]);
        const expected = npyToFloat32(
          parseNpy(new Uint8Array(await readFile(sharedPath("reference", "preprocess", reference)))),
        );
        expect(Buffer.compare(Buffer.from(npyToFloat32(written).buffer), Buffer.from(expected.buffer))).toBe(
          0,
        );
      }
      const jpeg = await readFile(join(out, "thumbnail.jpg"));
      expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    },
  );

  it("rejects a bad --sample and a missing video with one-line errors", async () => {
    const bad = recordingContext();
    expect(
      await main(
        ["frames", sharedPath("videos", "vid1.mp4"), "--out", dir, "--sample", "every:2"],
        bad.context,
      ),
    ).toBe(2);
    expect(bad.stderr()).toMatch(/^error: bad --sample "every:2"/);
    const missing = recordingContext();
    expect(await main(["frames", join(dir, "none.mp4"), "--out", dir], missing.context)).toBe(2);
    expect(missing.stderr()).toMatch(/^error: .*none\.mp4: no such video file\n$/);
  });
});
