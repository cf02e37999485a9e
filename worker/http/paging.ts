// Pagination of ranked lists: a page is ranks offset+1..offset+k, asked of the store as its top offset+k.
import type { StoreStats } from "../stores/video-store.ts";
import { ApiError } from "./api-error.ts";
import { RANK_LIMITS } from "./api-schemas.ts";

/** How many results to ask the store for (offset + k); 400 "bad_offset" past what the store can rank. */
export function rankWindow(offset: number, k: number, store: StoreStats["kind"]): number {
  const limit = RANK_LIMITS[store];
  if (offset + k > limit)
    throw new ApiError(
      400,
      "bad_offset",
      `offset + k is ${offset + k}; the ${store} store ranks at most ${limit} results`,
    );
  return offset + k;
}

/** The page of a ranking that starts at `offset`, each item with its 1-based rank in the whole ranking. */
export function pageOf<T>(ranked: T[], offset: number): (T & { rank: number })[] {
  return ranked.slice(offset).map((item, i) => ({ ...item, rank: offset + i + 1 }));
}
