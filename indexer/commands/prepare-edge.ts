// `prepare-edge`: writes the Worker-ready text encoder (int8 graph on inputs_embeds + compact token table) and
// the browser's image encoder (vision_model.onnx).

import { parseDecimalOption } from "../cli/args.ts";
import { defineCommand } from "../cli/define-command.ts";
import { parseModelDtype, resolveModelDir } from "../embed/model-dir.ts";
import { prepareEdgeModel } from "../prepare-edge/prepare-edge-model.ts";
import { readFrameTensors } from "../prepare-edge/verification-frames.ts";

const DETAILS = `
Turns a CLIP model directory (Transformers.js layout: onnx/text_model.onnx or text_model.onnx; or optimum's
model.onnx, cut to its text tower; inline or external weights; plus vocab.json, merges.txt, config.json)
into the text encoder the Worker runs in onnxruntime-web:
  text_model.onnx (+ text_model.onnx_data)  MatMul weights int8 (dynamic quantization, per-column scales);
                                            input inputs_embeds [batch, seq, width] replaces the token lookup
  token_embeddings.bin                      the token-embedding table: int8 + one float32 scale per row
                                            (--table int8, default) or float16 (--table float16)
  vision_model.onnx                         the image encoder for the browser (onnxruntime-web), one file:
                                            int8 MatMuls when they keep --min-cosine to the fp32 tower on
                                            the verification frames, else the fp32 tower (--vision auto)
  edge.json                                 layout of the above, graph inputs, model id and dimension,
                                            the vision file's size, SHA-256, dtype, cosines, preprocessing
  vocab.json, merges.txt, config.json       copied from --model
The model id and dimension stay those of the source model, so its indexes are accepted.
The result is written beside --out and checked before it replaces anything: 48 fixed sentences are encoded by
the source (fp32, onnxruntime-node) and by the new encoder (onnxruntime-web, as in the Worker); below the
minimum cosine the run fails (exit 2) and --out is left as it was. The vision tower is measured the same way
on 8 generated frames (or the .npy tensors of --vision-frames DIR, e.g. written by \`frames VIDEO --model M\`).
`;

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The .npy frame tensors of `dir`, checked against the model's crop size. */
function frameTensorsFor(modelDir: string, dir: string): Float32Array[] {
  return readFrameTensors(dir, resolveModelDir(modelDir, { towers: [] }).config.preprocess.cropSize);
}

export const command = defineCommand({
  name: "prepare-edge",
  summary: "write the Worker-ready int8 text encoder (token table outside the graph) from a CLIP model dir",
  options: {
    model: { type: "string", valueName: "DIR", required: true, description: "source CLIP model directory" },
    out: {
      type: "string",
      valueName: "DIR",
      required: true,
      description: "output directory (new, empty, or an earlier prepare-edge output, which is replaced)",
    },
    table: {
      type: "string",
      choices: ["int8", "float16"],
      default: "int8",
      description: "token-embedding table",
    },
    matmul: {
      type: "string",
      choices: ["integer", "dqmm"],
      default: "integer",
      description: "integer: ONNX MatMulInteger; dqmm: com.microsoft DynamicQuantizeMatMul",
    },
    dtype: {
      type: "string",
      valueName: "fp32",
      description: "source weights (only fp32: the int8 rewrite starts from full precision)",
    },
    "min-cosine": {
      type: "string",
      valueName: "X",
      description:
        "refuse the result when a sentence's cosine to the source is below X (default 0.99); the same floor picks the vision tower's dtype",
    },
    vision: {
      type: "string",
      choices: ["auto", "int8", "fp32", "none"],
      default: "auto",
      description: "vision tower (auto: none when the model has no vision tower)",
    },
    "vision-frames": {
      type: "string",
      valueName: "DIR",
      description: "measure the vision tower on DIR's .npy CLIP input tensors [3, S, S]",
    },
    json: { type: "boolean", description: "print the result as JSON on stdout" },
  },
  details: DETAILS,
  async run({ values }, context) {
    const { model: modelDir, out: outDir, table, matmul, vision } = values;
    const minCosine =
      values["min-cosine"] === undefined
        ? undefined
        : parseDecimalOption(
            values["min-cosine"],
            "--min-cosine",
            "a number in -1..1",
            (c) => c >= -1 && c <= 1,
          );
    context.stderr.write(`preparing the edge text encoder from ${modelDir} ...\n`);
    const result = await prepareEdgeModel({
      modelDir,
      outDir,
      table,
      matmul,
      dtype: parseModelDtype(values.dtype),
      minCosine,
      vision,
      visionFrames:
        values["vision-frames"] === undefined
          ? undefined
          : frameTensorsFor(modelDir, values["vision-frames"]),
      onProgress: (message) => context.stderr.write(`${message}\n`),
    });
    const outBytes = Object.values(result.files).reduce((a, b) => a + b, 0);
    if (values.json) {
      context.stdout.write(`${JSON.stringify({ outDir, ...result }, null, 2)}\n`);
    } else {
      const { manifest, quantized, verification } = result;
      const tower = result.vision?.tower;
      context.stderr.write(
        `${quantized.matmuls} MatMuls quantized (${mib(quantized.bytesBefore)} -> ${mib(quantized.bytesAfter)}), ` +
          `token table ${manifest.table.rows}x${manifest.table.width} ${manifest.table.dtype}\n` +
          `source text model ${mib(result.sourceBytes)} -> ${outDir} ${mib(outBytes)} ` +
          `(model ${manifest.model.id}, dimension ${manifest.model.dimension})\n` +
          `verified: cosine to the source over ${verification.sentences} sentences min ${verification.minCosine.toFixed(5)}, mean ${verification.meanCosine.toFixed(5)} (floor ${verification.threshold})\n` +
          (tower
            ? `vision tower ${tower.dtype} ${mib(tower.bytes)} (${result.vision?.tried.map((t) => `${t.dtype} ${mib(t.bytes)} min cosine ${t.cosineMin.toFixed(5)}`).join("; ")}; ${tower.verifiedFrames} frames)\n`
            : "no vision tower written\n"),
      );
      context.stdout.write(`${outDir}\n`);
    }
    return 0;
  },
});
