// The web page at "/": plain HTML + CSS whose script (/page.js) calls the JSON API; a search by image or clip
// imports the visual-query bundle (/browser/visual-query.js, built by scripts/build-browser.ts) on first use.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CLIP video search</title>
<link rel="icon" href="/favicon.ico" sizes="32x32">
<style>
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, sans-serif; line-height: 1.45; color: #1d1d1f; background: #fafafa; }
  main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
  h2 { font-size: 1.05rem; margin: 0; }
  label { display: block; font-weight: 600; margin-bottom: .3rem; }
  form { margin-bottom: .75rem; }
  .search-row { display: flex; gap: .5rem; }
  #q { flex: 1 1 auto; min-width: 0; font-size: 1.1rem; padding: .5rem .6rem; border: 1px solid #888; border-radius: .4rem; }
  button { font: inherit; padding: .35rem .8rem; border: 1px solid #777; border-radius: .4rem; background: #fff; color: inherit; cursor: pointer; }
  button:disabled { opacity: .5; cursor: default; }
  #go { background: #1a56c8; border-color: #1a56c8; color: #fff; }
  :focus-visible { outline: 3px solid #e8710a; outline-offset: 2px; }
  #status { min-height: 1.6em; margin: .25rem 0 .75rem; color: #555; }
  main[data-state="loading"] #status::before { content: ""; display: inline-block; width: .9em; height: .9em; margin-right: .45em; vertical-align: -.1em; border: 2px solid #1a56c8; border-right-color: transparent; border-radius: 50%; animation: spin .8s linear infinite; }
  @keyframes spin { to { transform: rotate(360deg); } }
  main[data-state="no-results"] #status { padding: .75rem 1rem; border: 1px dashed #999; border-radius: .4rem; background: #fff; color: #1d1d1f; }
  main[data-state="empty"] #status { font-style: italic; }
  #error { padding: .75rem 1rem; border: 1px solid #b3261e; border-left-width: 6px; border-radius: .4rem; background: #fdecea; color: #5f1410; margin-bottom: .75rem; }
  #landing { padding: 1rem; border-radius: .5rem; background: #fff; border: 1px solid #ddd; }
  #examples { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: .5rem 0 0; }
  ol.results { list-style: none; padding: 0; margin: 0; }
  .result { display: grid; grid-template-columns: minmax(0, 240px) minmax(0, 1fr); gap: 1rem; padding: .9rem 0; border-bottom: 1px solid #ddd; }
  .result.playing { grid-template-columns: minmax(0, 480px) minmax(0, 1fr); }
  .media { min-width: 0; }
  .media img { display: block; width: 100%; max-width: 240px; aspect-ratio: 4 / 3; object-fit: cover; background: #e5e5e5; border-radius: .3rem; }
  button.play { padding: 0; border: 0; background: none; display: block; width: 100%; max-width: 240px; position: relative; }
  button.play::after { content: "\\25B6"; position: absolute; right: .4rem; bottom: .4rem; padding: .1rem .45rem; border-radius: .3rem; background: rgba(0, 0, 0, .65); color: #fff; font-size: .8rem; }
  .no-media { font-size: .85rem; color: #666; margin: .3rem 0 0; }
  video { display: block; width: 100%; max-width: 100%; height: auto; background: #000; border-radius: .3rem; }
  .timeline { position: relative; height: .6rem; margin-top: .35rem; background: #ddd; border-radius: .3rem; overflow: hidden; }
  .timeline .moment-mark { position: absolute; top: 0; bottom: 0; background: #e8710a; }
  .timeline .playhead { position: absolute; top: 0; bottom: 0; width: 2px; background: #1d1d1f; }
  .player-controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .35rem; font-size: .9rem; }
  .player-controls label { display: inline; font-weight: 400; margin: 0; }
  .meta { min-width: 0; overflow-wrap: anywhere; }
  .title:focus { outline: none; }
  .title:focus-visible { outline: 3px solid #e8710a; }
  .facts { color: #555; font-size: .9rem; margin: .2rem 0 .5rem; }
  .actions { display: flex; flex-wrap: wrap; gap: .5rem; }
  .panel { margin-top: .5rem; font-size: .92rem; }
  .panel ol { margin: .25rem 0 0; padding-left: 1.3rem; }
  .similar-list { list-style: none; padding: 0 !important; display: grid; gap: .4rem; }
  .similar-list li { display: flex; gap: .5rem; align-items: center; }
  .similar-list img { width: 64px; height: 48px; object-fit: cover; background: #e5e5e5; border-radius: .2rem; flex: none; }
  .panel-error { color: #b3261e; }
  #more { margin: 1rem 0; }
  #visual { margin: 0 0 .75rem; }
  .drop { padding: .6rem .8rem; border: 2px dashed #999; border-radius: .5rem; background: #fff; }
  .drop.dragging { border-color: #1a56c8; background: #eef3fc; }
  .drop input[type="file"] { max-width: 100%; font: inherit; }
  .note { margin: .35rem 0 0; font-size: .88rem; color: #555; }
  #visual-progress-block { margin-top: .5rem; }
  #visual-progress-block label { font-weight: 400; font-size: .9rem; }
  #visual-progress { width: 100%; height: .8rem; }
  #describe { margin: 0 0 .75rem; padding: .6rem 1rem; border: 1px solid #ddd; border-radius: .5rem; background: #fff; }
  #describe ol { margin: .3rem 0 0; padding-left: 1.3rem; }
  @media (max-width: 600px) {
    main { padding: .75rem; }
    .result, .result.playing { grid-template-columns: minmax(0, 1fr); gap: .5rem; }
    .media img, button.play { max-width: 100%; }
  }
</style>
</head>
<body>
<main id="main" data-state="idle">
<h1>CLIP video search</h1>
<search><form id="search">
  <label for="q">Describe a scene</label>
  <div class="search-row">
    <input type="search" id="q" name="q" placeholder="e.g. a red ball rolling" maxlength="1000" autocomplete="off" aria-describedby="status">
    <button type="submit" id="go" disabled>Search</button>
  </div>
</form></search>
<section id="visual" aria-labelledby="visual-title">
  <div id="drop" class="drop">
    <label for="media-file" id="visual-title">Or search with an image or a short clip</label>
    <input type="file" id="media-file" accept="image/*,video/*" aria-describedby="visual-note">
    <p id="visual-note" class="note">Choose, drop or paste one. It is embedded in this browser: the image or clip never leaves your device, only its vector is sent.</p>
  </div>
  <div id="visual-progress-block" hidden>
    <label for="visual-progress" id="visual-progress-label">Downloading</label>
    <progress id="visual-progress" max="1" value="0"></progress>
  </div>
</section>
<div id="status" role="status" aria-live="polite"></div>
<div id="error" role="alert" hidden></div>
<section id="landing" aria-labelledby="landing-title">
  <h2 id="landing-title">What is indexed</h2>
  <p id="summary">Reading the index…</p>
  <div id="examples-block" hidden>
    <h2 id="examples-title">Try one of its captions</h2>
    <ul id="examples" aria-labelledby="examples-title"></ul>
  </div>
</section>
<section id="describe" aria-labelledby="describe-title" hidden>
  <h2 id="describe-title">Describe this clip</h2>
  <ol id="describe-list"></ol>
</section>
<ol id="results" class="results" aria-label="Results"></ol>
<button type="button" id="more" hidden>More results</button>
</main>
<script type="module" src="/page.js"></script>
</body>
</html>
`;
