// Plans the synthetic video set (`generate toy-videos`): which shape and colour each scene shows, how it
// moves, the captions and the queries with their expected video and moment. Pure and seeded.
import { createPrng, type Prng } from "../../shared/prng.ts";
import { TOY_COLOURS, TOY_SHAPES, type ToyShapeName } from "./toy-concepts.ts";
import type { ToyObject } from "./toy-draw.ts";

export const TOY_VIDEO_WIDTH = 320;
export const TOY_VIDEO_HEIGHT = 240;
export const TOY_VIDEO_FPS = 10;
/** Each (colour, shape) pair appears in one video only, so every query has one right answer. */
export const TOY_MAX_VIDEOS = Math.floor((TOY_COLOURS.length * TOY_SHAPES.length * 3) / 4);

/** One continuous shot: a shape of one colour drifting in a straight line. Times in seconds. */
export interface ToyScene {
  colour: string;
  shape: ToyShapeName;
  startSec: number;
  endSec: number;
  /** Canonical caption of the scene alone, e.g. "a red square". */
  caption: string;
  /** Object position at startSec and its drift per second, pixels. */
  start: { x: number; y: number };
  velocity: { x: number; y: number };
  radius: number;
}

export interface ToyVideoPlan {
  /** e.g. "toy-01". */
  id: string;
  /** Path relative to the output folder, e.g. "videos/toy-01.mp4". */
  path: string;
  title: string;
  /** Canonical caption first, then a paraphrase. */
  captions: string[];
  scenes: ToyScene[];
  durationSec: number;
  /** Background grey level in [0, 1]. */
  grey: number;
}

/** A query with the video (and for one scene of a multi-scene video, the moment) it should find. */
export interface ToyQuery {
  query: string;
  videoId: string;
  startSec?: number;
  endSec?: number;
}

function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[prng.nextInt(items.length)];
}

function shuffle<T>(prng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** "a" or "an" before `word` (all toy words that start with a vowel sound start with a vowel letter). */
export function withArticle(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function paraphrase(prng: Prng, colour: string, shape: ToyShapeName): string {
  const colourWords = [colour, ...TOY_COLOURS.find((c) => c.name === colour)!.synonyms];
  const shapeWords = [
    shape,
    ...TOY_SHAPES.find((s) => s.name === shape)!.synonyms.filter((w) => !w.endsWith("s") && w !== "round"),
  ];
  return `${pick(prng, colourWords)} ${pick(prng, shapeWords)}`;
}

const SINGLE_TEMPLATES = [
  (x: string) => `a video of ${withArticle(x)}`,
  (x: string) => `the ${x} moving slowly`,
  (x: string) => `${withArticle(x)} on a grey background`,
];
const SCENE_TEMPLATES = [
  (x: string, y: string) => `${withArticle(x)} followed by ${withArticle(y)}`,
  (x: string, y: string) => `a video of ${withArticle(x)} that turns into ${withArticle(y)}`,
  (x: string, y: string) => `first ${withArticle(x)} and then ${withArticle(y)}`,
];

function planScene(
  prng: Prng,
  colour: string,
  shape: ToyShapeName,
  startSec: number,
  endSec: number,
): ToyScene {
  // Stay inside the centre 240x240 square that CLIP's centre crop keeps of a 320x240 frame.
  const radius = 28 + prng.nextInt(15);
  const start = { x: 120 + prng.next() * 80, y: 90 + prng.next() * 60 };
  const angle = prng.next() * 2 * Math.PI;
  const speed = (4 + prng.next() * 12) / (endSec - startSec); // at most 16 px over the scene
  const velocity = { x: speed * Math.cos(angle), y: speed * Math.sin(angle) };
  return {
    colour,
    shape,
    startSec,
    endSec,
    caption: withArticle(`${colour} ${shape}`),
    start,
    velocity,
    radius,
  };
}

/**
 * Plans `count` videos (1..TOY_MAX_VIDEOS): a third (rounded down) change scene once (two
 * different colour+shape pairs, 2 or 3 s each), the others show one pair for 3 s.
 */
export function planToyVideos(count: number, seed: number): ToyVideoPlan[] {
  if (!Number.isInteger(count) || count < 1 || count > TOY_MAX_VIDEOS)
    throw new RangeError(`toy video count must be in 1..${TOY_MAX_VIDEOS}, got ${count}`);
  const prng = createPrng(seed);
  const pairs = shuffle(
    prng,
    TOY_COLOURS.flatMap((c) => TOY_SHAPES.map((s) => ({ colour: c.name, shape: s.name }))),
  );
  const sceneVideos = Math.floor(count / 3);
  const plans: ToyVideoPlan[] = [];
  for (let v = 0; v < count; v++) {
    const id = `toy-${String(v + 1).padStart(2, "0")}`;
    const grey = 0.3 + prng.next() * 0.4;
    if (v < count - sceneVideos) {
      const { colour, shape } = pairs.shift()!;
      const scene = planScene(prng, colour, shape, 0, 3);
      const caption = pick(prng, SINGLE_TEMPLATES)(paraphrase(prng, colour, shape));
      const title = `${colour} ${shape}`;
      plans.push({
        id,
        path: `videos/${id}.mp4`,
        title,
        captions: [scene.caption, caption],
        scenes: [scene],
        durationSec: 3,
        grey,
      });
    } else {
      const [a, b] = [pairs.shift()!, pairs.shift()!];
      const boundary = 2 + prng.nextInt(2);
      const end = boundary + 2 + prng.nextInt(2);
      const first = planScene(prng, a.colour, a.shape, 0, boundary);
      const second = planScene(prng, b.colour, b.shape, boundary, end);
      const caption = pick(prng, SCENE_TEMPLATES)(
        paraphrase(prng, a.colour, a.shape),
        paraphrase(prng, b.colour, b.shape),
      );
      plans.push({
        id,
        path: `videos/${id}.mp4`,
        title: `${a.colour} ${a.shape} then ${b.colour} ${b.shape}`,
        captions: [`${first.caption} then ${second.caption}`, caption],
        scenes: [first, second],
        durationSec: end,
        grey,
      });
    }
  }
  return plans;
}

/** The object visible at `timeSec` of `plan` (the scene containing it, moved along its drift). */
export function objectAt(plan: ToyVideoPlan, timeSec: number): ToyObject {
  const scene = plan.scenes.find((s) => timeSec < s.endSec) ?? plan.scenes[plan.scenes.length - 1];
  const colour = TOY_COLOURS.find((c) => c.name === scene.colour)!;
  const t = timeSec - scene.startSec;
  return {
    shape: scene.shape,
    rgb: colour.rgb,
    centerX: scene.start.x + scene.velocity.x * t,
    centerY: scene.start.y + scene.velocity.y * t,
    radius: scene.radius,
  };
}

/** Every caption as a query for its video, plus each scene of a multi-scene video with its moment. */
export function toyQueries(plans: readonly ToyVideoPlan[]): ToyQuery[] {
  const queries: ToyQuery[] = [];
  for (const plan of plans) for (const query of plan.captions) queries.push({ query, videoId: plan.id });
  for (const plan of plans) {
    if (plan.scenes.length < 2) continue;
    for (const scene of plan.scenes)
      queries.push({
        query: scene.caption,
        videoId: plan.id,
        startSec: scene.startSec,
        endSec: scene.endSec,
      });
  }
  return queries;
}
