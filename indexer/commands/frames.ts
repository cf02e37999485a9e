// `frames`: decodes a video, samples frames and writes exactly the tensors CLIP's image tower would
// see (one float32 .npy [3,224,224] per frame), a frames.json index and a thumbnail JPEG.
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { CLIP_PREPROCESS, type PreprocessConfig, preprocessFrame } from "../../shared/image/preprocess.ts";
import { encodeNpy } from "../../shared/npy.ts";
import type { CommandContext, ParsedArgs } from "../cli/command.ts";
import { defineCommand } from "../cli/define-command.ts";
import { decoderOption } from "../cli/engine-options.ts";
import { decodeVideoFrames, probeVideo, resolveDecoder } from "../decode/decode-video.ts";
import { formatSampling, parseSampling, SAMPLING_SYNTAX } from "../decode/sampling.ts";
import { encodeThumbnailJpeg } from "../decode/thumbnail.ts";
import { resolveModelDir } from "../embed/model-dir.ts";

const DETAILS = `
Writes the CLIP input tensor of each sampled frame (resize shorter side, Pillow bicubic; center crop;
/255; mean/std) as DIR/frame_NNNNNN.npy (float32 [3,H,W], NNNNNN = 0-based decode-order index),
DIR/frames.json (index, timestampSec and file of each frame, video metadata, preprocessing values)
and DIR/thumbnail.jpg (first sampled frame). Prints a JSON summary on stdout.
`;

function preprocessConfigFrom(modelDir: string | undefined): PreprocessConfig {
  if (modelDir === undefined) return CLIP_PREPROCESS;
  return resolveModelDir(modelDir, { towers: [] }).config.preprocess;
}

/** File name of frame `index`'s tensor. */
function frameFileName(index: number): string {
  return `frame_${String(index).padStart(6, "0")}.npy`;
}

const OPTIONS = {
  out: { type: "string", valueName: "DIR", required: true, description: "directory to write" },
  sample: {
    type: "string",
    valueName: "S",
    default: "all",
    description: `${SAMPLING_SYNTAX} (all: every decoded frame)`,
  },
  decoder: decoderOption(),
  model: {
    type: "string",
    valueName: "DIR",
    description: "size, crop, mean and std from DIR's preprocessor_config.json (default: OpenAI CLIP's)",
  },
  "thumbnail-size": {
    type: "integer",
    valueName: "N",
    min: 16,
    max: 4096,
    default: 256,
    description: "longer side of the thumbnail in pixels",
  },
} as const;

async function run(
  { values, positionals }: ParsedArgs<typeof OPTIONS>,
  context: CommandContext,
): Promise<number> {
  if (positionals.length !== 1)
    throw new InputError("bad_arguments", "expected one video path: frames VIDEO --out DIR (see --help)");
  const video = resolve(positionals[0]);
  const outDir = resolve(values.out);
  const sampling = parseSampling(values.sample);
  const thumbnailSide = values["thumbnail-size"];
  const preprocess = preprocessConfigFrom(values.model);
  const decoder = resolveDecoder(values.decoder);

  const probe = await probeVideo(video, { decoder });
  await mkdir(outDir, { recursive: true });
  const frames: Array<{ index: number; timestampSec: number; file: string }> = [];
  let thumbnail: string | null = null;
  const shape = [3, preprocess.cropSize, preprocess.cropSize];
  for await (const frame of decodeVideoFrames(video, { sampling, decoder, probe })) {
    const tensor = preprocessFrame(frame.rgb, frame.width, frame.height, preprocess);
    const file = frameFileName(frame.index);
    await writeFile(join(outDir, file), encodeNpy({ dtype: "float32", shape, data: tensor }));
    frames.push({ index: frame.index, timestampSec: frame.timestampSec, file });
    if (thumbnail === null) {
      thumbnail = "thumbnail.jpg";
      await writeFile(join(outDir, thumbnail), await encodeThumbnailJpeg(frame, thumbnailSide));
    }
    if (context.stderr.isTTY) context.stderr.write(`\rframes: ${frames.length}`);
  }
  if (context.stderr.isTTY) context.stderr.write("\n");
  if (frames.length === 0)
    context.stderr.write(
      `warning: --sample ${formatSampling(sampling)} kept no frame of ${basename(video)}\n`,
    );
  const manifest = {
    video: basename(video),
    decoder,
    sampling: formatSampling(sampling),
    probe: { durationSec: probe.durationSec, fps: probe.fps, width: probe.width, height: probe.height },
    preprocess,
    tensor: { dtype: "float32", shape },
    thumbnail,
    frames,
  };
  await writeFile(join(outDir, "frames.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  context.stdout.write(`${JSON.stringify({ out: outDir, frames: frames.length, decoder, thumbnail })}\n`);
  return 0;
}

export const command = defineCommand({
  name: "frames",
  summary: "decode a video and write the CLIP input tensor of each sampled frame (.npy)",
  positionals: [{ name: "VIDEO", description: "the video file" }],
  options: OPTIONS,
  details: DETAILS,
  run,
});
