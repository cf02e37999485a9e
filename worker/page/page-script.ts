// Script of the web page (served as /page.js): search, render results, play moments, show captions.

export const PAGE_SCRIPT = `
const form = document.getElementById("search");
const input = document.getElementById("q");
const status = document.getElementById("status");
const list = document.getElementById("results");

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function getJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function seconds(value) {
  return value.toFixed(1) + " s";
}

async function showCaptions(hit, container, button) {
  button.disabled = true;
  try {
    const body = await getJson("/api/videos/" + encodeURIComponent(hit.videoId) + "/captions?k=5");
    const captions = element("ol", { class: "captions" });
    for (const caption of body.captions) captions.append(element("li", {}, caption.text + " (" + caption.score.toFixed(3) + ")"));
    if (body.captions.length === 0) captions.append(element("li", {}, "no captions in this index"));
    container.append(captions);
    button.remove();
  } catch (error) {
    button.disabled = false;
    status.textContent = "captions failed: " + error.message;
  }
}

function play(hit, media) {
  const video = element("video", { controls: "", autoplay: "", muted: "", src: hit.url });
  video.addEventListener("loadedmetadata", () => {
    if (hit.moment) video.currentTime = hit.moment.startSec;
  });
  media.replaceChildren(video);
}

function render(hits) {
  list.replaceChildren();
  hits.forEach((hit, i) => {
    const row = element("div", { class: "result", "data-video-id": hit.videoId, "data-rank": String(i + 1) });
    const media = element("div");
    const image = element("img", { alt: hit.title, src: hit.thumbnail ?? "" });
    media.append(image);
    if (hit.url) {
      image.style.cursor = "pointer";
      image.title = "play" + (hit.moment ? " from " + seconds(hit.moment.startSec) : "");
      image.addEventListener("click", () => play(hit, media));
    }
    const meta = element("div", { class: "meta" });
    meta.append(element("div", { class: "title" }, (i + 1) + ". " + hit.title));
    meta.append(element("div", { class: "score" }, "score " + hit.score.toFixed(4)));
    if (hit.moment) meta.append(element("div", { class: "moment" }, "best moment " + seconds(hit.moment.startSec) + " to " + seconds(hit.moment.endSec)));
    const button = element("button", { type: "button", class: "show-captions" }, "captions");
    button.addEventListener("click", () => showCaptions(hit, meta, button));
    meta.append(button);
    row.append(media, meta);
    list.append(row);
  });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = input.value.trim();
  if (!q) return;
  // Keep the query in the address bar so a search can be shared or reloaded.
  history.replaceState(null, "", "?q=" + encodeURIComponent(q));
  status.textContent = "searching...";
  try {
    const body = await getJson("/api/search?k=10&q=" + encodeURIComponent(q));
    render(body.results);
    const took = body.tookMs;
    status.textContent = body.results.length + " results, model " + body.model +
      (body.cached ? " (cached query)" : " (encode " + took.encode.toFixed(0) + " ms)") +
      ", search " + took.search.toFixed(1) + " ms" + (body.truncated ? ", query truncated to 77 tokens" : "");
  } catch (error) {
    list.replaceChildren();
    status.textContent = "search failed: " + error.message;
  }
});

const initialQuery = new URLSearchParams(location.search).get("q");
if (initialQuery) {
  input.value = initialQuery;
  form.requestSubmit();
}
`;
