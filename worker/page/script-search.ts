// Page script, part 5: the search itself. The latest query wins (older requests are aborted and their
// answers ignored), each state looks different, the query lives in the address bar (history), and "More
// results" pages with offset.

export const SCRIPT_SEARCH = `
const main = document.getElementById("main");
const form = document.getElementById("search");
const input = document.getElementById("q");
const go = document.getElementById("go");
const statusLine = document.getElementById("status");
const errorBox = document.getElementById("error");
const landing = document.getElementById("landing");
const summary = document.getElementById("summary");
const examplesBlock = document.getElementById("examples-block");
const examples = document.getElementById("examples");
const list = document.getElementById("results");
const more = document.getElementById("more");

/** Results per request: ?k= in the address (1..50), else 8. */
const pageSize = (() => {
  const k = Number(new URLSearchParams(location.search).get("k"));
  return Number.isInteger(k) && k >= 1 && k <= 50 ? k : 8;
})();

/** The search on screen: its query, the requests' AbortController, how many results are shown. */
let current = null;

function setState(state, message) {
  main.dataset.state = state;
  statusLine.textContent = message;
  if (state !== "error") {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }
}

function showError(message) {
  setState("error", "");
  errorBox.textContent = "Search failed: " + message;
  errorBox.hidden = false;
}

function addressOf(q) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  const k = new URLSearchParams(location.search).get("k");
  if (k) params.set("k", k);
  const text = params.toString();
  return location.pathname + (text ? "?" + text : "");
}

function syncButton() {
  go.disabled = input.value.trim() === "";
}

/** Starts a search for \`text\` (an empty one clears the results); \`push\` adds a history entry. */
function search(text, push) {
  const q = text.trim();
  if (current) current.controller.abort();
  current = null;
  list.replaceChildren();
  more.hidden = true;
  clearVisual();
  if (input.value !== text) input.value = text;
  syncButton();
  const address = addressOf(q);
  if (address !== location.pathname + location.search) {
    if (push) history.pushState({ q }, "", address);
    else history.replaceState({ q }, "", address);
  }
  if (q === "") {
    landing.hidden = false;
    document.title = "CLIP video search";
    setState("empty", "Type what you want to see, then press Enter.");
    return;
  }
  landing.hidden = true;
  document.title = q + " \\u2013 CLIP video search";
  const run = { q, label: quoted(q), vector: null, controller: new AbortController(), shown: 0 };
  current = run;
  setState("loading", "Searching for " + run.label + "\\u2026");
  loadPage(run, false);
}

/**
 * Fetches the next page of \`run\` (its text, or the vector of an image or clip) and shows it, unless a newer
 * search replaced it meanwhile.
 */
async function loadPage(run, focusFirstNew) {
  list.setAttribute("aria-busy", "true");
  more.disabled = true;
  try {
    const url = "/api/search?q=" + encodeURIComponent(run.q) + "&k=" + pageSize + "&offset=" + run.shown;
    const body = run.vector
      ? await postJson("/api/search", { vector: run.vector, k: pageSize, offset: run.shown }, run.controller.signal)
      : await getJson(url, run.controller.signal);
    if (run !== current) return;
    const items = body.results.map((hit) => resultItem(hit, run.controller.signal));
    list.append(...items);
    run.shown += items.length;
    if (run.shown > 0 && !performance.getEntriesByName("first-results").length) performance.mark("first-results");
    // A full page may have more behind it; the store refuses offsets past what it can rank (then we stop).
    more.hidden = items.length < pageSize;
    if (run.shown === 0) {
      setState("no-results", "No videos match " + run.label + ". Try other words, or one of the examples.");
      landing.hidden = false;
    } else {
      setState("results", plural(run.shown, "result") + " for " + run.label + ", model " + body.model +
        (body.truncated ? " (query cut to the model's 77 tokens)" : "") + (more.hidden ? "" : "; more below"));
    }
    if (focusFirstNew && items[0]) items[0].querySelector(".title").focus();
  } catch (error) {
    if (isAbort(error) || run !== current) return;
    if (run.shown > 0) {
      more.hidden = true;
      setState("results", plural(run.shown, "result") + " for " + run.label + "; no more could be loaded: " + error.message);
    } else showError(error.message);
  } finally {
    if (run === current) {
      list.removeAttribute("aria-busy");
      more.disabled = false;
    }
  }
}

/** The landing: what is indexed (count, model) and example queries from the index, from /api/health. */
async function showLanding() {
  try {
    const health = await getJson("/api/health");
    const index = health.index;
    if (!index) throw new Error("no index is loaded");
    const counts = index.counts;
    summary.textContent = (counts ? plural(counts.videos, "video") + " (" + plural(counts.vectors, "vector") + ", " + plural(counts.captions, "caption") + ")" : "A Vectorize index") +
      " searched with " + index.model.id + " (" + index.model.dimension + " dimensions).";
    examples.replaceChildren(...(index.examples || []).map((text) => {
      const button = el("button", { type: "button", class: "example" }, text);
      // The landing hides with the search: focus moves to the box that now holds the example.
      button.addEventListener("click", () => {
        search(text, true);
        input.focus();
      });
      return el("li", {}, button);
    }));
    examplesBlock.hidden = examples.children.length === 0;
  } catch (error) {
    summary.textContent = "The index could not be described: " + error.message;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search(input.value, true);
});
input.addEventListener("input", syncButton);
// Enter in an empty box clears the results (the disabled button blocks the form's own submission then).
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && input.value.trim() === "") {
    event.preventDefault();
    search("", true);
  }
});
more.addEventListener("click", () => {
  if (current) loadPage(current, true);
});
window.addEventListener("popstate", () => {
  search(new URLSearchParams(location.search).get("q") || "", false);
});

showLanding();
const initial = new URLSearchParams(location.search).get("q");
if (initial) search(initial, false);
else {
  setState("empty", "Type what you want to see, then press Enter.");
  input.focus();
}
`;
