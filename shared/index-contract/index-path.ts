// Paths named inside an index (thumbnails): relative, "/"-separated, below the index root. The lexical
// rule is checked here for every runtime; the Node reader also resolves symlinks against the root.

/** Why `path` may not be read from an index, or null when it is a safe relative path. */
export function unsafeIndexPath(path: string): string | null {
  if (path === "") return "is empty";
  if (path.length > 512) return "is longer than 512 characters";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is absolute";
  if (path.includes("\\")) return 'contains "\\" (use "/")';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f]/.test(path)) return "contains a control character";
  const parts = path.split("/");
  if (parts.some((part) => part === "" || part === "." || part === ".."))
    return 'has an empty, "." or ".." part';
  return null;
}
