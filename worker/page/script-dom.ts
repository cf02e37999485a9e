// Page script, part 1: DOM and fetch helpers shared by the other parts (plain browser JavaScript as text).

export const SCRIPT_DOM = `
/** A new element with attributes (null/false ones skipped) and children (strings become text). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === false || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function isAbort(error) {
  return error && error.name === "AbortError";
}

/**
 * GET a JSON body. Throws an Error whose message a person can read: the API's error.message, or what the
 * server answered when it was not JSON; AbortError passes through untouched.
 */
async function getJson(url, signal) {
  return requestJson(url, { signal, headers: { accept: "application/json" } });
}

/** POST \`body\` as JSON; answers and errors as getJson. */
async function postJson(url, body, signal) {
  return requestJson(url, { method: "POST", signal, body: JSON.stringify(body), headers: { accept: "application/json", "content-type": "application/json" } });
}

async function requestJson(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new Error("the server could not be reached; check your connection and try again");
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error && typeof body.error.message === "string" ? body.error.message : null;
    throw new Error(message || "the server answered " + response.status + (response.statusText ? " " + response.statusText : "") + " without an explanation; try again later");
  }
  if (body === null) throw new Error("the server's answer could not be read (it was not JSON); try again later");
  return body;
}

function seconds(value) {
  return value.toFixed(1) + " s";
}

function quoted(text) {
  return "\\u201c" + text + "\\u201d";
}

function plural(count, word) {
  return count + " " + word + (count === 1 ? "" : "s");
}

let nextId = 0;
function uniqueId(prefix) {
  nextId += 1;
  return prefix + "-" + nextId;
}
`;
