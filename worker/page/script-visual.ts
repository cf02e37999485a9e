// Page script, part 4: search with an image or a clip (chosen, dropped or pasted). The visual-query bundle
// is imported on the first one; it downloads the vision model once (progress bar, then Cache Storage),
// embeds the file in this browser and hands back only the vector, which is searched like a text query;
// "Describe this clip" lists the index's captions nearest to it.

export const SCRIPT_VISUAL = `
const mediaInput = document.getElementById("media-file");
const dropZone = document.getElementById("drop");
const progressBlock = document.getElementById("visual-progress-block");
const progressLabel = document.getElementById("visual-progress-label");
const progressBar = document.getElementById("visual-progress");
const describe = document.getElementById("describe");
const describeTitle = document.getElementById("describe-title");
const describeList = document.getElementById("describe-list");

/** The bundle, imported once, on the first visual query. */
let visualModule = null;
function visualQuery() {
  visualModule = visualModule || import("/browser/visual-query.js").catch((error) => {
    visualModule = null;
    throw new Error("the image search could not be loaded (" + error.message + "); reload the page");
  });
  return visualModule;
}

/** Hides what a visual query showed (a text search calls it). */
function clearVisual() {
  progressBlock.hidden = true;
  describe.hidden = true;
  describeList.replaceChildren();
}

function megabytes(bytes) {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0) + " MB";
}

/** Shows one step of the embedding: a download's progress bar, or what runs now (status, read aloud). */
function showStep(run, step) {
  if (run !== current) return;
  if (step.step === "model" || step.step === "decoder") {
    const what = step.step === "model" ? "the image encoder" : "the video decoder";
    if (progressBlock.hidden || progressBar.dataset.step !== step.step) {
      progressBar.dataset.step = step.step;
      progressLabel.textContent = "Downloading " + what + " (" + megabytes(step.totalBytes) + ", once; kept by this browser)";
      setState("loading", "Downloading " + what + "\\u2026");
      progressBlock.hidden = false;
    }
    progressBar.max = step.totalBytes;
    progressBar.value = step.receivedBytes;
    return;
  }
  progressBlock.hidden = true;
  if (step.step === "decode") setState("loading", "Decoding " + run.label + " in this browser\\u2026");
  else setState("loading", "Embedding " + (step.frames === 1 ? run.label : plural(step.frames, "frame") + " of " + run.label) + " in this browser\\u2026");
}

/** "Describe this clip": the captions of the index nearest to the vector. */
async function describeMedia(run, kind) {
  describeTitle.textContent = kind === "clip" ? "Describe this clip" : "Describe this image";
  describeList.replaceChildren(el("li", { class: "panel-loading" }, "Loading\\u2026"));
  describe.hidden = false;
  try {
    const body = await postJson("/api/captions", { vector: run.vector, k: 5 }, run.controller.signal);
    if (run !== current) return;
    describeList.replaceChildren(...body.results.map((caption) =>
      el("li", { "data-video-id": caption.videoId }, caption.text + " (" + caption.score.toFixed(3) + ")")));
  } catch (error) {
    if (isAbort(error) || run !== current) return;
    describeList.replaceChildren(el("li", { class: "panel-error" }, "No captions: " + error.message));
  }
}

/** Searches with \`file\` (an image or a clip): embedded here, its vector searched; the latest query wins. */
async function searchByFile(file) {
  if (current) current.controller.abort();
  const kind = file.type.startsWith("video/") ? "clip" : "image";
  const run = { q: "", label: "the " + kind + " " + quoted(file.name || "pasted"), vector: null, controller: new AbortController(), shown: 0 };
  current = run;
  performance.clearMarks("visual-start");
  performance.mark("visual-start");
  list.replaceChildren();
  more.hidden = true;
  clearVisual();
  landing.hidden = true;
  input.value = "";
  syncButton();
  if (location.search.includes("q=")) history.pushState({ q: "" }, "", addressOf(""));
  document.title = (file.name || "Image") + " \\u2013 CLIP video search";
  setState("loading", "Reading " + run.label + " in this browser\\u2026");
  try {
    const visual = await visualQuery();
    const embedding = await visual.embedMedia(file, (step) => showStep(run, step));
    if (run !== current) return;
    run.vector = embedding.vector;
    progressBlock.hidden = true;
    await Promise.all([loadPage(run, false), describeMedia(run, embedding.kind)]);
    if (run !== current) return;
    performance.measure("visual-query", "visual-start");
    main.dataset.visual = embedding.backend + (embedding.modelCached ? " cached" : " downloaded");
  } catch (error) {
    if (isAbort(error) || run !== current) return;
    progressBlock.hidden = true;
    showError(error.message);
  }
}

mediaInput.addEventListener("change", () => {
  const file = mediaInput.files && mediaInput.files[0];
  if (file) searchByFile(file);
});
dropZone.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropZone.classList.add("dragging");
});
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("dragging");
  const file = event.dataTransfer && event.dataTransfer.files[0];
  if (file) searchByFile(file);
});
// A pasted image (or file) searches; pasted text goes where it is pasted, as usual.
document.addEventListener("paste", (event) => {
  const file = event.clipboardData && event.clipboardData.files[0];
  if (!file) return;
  event.preventDefault();
  searchByFile(file);
});
`;
