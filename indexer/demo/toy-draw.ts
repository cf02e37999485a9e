// Rasterizes one synthetic video frame: a single coloured shape on a plain grey background (RGB24).
import type { ToyShapeName } from "./toy-concepts.ts";

/** One object in a frame; coordinates in pixels, `rgb` in [0, 1]. */
export interface ToyObject {
  shape: ToyShapeName;
  rgb: readonly [number, number, number];
  centerX: number;
  centerY: number;
  /** Half the side of the bounding box. */
  radius: number;
}

/** True when the offset (dx, dy) from the centre lies inside a shape of half-size r (y downwards). */
function inside(shape: ToyShapeName, dx: number, dy: number, r: number): boolean {
  switch (shape) {
    case "square":
      return Math.abs(dx) <= r && Math.abs(dy) <= r;
    case "circle":
      return dx * dx + dy * dy <= r * r;
    case "diamond":
      return Math.abs(dx) + Math.abs(dy) <= r;
    case "triangle":
      // Apex at the top, base of width 2r at the bottom.
      return dy >= -r && dy <= r && Math.abs(dx) <= (dy + r) / 2;
  }
}

/** A frame of `width` x `height` RGB24 pixels (row-major, 3 bytes each) with `object` drawn on `grey`. */
export function drawToyFrame(width: number, height: number, grey: number, object: ToyObject): Uint8Array {
  const frame = new Uint8Array(width * height * 3).fill(Math.round(grey * 255));
  const colour = object.rgb.map((v) => Math.round(v * 255));
  const r = object.radius;
  const x0 = Math.max(0, Math.floor(object.centerX - r - 1));
  const x1 = Math.min(width - 1, Math.ceil(object.centerX + r + 1));
  const y0 = Math.max(0, Math.floor(object.centerY - r - 1));
  const y1 = Math.min(height - 1, Math.ceil(object.centerY + r + 1));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      // Pixel centres, so that shapes are symmetric about a fractional centre.
      if (!inside(object.shape, x + 0.5 - object.centerX, y + 0.5 - object.centerY, r)) continue;
      const at = (y * width + x) * 3;
      frame[at] = colour[0];
      frame[at + 1] = colour[1];
      frame[at + 2] = colour[2];
    }
  }
  return frame;
}
