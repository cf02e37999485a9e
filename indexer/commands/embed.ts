// `embed`: the inference stage on its own (as clip-retrieval's): texts, images or one video in, one JSON
// object per line out, from the same encoders `index`, `search` and the Worker use.
import { basename } from "node:path";
import { formatAggregation } from "../../shared/aggregate.ts";
import { InputError } from "../../shared/errors.ts";
import type { TextEncoderCore } from "../../shared/model/text-encoder-core.ts";
import { parseAggregationList } from "../cli/aggregation-list.ts";
import { parseChoiceOption, requireOption } from "../cli/args.ts";
import type { CommandContext } from "../cli/command.ts";
import { defineCommand } from "../cli/define-command.ts";
import { aggregateOption, decoderOption, deviceOption } from "../cli/engine-options.ts";
import { textsFrom } from "../cli/text-input.ts";
import { parseSampling } from "../decode/sampling.ts";
import { embedImageFile } from "../embed/embed-images.ts";
import { embedVideoFile } from "../embed/embed-video.ts";
import { describeTowerFile, parseModelDtype } from "../embed/model-dir.ts";
import { type ExecutionProvider, loadImageEncoder, loadTextEncoder } from "../embed/onnx-runtime.ts";
import { loadEdgeTextEncoder } from "../prepare-edge/load-edge-encoder.ts";
import { webOrt } from "../prepare-edge/onnx-runtime-web.ts";

const DETAILS = `
  npm run cli -- embed text  (--model DIR [--dtype D] | --edge EDGE_DIR) [TEXT...]
  npm run cli -- embed image --model DIR [--dtype D] FILE...
  npm run cli -- embed video --model DIR [--dtype D] FILE [--sample S] [--aggregate A]...

Prints one JSON object per line on stdout; embeddings are L2-normalized float arrays.
  text    {"text", "ids", "embedding"}: ids with <|startoftext|> and <|endoftext|>, cut to the context
          length. With no TEXT, one text per stdin line. --edge EDGE_DIR encodes with a prepare-edge
          directory through onnxruntime-web, the code path the Worker runs (--model is then not needed).
  image   {"file", "embedding"} per FILE: an image file (PNG, JPEG, ...: decoded by ffmpeg, preprocessed as
          the model's preprocessor_config.json says) or a .npy CLIP input tensor [3, S, S] float32 fed as is.
  video   {"file", "frame", "timeSec", "embedding"} per sampled frame, then {"file", "aggregate", "embeddings"}
          per --aggregate: the vectors \`index\` stores for this video (k-means seeded by --id as index does).
`;

const KINDS = ["text", "image", "video"] as const;

function line(context: CommandContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value)}\n`);
}

const vector = (v: Float32Array): number[] => Array.from(v);

/** Texts in batches of this many, so stdin streams through with bounded memory. */
const TEXT_BATCH = 64;

async function embedTexts(
  values: { model?: string; edge?: string; dtype?: string; device: ExecutionProvider },
  positionals: string[],
  context: CommandContext,
): Promise<void> {
  if (values.edge === undefined && values.model === undefined)
    throw new InputError("bad_arguments", "embed text needs --model DIR or --edge EDGE_DIR");
  // One encoder either way; the printed ids are its own tokenizer's, the ones encode would feed.
  let encoder: TextEncoderCore;
  if (values.edge !== undefined) {
    const edge = await loadEdgeTextEncoder(webOrt, values.edge);
    context.stderr.write(
      `text encoder: edge ${values.edge} (${edge.manifest.graph.quantization}, onnxruntime-web)\n`,
    );
    encoder = edge;
  } else {
    const loaded = await loadTextEncoder(requireOption(values.model, "--model"), {
      dtype: parseModelDtype(values.dtype),
      executionProvider: values.device,
    });
    context.stderr.write(`text encoder: ${describeTowerFile(loaded.file)}\n`);
    encoder = loaded.encoder;
  }
  try {
    let batch: string[] = [];
    const flush = async () => {
      const ids = batch.map((text) => encoder.tokenizer.encode(text).ids);
      const vectors = await encoder.encodeIds(ids);
      for (const [i, text] of batch.entries()) {
        line(context, { text, ids: ids[i], embedding: vector(vectors[i]) });
      }
      batch = [];
    };
    for await (const text of textsFrom(positionals, context)) {
      batch.push(text);
      if (batch.length >= TEXT_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    await encoder.release();
  }
}

export const command = defineCommand({
  name: "embed",
  summary: "print CLIP embeddings of texts, images or a video's frames as JSON lines",
  positionals: [
    { name: "KIND", description: KINDS.join(" | ") },
    {
      name: "INPUT...",
      description: "texts (default: stdin's lines), image files, or one video file",
      required: false,
    },
  ],
  options: {
    model: { type: "string", valueName: "DIR", description: "CLIP model directory" },
    dtype: {
      type: "string",
      valueName: "D",
      description: "model files: fp32 | fp16 | q8 | int8 | uint8 | q4 | q4f16 | bnb4 (default fp32)",
    },
    edge: {
      type: "string",
      valueName: "EDGE_DIR",
      description: "(text) prepared edge encoder directory (prepare-edge)",
    },
    sample: {
      type: "string",
      valueName: "SPEC",
      default: "fps:1",
      description: "(video) all | fps:N | uniform:N | frames:i,j (as index)",
    },
    aggregate: aggregateOption("(video) "),
    id: {
      type: "string",
      valueName: "ID",
      description: "(video) the video's index id, seeding k-means (default: the file name)",
    },
    decoder: decoderOption("(image, video) "),
    device: deviceOption,
  },
  details: DETAILS,
  async run({ values, positionals }, context) {
    const [kindText, ...rest] = positionals;
    if (kindText === undefined)
      throw new InputError("bad_arguments", "say what to embed: embed text|image|video ... (see --help)");
    const kind = parseChoiceOption(kindText, "embed", KINDS);
    if (kind === "text") {
      await embedTexts(values, rest, context);
      return 0;
    }
    if (values.edge !== undefined)
      throw new InputError("bad_arguments", "--edge is a text encoder; embed image and video need --model");
    const { decoder } = values;
    if (rest.length === 0) throw new InputError("bad_arguments", `embed ${kind} needs at least one FILE`);
    if (kind === "video" && rest.length !== 1)
      throw new InputError("bad_arguments", "embed video takes one FILE (run it once per video)");
    const sampling = parseSampling(values.sample);
    const aggregations = parseAggregationList(values.aggregate);
    const { model, file, encoder } = await loadImageEncoder(requireOption(values.model, "--model"), {
      dtype: parseModelDtype(values.dtype),
      executionProvider: values.device,
    });
    context.stderr.write(`image encoder: ${describeTowerFile(file)}\n`);
    try {
      if (kind === "image") {
        for (const path of rest)
          line(context, {
            file: path,
            embedding: vector(await embedImageFile(path, model, encoder, decoder)),
          });
        return 0;
      }
      const [path] = rest;
      const result = await embedVideoFile(path, model, encoder, {
        sampling,
        aggregations,
        id: values.id ?? basename(path),
        decoder,
      });
      for (const frame of result.frames)
        line(context, {
          file: path,
          frame: frame.index,
          timeSec: frame.timestampSec,
          embedding: vector(frame.embedding),
        });
      for (const { aggregation, embeddings } of result.aggregates)
        line(context, {
          file: path,
          aggregate: formatAggregation(aggregation),
          embeddings: embeddings.map(vector),
        });
      return 0;
    } finally {
      await encoder.release();
    }
  },
});
