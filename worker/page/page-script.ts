// The page's script (served as /page.js): its parts joined into one module, so the page costs one request.
import { SCRIPT_DOM } from "./script-dom.ts";
import { SCRIPT_PLAYER } from "./script-player.ts";
import { SCRIPT_RESULTS } from "./script-results.ts";
import { SCRIPT_SEARCH } from "./script-search.ts";
import { SCRIPT_VISUAL } from "./script-visual.ts";

// The visual part comes before the search part, whose last lines run a search (which calls clearVisual).
export const PAGE_SCRIPT = [SCRIPT_DOM, SCRIPT_PLAYER, SCRIPT_RESULTS, SCRIPT_VISUAL, SCRIPT_SEARCH].join(
  "\n",
);
