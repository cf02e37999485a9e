// The web page at "/": plain HTML + JS (no build step) calling the JSON API.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CLIP video search</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; }
  input[type=search] { flex: 1; font-size: 1.1rem; padding: .4rem; }
  #status { color: #666; min-height: 1.4em; }
  .result { display: flex; gap: 1rem; border-bottom: 1px solid #ddd; padding: .75rem 0; }
  .result img { width: 160px; height: 90px; object-fit: cover; background: #eee; }
  .result video { width: 320px; }
  .meta { flex: 1; }
  .title { font-weight: 600; }
  .score, .moment { color: #555; font-size: .9rem; }
  .captions { margin: .4rem 0 0; padding-left: 1.2rem; font-size: .9rem; }
</style>
</head>
<body>
<h1>CLIP video search</h1>
<form id="search">
  <input type="search" id="q" name="q" placeholder="describe a scene, e.g. a red ball" maxlength="1000" autofocus>
  <button type="submit">Search</button>
</form>
<p id="status"></p>
<div id="results"></div>
<script type="module" src="/page.js"></script>
</body>
</html>
`;
