// The toy vision tower: finds the saturated (non-grey) object, measures its colour mix and its
// shape statistics, and maps them onto the same concept axes as the text tower. Fixed weights.
import { CLIP_PREPROCESS } from "../../shared/image/preprocess.ts";
import { GraphBuilder } from "../onnx/graph-builder.ts";
import { TOY_AXES, TOY_COLOURS, TOY_SHAPES } from "./toy-concepts.ts";

/** Input side (pixels) of the vision tower; CLIP's crop size. */
export const TOY_IMAGE_SIZE = 224;
/** Concept weight of every image on the bias axis. */
export const IMAGE_BIAS = 0.5;

// A pixel is foreground when max(rgb) - min(rgb) is well above the grey background's (about 0)
// and below the least saturated colour's (0.6); the sigmoid keeps H.264's blurred edges partial.
const SATURATION_THRESHOLD = 0.25;
const SATURATION_SHARPNESS = 40;
// Softmax sharpness of "nearest colour" (per squared RGB distance) and "nearest shape".
const COLOUR_SHARPNESS = 30;
const SHAPE_SHARPNESS = 150;
// Asymmetry is scaled before comparing, so triangle (1/6) and diamond (0) are as far apart as fills.
const ASYMMETRY_SCALE = 2;
// Objects smaller than this many (pooled) pixels fade out of the colour and shape axes.
const PRESENCE_PIXELS = 12;
// Downsampling factor before measuring.
const POOL = 2;

/**
 * Graph: pixel_values float32 [batch, 3, 224, 224] (CLIP-normalized) -> image_embeds float32
 * [batch, dim] (not normalized). `rotation` is row-major [dim, dim] (toy-space.ts).
 *
 * Features, all per image: colour k = share of the foreground nearest to colour k; shape j =
 * softmax over shapes of -distance between (fill ratio, asymmetry) and shape j's, times presence;
 * fill = area / (bounding-box width x height), asymmetry = (mass centroid y - box centre y) / height.
 */
export function buildToyVisionGraph(rotation: Float64Array, dim: number): GraphBuilder {
  const size = TOY_IMAGE_SIZE;
  const g = new GraphBuilder("toy_clip_vision");
  const pixels = g.input("pixel_values", "float32", ["batch_size", 3, size, size]);
  const std = g.constant("std", "float32", [1, 3, 1, 1], Float32Array.from(CLIP_PREPROCESS.std));
  const mean = g.constant("mean", "float32", [1, 3, 1, 1], Float32Array.from(CLIP_PREPROCESS.mean));
  // Undo the preprocessor's normalization (preprocessor_config.json holds the same values): RGB in [0, 1].
  const fullRgb = g.op("Add", [g.op("Mul", [pixels, std]), mean]);
  // Statistics at half resolution: 4x less work, and objects stay tens of pixels wide.
  const rgb = g.op("AveragePool", [fullRgb], { kernel_shape: [POOL, POOL], strides: [POOL, POOL] });

  // Foreground mask [N,1,H,W] from saturation.
  const saturation = g.op("Sub", [
    g.op("ReduceMax", [rgb], { axes: [1], keepdims: 1 }),
    g.op("ReduceMin", [rgb], { axes: [1], keepdims: 1 }),
  ]);
  const shifted = g.op("Sub", [saturation, g.scalar("threshold", SATURATION_THRESHOLD)]);
  const fg = g.op("Sigmoid", [g.op("Mul", [shifted, g.scalar("sharpness", SATURATION_SHARPNESS)])]);
  const spatial = g.ints("axes", [2, 3]);
  const area = g.op("ReduceSum", [fg, spatial], { keepdims: 0 }); // [N,1]

  // Colour shares [N,K]: softmax over -beta*|rgb - c_k|^2 = beta*(2 c_k.rgb - |c_k|^2) + per-pixel constant.
  const k = TOY_COLOURS.length;
  const colourWeights = new Float32Array(k * 3);
  const colourBias = new Float32Array(k);
  TOY_COLOURS.forEach((colour, i) => {
    colour.rgb.forEach((v, c) => {
      colourWeights[i * 3 + c] = 2 * COLOUR_SHARPNESS * v;
      colourBias[i] -= COLOUR_SHARPNESS * v * v;
    });
  });
  const colourLogits = g.op("Conv", [
    rgb,
    g.initializer("colour.weight", "float32", [k, 3, 1, 1], colourWeights),
    g.initializer("colour.bias", "float32", [k], colourBias),
  ]);
  const nearest = g.op("Softmax", [colourLogits], { axis: 1 });
  const colourMass = g.op("ReduceSum", [g.op("Mul", [nearest, fg]), spatial], { keepdims: 0 });
  // Dividing by area + PRESENCE_PIXELS (not area) keeps the faint mask of a blank frame colourless.
  const presencePixels = g.scalar("presence", PRESENCE_PIXELS);
  const colour = g.op("Div", [colourMass, g.op("Add", [area, presencePixels])]);
  const one = g.scalar("one", 1);

  // Shape statistics [N,1] each.
  const rowOccupied = g.op("ReduceMax", [fg], { axes: [3], keepdims: 1 }); // [N,1,H,1]
  const colOccupied = g.op("ReduceMax", [fg], { axes: [2], keepdims: 1 }); // [N,1,1,W]
  const height = g.op("ReduceSum", [rowOccupied, spatial], { keepdims: 0 });
  const width = g.op("ReduceSum", [colOccupied, spatial], { keepdims: 0 });
  const fill = g.op("Div", [area, g.op("Add", [g.op("Mul", [width, height]), one])]);
  const side = size / POOL;
  const rows = g.constant(
    "row_y",
    "float32",
    [1, 1, side, 1],
    Float32Array.from({ length: side }, (_, y) => y),
  );
  const rowMass = g.op("ReduceSum", [fg, g.ints("axes", [3])], { keepdims: 1 }); // [N,1,H,1]
  const massY = g.op("Div", [
    g.op("ReduceSum", [g.op("Mul", [rowMass, rows]), spatial], { keepdims: 0 }),
    g.op("Add", [area, one]),
  ]);
  const boxY = g.op("Div", [
    g.op("ReduceSum", [g.op("Mul", [rowOccupied, rows]), spatial], { keepdims: 0 }),
    g.op("Add", [height, one]),
  ]);
  const asymmetry = g.op("Div", [g.op("Sub", [massY, boxY]), g.op("Add", [height, one])]);
  const shapeFeatures = g.op("Concat", [fill, asymmetry], { axis: 1 }); // [N,2]

  // Shape probabilities [N,S]: softmax over -gamma*|(fill, a*asym) - (fill_j, a*asym_j)|^2.
  const s = TOY_SHAPES.length;
  const shapeWeights = new Float32Array(2 * s);
  const shapeBias = new Float32Array(s);
  const a2 = ASYMMETRY_SCALE ** 2;
  TOY_SHAPES.forEach((shape, j) => {
    shapeWeights[j] = 2 * SHAPE_SHARPNESS * shape.fill;
    shapeWeights[s + j] = 2 * SHAPE_SHARPNESS * a2 * shape.asymmetry;
    shapeBias[j] = -SHAPE_SHARPNESS * (shape.fill ** 2 + a2 * shape.asymmetry ** 2);
  });
  const shapeLogits = g.op("Add", [
    g.op("MatMul", [shapeFeatures, g.initializer("shape.weight", "float32", [2, s], shapeWeights)]),
    g.initializer("shape.bias", "float32", [s], shapeBias),
  ]);
  const presence = g.op("Div", [area, g.op("Add", [area, presencePixels])]);
  const shape = g.op("Mul", [g.op("Softmax", [shapeLogits], { axis: 1 }), presence]);

  // Concept axes 1..K+S, then the fixed rotation into the embedding space; the bias axis is a constant.
  const features = g.op("Concat", [colour, shape], { axis: 1 });
  const projection = new Float32Array((k + s) * dim);
  for (let f = 0; f < k + s; f++) {
    const axis = f < k ? TOY_AXES.colour(f) : TOY_AXES.shape(f - k);
    for (let c = 0; c < dim; c++) projection[f * dim + c] = rotation[axis * dim + c];
  }
  const bias = new Float32Array(dim);
  for (let c = 0; c < dim; c++) bias[c] = IMAGE_BIAS * rotation[TOY_AXES.bias * dim + c];
  const embeds = g.op("Add", [
    g.op("MatMul", [
      features,
      g.initializer("visual_projection.weight", "float32", [k + s, dim], projection),
    ]),
    g.initializer("visual_projection.bias", "float32", [dim], bias),
  ]);
  g.output("image_embeds", "float32", ["batch_size", dim], embeds);
  return g;
}
