// The toy world shared by the toy model and the synthetic videos: colours, shapes, their words, and
// the concept axes both of the toy model's towers project onto.

/** A colour the videos draw and the model recognizes. `rgb` in [0, 1]. */
export interface ToyColour {
  name: string;
  rgb: readonly [number, number, number];
  /** Other words that mean this colour. */
  synonyms: readonly string[];
}

/** Shapes the videos draw; each has a distinct (fill ratio, vertical asymmetry) signature. */
export type ToyShapeName = "square" | "circle" | "diamond" | "triangle";

/** A shape and the statistics the vision tower measures for it (see toy-model.ts). */
export interface ToyShape {
  name: ToyShapeName;
  /** Area / bounding-box area: square 1, circle pi/4, diamond and triangle 1/2. */
  fill: number;
  /** (mass centroid - box centre) / box height, y downwards: 1/6 for an upward triangle, else 0. */
  asymmetry: number;
  synonyms: readonly string[];
}

// Saturated colours far apart in RGB, so that H.264 (yuv420p) round trips keep them apart; the
// background is always grey, which the vision tower treats as "no object".
export const TOY_COLOURS: readonly ToyColour[] = [
  { name: "red", rgb: [0.9, 0.1, 0.1], synonyms: ["crimson"] },
  { name: "orange", rgb: [1.0, 0.55, 0.0], synonyms: [] },
  { name: "yellow", rgb: [0.95, 0.9, 0.1], synonyms: ["golden"] },
  { name: "green", rgb: [0.1, 0.75, 0.2], synonyms: [] },
  { name: "cyan", rgb: [0.1, 0.8, 0.85], synonyms: ["turquoise"] },
  { name: "blue", rgb: [0.15, 0.3, 0.95], synonyms: [] },
  { name: "purple", rgb: [0.6, 0.2, 0.8], synonyms: ["violet"] },
  { name: "pink", rgb: [1.0, 0.45, 0.7], synonyms: ["magenta"] },
];

export const TOY_SHAPES: readonly ToyShape[] = [
  { name: "square", fill: 1, asymmetry: 0, synonyms: ["box", "block", "squares"] },
  { name: "circle", fill: Math.PI / 4, asymmetry: 0, synonyms: ["ball", "disc", "disk", "round", "circles"] },
  { name: "diamond", fill: 0.5, asymmetry: 0, synonyms: ["rhombus", "diamonds"] },
  { name: "triangle", fill: 0.5, asymmetry: 1 / 6, synonyms: ["pyramid", "triangles"] },
];

/**
 * Words with no concept: they tokenize to whole words but embed as small seeded noise outside the
 * image subspace, so they shift every video's score for a query alike (like filler words in CLIP).
 */
export const TOY_FILLER_WORDS: readonly string[] = [
  "a",
  "an",
  "the",
  "of",
  "video",
  "clip",
  "then",
  "and",
  "with",
  "on",
  "in",
  "is",
  "there",
  "it",
  "background",
  "grey",
  "gray",
  "shape",
  "object",
  "moving",
  "moves",
  "slowly",
  "changes",
  "turns",
  "becomes",
  "into",
  "to",
  "followed",
  "by",
  "after",
  "before",
  "showing",
  "shows",
  "small",
  "big",
  "large",
  "left",
  "right",
  "up",
  "down",
  "scene",
  "frame",
  "one",
  "two",
  "first",
  "next",
  "appears",
  "that",
];

/**
 * Concept axes, in order: 0 = bias (every text and every image), then one per colour, then one per
 * shape. The model's embedding space is these axes (plus noise axes) under a seeded rotation.
 */
export const TOY_AXES = {
  bias: 0,
  colour: (index: number) => 1 + index,
  shape: (index: number) => 1 + TOY_COLOURS.length + index,
  /** Number of axes the image tower writes (bias, colours, shapes). */
  count: 1 + TOY_COLOURS.length + TOY_SHAPES.length,
} as const;

/** Every word of the toy vocabulary with its concept axis, or null for filler words. */
export function toyWordAxes(): Map<string, number | null> {
  const words = new Map<string, number | null>();
  TOY_COLOURS.forEach((colour, i) => {
    for (const word of [colour.name, ...colour.synonyms]) words.set(word, TOY_AXES.colour(i));
  });
  TOY_SHAPES.forEach((shape, i) => {
    for (const word of [shape.name, ...shape.synonyms]) words.set(word, TOY_AXES.shape(i));
  });
  for (const word of TOY_FILLER_WORDS) if (!words.has(word)) words.set(word, null);
  return words;
}
