// `generate toy-videos`: writes the synthetic videos, captions, manifest and queries (demo/toy-videos.ts).
import { defineCommand } from "../../cli/define-command.ts";
import { ENCODER_CHOICES } from "../../demo/toy-encode.ts";
import { TOY_MAX_VIDEOS } from "../../demo/toy-video-plan.ts";
import { TOY_DEFAULT_VIDEO_COUNT, writeToyVideos } from "../../demo/toy-videos.ts";

export const command = defineCommand({
  name: "toy-videos",
  summary: "write synthetic videos of coloured shapes with captions and queries",
  options: {
    out: {
      type: "string",
      valueName: "DIR",
      required: true,
      description: "directory to write (created if needed)",
    },
    seed: {
      type: "integer",
      valueName: "N",
      min: 0,
      max: 2 ** 31 - 1,
      default: 1,
      description: "which colours, shapes and motions",
    },
    count: {
      type: "integer",
      valueName: "N",
      min: 1,
      max: TOY_MAX_VIDEOS,
      default: TOY_DEFAULT_VIDEO_COUNT,
      description: "number of videos",
    },
    encoder: {
      type: "string",
      choices: ENCODER_CHOICES,
      default: "auto",
      description: "auto: native ffmpeg when installed (~5x faster), else @ffmpeg/core's WASM build",
    },
  },
  details: `
Writes synthetic videos of coloured shapes on grey (320x240, 10 fps, H.264), a third of them changing
scene once, with:
  DIR/videos/toy-NN.mp4
  DIR/captions.csv   video_id,caption (two captions per video)
  DIR/manifest.csv   id,path,title,url (path relative to DIR)
  DIR/queries.json   [{query, videoId, startSec?, endSec?}]: every caption, and each scene of a
                     scene-change video with its moment in seconds
`,
  async run({ values }, context) {
    const dir = values.out;
    const summary = await writeToyVideos(dir, {
      seed: values.seed,
      count: values.count,
      encoder: values.encoder,
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
});
