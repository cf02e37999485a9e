// A plain-JS (float64) CLIP forward pass written from the paper's/HF's definition, to check the ONNX
// graphs' wiring in tests: same parameter names and layouts as indexer/demo/clip-graph/clip-*-graph.ts.
import type { ClipArch, ParameterSource } from "../indexer/demo/clip-graph/clip-arch.ts";
import { visionTokens } from "../indexer/demo/clip-graph/clip-arch.ts";

type Matrix = Float64Array[];

/** Fetches parameters by name from a source (values only depend on name, dims and init kind). */
type Get = (name: string, dims: number[]) => Float32Array;

function getter(params: ParameterSource): Get {
  // The init spec does not change which values a name gets in the sources used by tests.
  return (name, dims) => params(name, dims, { normal: 1 });
}

function linear(x: Matrix, w: Float32Array, b: Float32Array | null, inDim: number, outDim: number): Matrix {
  return x.map((row) => {
    const out = new Float64Array(outDim);
    for (let i = 0; i < inDim; i++) {
      const xi = row[i];
      for (let o = 0; o < outDim; o++) out[o] += xi * w[i * outDim + o];
    }
    if (b) for (let o = 0; o < outDim; o++) out[o] += b[o];
    return out;
  });
}

function layerNorm(x: Matrix, scale: Float32Array, bias: Float32Array, eps: number): Matrix {
  return x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    const inv = 1 / Math.sqrt(variance + eps);
    return row.map((v, i) => (v - mean) * inv * scale[i] + bias[i]);
  });
}

function add(a: Matrix, b: Matrix): Matrix {
  return a.map((row, r) => row.map((v, i) => v + b[r][i]));
}

function block(
  x: Matrix,
  get: Get,
  name: string,
  width: number,
  heads: number,
  mlp: number,
  causal: boolean,
  eps: number,
) {
  const ln = (input: Matrix, n: string) =>
    layerNorm(input, get(`${n}.weight`, [width]), get(`${n}.bias`, [width]), eps);
  const lin = (input: Matrix, n: string, i: number, o: number) =>
    linear(input, get(`${n}.weight`, [i, o]), get(`${n}.bias`, [o]), i, o);
  const h = ln(x, `${name}.layer_norm1`);
  const headDim = width / heads;
  const q = lin(h, `${name}.self_attn.q_proj`, width, width).map((row) =>
    row.map((v) => v * headDim ** -0.5),
  );
  const k = lin(h, `${name}.self_attn.k_proj`, width, width);
  const v = lin(h, `${name}.self_attn.v_proj`, width, width);
  const context = x.map(() => new Float64Array(width));
  for (let head = 0; head < heads; head++) {
    const off = head * headDim;
    for (let i = 0; i < x.length; i++) {
      const last = causal ? i : x.length - 1;
      const scores: number[] = [];
      for (let j = 0; j <= last; j++) {
        let s = 0;
        for (let d = 0; d < headDim; d++) s += q[i][off + d] * k[j][off + d];
        scores.push(s);
      }
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let j = 0; j <= last; j++)
        for (let d = 0; d < headDim; d++) context[i][off + d] += (exps[j] / total) * v[j][off + d];
    }
  }
  const attended = add(x, lin(context, `${name}.self_attn.out_proj`, width, width));
  const hidden = lin(ln(attended, `${name}.layer_norm2`), `${name}.mlp.fc1`, width, mlp).map((row) =>
    row.map((t) => t / (1 + Math.exp(-1.702 * t))),
  );
  return add(attended, lin(hidden, `${name}.mlp.fc2`, mlp, width));
}

/** text_embeds (not normalized) of one unpadded id sequence. */
export function referenceTextEmbedding(arch: ClipArch, params: ParameterSource, ids: number[]): Float64Array {
  const get = getter(params);
  const { width, vocabSize, contextLength } = arch.text;
  const table = get("text_model.embeddings.token_embedding.weight", [vocabSize, width]);
  const positions = get("text_model.embeddings.position_embedding.weight", [contextLength, width]);
  let x: Matrix = ids.map((id, t) =>
    Float64Array.from({ length: width }, (_, i) => table[id * width + i] + positions[t * width + i]),
  );
  for (let l = 0; l < arch.text.layers; l++)
    x = block(
      x,
      get,
      `text_model.encoder.layers.${l}`,
      width,
      arch.text.heads,
      arch.text.mlpWidth,
      true,
      arch.layerNormEps,
    );
  x = layerNorm(
    x,
    get("text_model.final_layer_norm.weight", [width]),
    get("text_model.final_layer_norm.bias", [width]),
    arch.layerNormEps,
  );
  const end = ids.indexOf(Math.max(...ids));
  return linear(
    [x[end]],
    get("text_projection.weight", [width, arch.projectionDim]),
    null,
    width,
    arch.projectionDim,
  )[0];
}

/** image_embeds (not normalized) of one image, float32 [3, size, size]. */
export function referenceImageEmbedding(
  arch: ClipArch,
  params: ParameterSource,
  pixels: Float32Array,
): Float64Array {
  const get = getter(params);
  const { width, patchSize: p, imageSize } = arch.vision;
  const grid = imageSize / p;
  const weight = get("vision_model.embeddings.patch_embedding.weight", [width, 3, p, p]);
  const tokens = visionTokens(arch.vision);
  const positions = get("vision_model.embeddings.position_embedding.weight", [tokens, width]);
  const cls = get("vision_model.embeddings.class_embedding", [width]);
  let x: Matrix = [Float64Array.from(cls)];
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const out = new Float64Array(width);
      for (let c = 0; c < width; c++)
        for (let ch = 0; ch < 3; ch++)
          for (let ky = 0; ky < p; ky++)
            for (let kx = 0; kx < p; kx++)
              out[c] +=
                weight[((c * 3 + ch) * p + ky) * p + kx] *
                pixels[(ch * imageSize + gy * p + ky) * imageSize + gx * p + kx];
      x.push(out);
    }
  }
  x = x.map((row, t) => row.map((v, i) => v + positions[t * width + i]));
  x = layerNorm(
    x,
    get("vision_model.pre_layrnorm.weight", [width]),
    get("vision_model.pre_layrnorm.bias", [width]),
    arch.layerNormEps,
  );
  for (let l = 0; l < arch.vision.layers; l++)
    x = block(
      x,
      get,
      `vision_model.encoder.layers.${l}`,
      width,
      arch.vision.heads,
      arch.vision.mlpWidth,
      false,
      arch.layerNormEps,
    );
  const pooled = layerNorm(
    [x[0]],
    get("vision_model.post_layernorm.weight", [width]),
    get("vision_model.post_layernorm.bias", [width]),
    arch.layerNormEps,
  );
  return linear(
    pooled,
    get("visual_projection.weight", [width, arch.projectionDim]),
    null,
    width,
    arch.projectionDim,
  )[0];
}
