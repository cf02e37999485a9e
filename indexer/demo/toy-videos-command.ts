// `kit toy-videos`: writes the synthetic videos, captions, manifest and queries (toy-videos.ts).
import { parseChoiceOption, parseCommandArgs, parseIntegerOption, requireOption } from "../cli/args.ts";
import type { Command } from "../cli/command.ts";
import { ENCODER_CHOICES, type EncoderChoice } from "./toy-encode.ts";
import { TOY_MAX_VIDEOS } from "./toy-video-plan.ts";
import { TOY_DEFAULT_VIDEO_COUNT, writeToyVideos } from "./toy-videos.ts";

const usage = `
Usage: npm run cli -- kit toy-videos --out DIR [--seed N] [--count N] [--encoder KIND]

Writes synthetic videos of coloured shapes on grey (320x240, 10 fps, H.264 via native ffmpeg, or
@ffmpeg/core's WASM build when ffmpeg is not installed), a third of them changing scene once, with:
  DIR/videos/toy-NN.mp4
  DIR/captions.csv   video_id,caption (two captions per video)
  DIR/manifest.csv   id,path,title,url (path relative to DIR)
  DIR/queries.json   [{query, videoId, startSec?, endSec?}]: every caption, and each scene of a
                     scene-change video with its moment in seconds

  --out DIR    directory to write (created if needed)
  --seed N     which colours, shapes and motions (default 1)
  --count N    number of videos, 1..${TOY_MAX_VIDEOS} (default ${TOY_DEFAULT_VIDEO_COUNT})
  --encoder KIND  auto | native | wasm (default auto: native ffmpeg when installed, ~5x faster)
`;

/** The `toy-videos` kind of `kit`. */
export const toyVideosKind: Command = {
  name: "toy-videos",
  summary: "write synthetic videos of coloured shapes with captions and queries",
  usage,
  async run(args, context) {
    const { values } = parseCommandArgs(
      args,
      {
        out: { type: "string" },
        seed: { type: "string" },
        count: { type: "string" },
        encoder: { type: "string" },
      },
      false,
    );
    const dir = requireOption(values.out, "--out");
    const summary = await writeToyVideos(dir, {
      seed: parseIntegerOption(values.seed, "--seed", 0, 2 ** 31 - 1, 1),
      count: parseIntegerOption(values.count, "--count", 1, TOY_MAX_VIDEOS, TOY_DEFAULT_VIDEO_COUNT),
      encoder: parseChoiceOption<EncoderChoice>(values.encoder ?? "auto", "--encoder", ENCODER_CHOICES),
      onVideo: (done, total, plan) => {
        if (context.stderr.isTTY) context.stderr.write(`\r${done}/${total} ${plan.path}`);
      },
    });
    if (context.stderr.isTTY) context.stderr.write("\n");
    context.stderr.write(`wrote ${summary.videos} videos, ${summary.captions} captions to ${dir}\n`);
    const { plans: _plans, ...rest } = summary;
    context.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
    return 0;
  },
};
