// `frames`: decodes a video, samples frames and writes exactly the tensors CLIP's image tower would
// see (one float32 .npy [3,224,224] per frame), a frames.json index and a thumbnail JPEG.
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { CLIP_PREPROCESS, type PreprocessConfig, preprocessFrame } from "../../shared/image/preprocess.ts";
import { encodeNpy } from "../../shared/npy.ts";
import { parseChoiceOption, parseCommandArgs, parseIntegerOption, requireOption } from "../cli/args.ts";
import type { Command, CommandContext } from "../cli/command.ts";
import {
  DECODER_CHOICES,
  type DecoderChoice,
  decodeVideoFrames,
  probeVideo,
  resolveDecoder,
} from "../decode/decode-video.ts";
import { formatSampling, parseSampling, SAMPLING_SYNTAX } from "../decode/sampling.ts";
import { encodeThumbnailJpeg } from "../decode/thumbnail.ts";
import { resolveModelDir } from "../embed/model-dir.ts";

const USAGE = `
Usage: npm run cli -- frames <video> --out DIR [--sample S] [--decoder D] [--model DIR]

Writes the CLIP input tensor of each sampled frame (resize shorter side, Pillow bicubic; center crop;
/255; mean/std) as DIR/frame_NNNNNN.npy (float32 [3,H,W], NNNNNN = 0-based decode-order index),
DIR/frames.json (index, timestampSec and file of each frame, video metadata, preprocessing values)
and DIR/thumbnail.jpg (first sampled frame). Prints a JSON summary on stdout.
  --sample S        ${SAMPLING_SYNTAX} (default all: every decoded frame)
  --decoder D       auto | native | wasm (default auto: native ffmpeg when on PATH)
  --model DIR       take size, crop, mean and std from DIR's preprocessor_config.json
                    (default: OpenAI CLIP's 224, 224 and mean/std)
  --thumbnail-size N  longer side of the thumbnail in pixels (default 256)
`;

function preprocessConfigFrom(modelDir: string | undefined): PreprocessConfig {
  if (modelDir === undefined) return CLIP_PREPROCESS;
  return resolveModelDir(modelDir, { towers: [] }).config.preprocess;
}

/** File name of frame `index`'s tensor. */
function frameFileName(index: number): string {
  return `frame_${String(index).padStart(6, "0")}.npy`;
}

async function run(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    out: { type: "string" },
    sample: { type: "string" },
    decoder: { type: "string" },
    model: { type: "string" },
    "thumbnail-size": { type: "string" },
  });
  if (positionals.length !== 1) throw new InputError("bad_arguments", `expected one video path${USAGE}`);
  const video = resolve(positionals[0]);
  const outDir = resolve(requireOption(values.out, "--out"));
  const sampling = parseSampling(values.sample ?? "all");
  const choice = parseChoiceOption<DecoderChoice>(values.decoder ?? "auto", "--decoder", DECODER_CHOICES);
  const thumbnailSide = parseIntegerOption(values["thumbnail-size"], "--thumbnail-size", 16, 4096, 256);
  const preprocess = preprocessConfigFrom(values.model);
  const decoder = resolveDecoder(choice);

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
      await writeFile(join(outDir, thumbnail), await encodeThumbnailJpeg(frame, thumbnailSide, { decoder }));
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

export const command: Command = {
  name: "frames",
  summary: "decode a video and write the CLIP input tensor of each sampled frame (.npy)",
  usage: USAGE,
  run,
};
