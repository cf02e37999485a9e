// Page script, part 2: the moment player. It starts at the moment's start, marks the moment on a timeline
// under the video, and at its end stops or (with "Loop the moment") goes back to its start.

export const SCRIPT_PLAYER = `
/**
 * Replaces the thumbnail in \`media\` by a player of \`hit\` (hit.url is set). \`restore\` puts the thumbnail
 * back (Close). Focus goes to the video, and back to the thumbnail's button on Close.
 */
function openPlayer(hit, media, restore) {
  const moment = hit.moment;
  const startSec = moment ? moment.startSec : 0;
  const endSec = moment ? moment.endSec : null;
  const video = el("video", {
    controls: true,
    playsinline: true,
    preload: "auto",
    src: hit.url,
    "aria-label": hit.title + (moment ? ", moment " + seconds(startSec) + " to " + seconds(endSec) : ""),
  });
  video.muted = true;
  const mark = el("div", { class: "moment-mark" });
  const playhead = el("div", { class: "playhead" });
  const timeline = el("div", { class: "timeline", "aria-hidden": "true" }, mark, playhead);
  const loopId = uniqueId("loop");
  const loop = el("input", { type: "checkbox", id: loopId, class: "loop" });
  const label = el("p", { class: "moment-label" }, moment ? "Moment " + seconds(startSec) + " to " + seconds(endSec) : "Whole video");
  const replay = el("button", { type: "button", class: "replay" }, moment ? "Replay moment" : "Replay");
  const close = el("button", { type: "button", class: "close-player" }, "Close player");
  const controls = el("div", { class: "player-controls" }, replay, el("span", {}, loop, " ", el("label", { for: loopId }, "Loop the moment")), close);

  // Past the end of the moment: loop back, or stop there. A frame callback stops closer to the end than
  // timeupdate (about 4 per second) would.
  const atEnd = () => endSec !== null && video.currentTime >= endSec;
  const check = () => {
    const duration = video.duration;
    if (Number.isFinite(duration) && duration > 0) playhead.style.left = (100 * video.currentTime / duration) + "%";
    if (!atEnd()) return;
    if (loop.checked) {
      video.currentTime = startSec;
      // Counted for whoever checks the page (the browser test): how many times the moment looped.
      video.dataset.loops = String(Number(video.dataset.loops || 0) + 1);
    } else if (!video.paused) {
      video.pause();
      video.dataset.stoppedAtEnd = "true";
    }
  };
  const watch = () => {
    check();
    if (!video.paused && video.isConnected) {
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(watch);
      else requestAnimationFrame(watch);
    }
  };
  video.addEventListener("loadedmetadata", () => {
    const duration = video.duration;
    if (Number.isFinite(duration) && duration > 0 && moment) {
      mark.style.left = (100 * startSec / duration) + "%";
      mark.style.width = (100 * Math.max(0, Math.min(endSec, duration) - startSec) / duration) + "%";
      label.textContent = "Moment " + seconds(startSec) + " to " + seconds(endSec) + " of " + seconds(duration);
    }
    video.currentTime = startSec;
    video.play().catch(() => undefined);
  });
  video.addEventListener("play", () => {
    // Play pressed after the moment ended: start the moment again.
    if (atEnd() || video.currentTime < startSec - 0.25) video.currentTime = startSec;
    delete video.dataset.stoppedAtEnd;
    watch();
  });
  video.addEventListener("timeupdate", check);
  video.addEventListener("error", () => {
    label.textContent = "This video could not be played (" + hit.url + ").";
  });
  replay.addEventListener("click", () => {
    video.currentTime = startSec;
    video.play().catch(() => undefined);
  });
  const item = media.closest("li");
  close.addEventListener("click", () => {
    if (item) item.classList.remove("playing");
    video.pause();
    video.removeAttribute("src");
    video.load();
    restore();
  });
  // A playing result gets a wider media column (one column anyway at phone widths).
  if (item) item.classList.add("playing");
  media.replaceChildren(video, timeline, label, controls);
  video.focus();
}
`;
