// `search`: ranks the videos of a local index for a text query, with the best moment of each.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { assertSameModel } from "../../shared/index-format.ts";
import { defineCommand } from "../cli/define-command.ts";
import { deviceOption } from "../cli/engine-options.ts";
import { loadTextTower } from "../embed/clip-towers.ts";
import { describeTowerFile, parseModelDtype, resolveModelDir, towerFile } from "../embed/model-dir.ts";
import { readIndex } from "../index/reader.ts";
import { rankIndexVideos } from "../search/rank.ts";
import { scoreIndexRows } from "../search/score-rows.ts";

const DETAILS = `
Embeds the text with the model's text encoder (it must be the model that built the index) and
ranks the index's videos by cosine similarity: exact, every vector scored, a video counted by its
best vector. With segments in the index, each hit also shows its best moment. --json prints
{query, model, dimension, textModel, results[]} (results[]: rank, videoId, title, url, score,
moment {startSec, endSec, score}), the fields of the worker's /api/search.
`;

/** models/<id> under the working directory, where `generate` and the README put models; else ask for --model. */
function defaultModelDir(id: string): string {
  const dir = resolve("models", id);
  if (!existsSync(dir))
    throw new InputError(
      "bad_arguments",
      `missing --model: give the directory of model "${id}" that built the index`,
    );
  return dir;
}

function formatTime(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(1).padStart(4, "0")}`;
}

export const command = defineCommand({
  name: "search",
  summary: "search a local index with a text query (exact cosine top-k)",
  positionals: [{ name: "TEXT", description: "the query, quoted" }],
  options: {
    index: {
      type: "string",
      valueName: "INDEX_DIR",
      required: true,
      description: "index directory written by `index` or `merge`",
    },
    model: {
      type: "string",
      valueName: "DIR",
      description: "CLIP model directory of the index (default: models/<model id of the index>)",
    },
    k: {
      type: "integer",
      valueName: "N",
      min: 1,
      max: 100_000,
      default: 10,
      description: "number of videos",
    },
    aggregation: {
      type: "string",
      valueName: "SPEC",
      description: "score only this stored aggregation (e.g. mean, kmeans:4)",
    },
    dtype: {
      type: "string",
      valueName: "D",
      description: "text model file to run: fp32 | fp16 | q8 | ... (Transformers.js names; default fp32)",
    },
    device: deviceOption,
    json: { type: "boolean", description: "print the results as JSON on stdout (see below)" },
  },
  details: DETAILS,
  async run({ values, positionals }, context) {
    if (positionals.length !== 1 || positionals[0].trim() === "")
      throw new InputError(
        "bad_arguments",
        'give one query text, quoted: search "a dog on a beach" --index DIR',
      );
    const { k } = values;
    // Search ranks videos only: captions.json and captions.npy are not needed.
    const index = await readIndex(values.index, { captions: false });
    const model = resolveModelDir(values.model ?? defaultModelDir(index.manifest.model.id), {
      towers: ["text"],
      dtype: parseModelDtype(values.dtype),
    });
    const textModel = describeTowerFile(towerFile(model, "text"));
    assertSameModel(index.manifest.model, { id: model.id, dimension: model.config.projectionDim });
    const text = await loadTextTower(model, { device: values.device });
    let query: Float32Array;
    try {
      [query] = await text.encode([positionals[0]]);
    } finally {
      await text.release();
    }
    const scores = await scoreIndexRows(index.vectors, index.manifest.model.dimension, query);
    // Field names as the worker's API (/api/search): results[].videoId, moment.startSec/endSec, model (id).
    const results = rankIndexVideos(index, scores, k, values.aggregation).map((hit, rank) => {
      const video = index.videos[hit.video];
      return {
        rank: rank + 1,
        videoId: video.id,
        title: video.title,
        url: video.url,
        score: hit.score,
        moment: hit.moment,
      };
    });
    if (values.json) {
      const { id, dimension } = index.manifest.model;
      const body = { query: positionals[0], model: id, dimension, textModel, results };
      context.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return 0;
    }
    context.stderr.write(`text model: ${textModel}\n`);
    for (const hit of results) {
      const moment = hit.moment
        ? `  best moment ${formatTime(hit.moment.startSec)}-${formatTime(hit.moment.endSec)}`
        : "";
      context.stdout.write(
        `${String(hit.rank).padStart(3)}  ${hit.score.toFixed(4)}  ${hit.videoId}${moment}\n`,
      );
    }
    if (results.length === 0) context.stderr.write("the index holds no videos\n");
    return 0;
  },
});
