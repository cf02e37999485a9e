// Page script, part 3: one result (thumbnail or player, facts, captions and similar videos on demand).

export const SCRIPT_RESULTS = `
/** The thumbnail of a hit: a button that opens the player when the hit has a url, else the image and a note. */
function mediaOf(hit) {
  const media = el("div", { class: "media" });
  const image = () => el("img", { src: hit.thumbnail || "", alt: hit.url ? "" : "Frame of " + hit.title, loading: "lazy", width: 240, height: 180 });
  const show = () => {
    if (!hit.url) {
      media.replaceChildren(image(), el("p", { class: "no-media" }, "No playable file for this video."));
      return;
    }
    const moment = hit.moment ? " from " + seconds(hit.moment.startSec) + " to " + seconds(hit.moment.endSec) : "";
    const button = el("button", { type: "button", class: "play", "aria-label": "Play " + hit.title + moment }, image());
    button.addEventListener("click", () => openPlayer(hit, media, () => {
      show();
      media.querySelector("button.play").focus();
    }));
    media.replaceChildren(button);
  };
  show();
  return media;
}

/**
 * A toggle button and the panel it opens; the first opening fills the panel with \`load(signal)\`'s nodes.
 * The button stays where it is (focus is kept) and says whether the panel is open.
 */
function disclosure(label, className, load, signal) {
  const panel = el("div", { class: "panel " + className, id: uniqueId(className), hidden: true });
  const button = el("button", { type: "button", class: "show-" + className, "aria-expanded": "false", "aria-controls": panel.id }, label);
  let loaded = false;
  button.addEventListener("click", async () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    if (!open || loaded) return;
    loaded = true;
    panel.replaceChildren(el("p", { class: "panel-loading" }, "Loading…"));
    panel.setAttribute("aria-busy", "true");
    try {
      panel.replaceChildren(...(await load(signal)));
    } catch (error) {
      if (isAbort(error)) return;
      loaded = false;
      panel.replaceChildren(el("p", { class: "panel-error" }, "Could not load: " + error.message));
    } finally {
      panel.removeAttribute("aria-busy");
    }
  });
  return { button, panel };
}

async function captionNodes(hit, signal) {
  const body = await getJson("/api/videos/" + encodeURIComponent(hit.videoId) + "/captions?k=5", signal);
  if (body.captions.length === 0) return [el("p", {}, "This index has no captions.")];
  return [el("ol", { class: "caption-list", "aria-label": "Captions that best describe " + hit.title },
    ...body.captions.map((caption) => el("li", {}, caption.text + " (" + caption.score.toFixed(3) + ")")))];
}

async function similarNodes(hit, signal) {
  const body = await getJson("/api/videos/" + encodeURIComponent(hit.videoId) + "/similar?k=4", signal);
  if (body.results.length === 0) return [el("p", {}, "No other videos to compare with.")];
  return [el("ol", { class: "similar-list", "aria-label": "Videos similar to " + hit.title },
    ...body.results.map((other) => el("li", { "data-video-id": other.videoId },
      el("img", { src: other.thumbnail || "", alt: "", width: 64, height: 48 }),
      el("span", {}, other.title + " (" + other.score.toFixed(3) + ")"))))];
}

/** The list item of one hit; \`signal\` aborts its captions and similar requests with its search. */
function resultItem(hit, signal) {
  const title = el("h2", { class: "title", tabindex: "-1" }, hit.rank + ". " + hit.title);
  const facts = el("p", { class: "facts" }, "score " + hit.score.toFixed(4) +
    (hit.moment ? " \\u00b7 best moment " + seconds(hit.moment.startSec) + " to " + seconds(hit.moment.endSec) : ""));
  const captions = disclosure("Captions", "captions", (s) => captionNodes(hit, s), signal);
  const similar = disclosure("Similar videos", "similar", (s) => similarNodes(hit, s), signal);
  const meta = el("div", { class: "meta" }, title, facts, el("div", { class: "actions" }, captions.button, similar.button), captions.panel, similar.panel);
  return el("li", { class: "result", "data-video-id": hit.videoId, "data-rank": hit.rank }, mediaOf(hit), meta);
}
`;
