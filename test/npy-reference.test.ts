// Pins .npy writing against a file numpy wrote: the reference features round-trip byte for byte.
// (Here, not in shared/, because reading ../shared needs node:fs, which shared/ may not import.)
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeNpy, parseNpy } from "../shared/npy.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

describe.skipIf(!hasSharedData)("reference .npy files", () => {
  it.each(["text.npy", "video.npy"])("single_caption/%s round-trips byte for byte", (name) => {
    const bytes = new Uint8Array(readFileSync(sharedPath("reference", "metrics", "single_caption", name)));
    const array = parseNpy(bytes);
    expect(array.dtype).toBe("float32");
    expect(array.shape).toEqual([100, 32]);
    expect(encodeNpy(array)).toEqual(bytes);
  });
});
if (!hasSharedData) describe.skip(`reference .npy files: ${SHARED_DATA_SKIP_REASON}`, () => {});
