// The page's routes in workerd: the HTML's landmarks and labels, the script, the icon (a valid ICO, not a
// 404), and the CSP that lets the player load media from this origin.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

async function get(path: string) {
  const response = await SELF.fetch(`http://worker${path}`);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe("page routes", () => {
  it("serves the page with a labelled search box, a live status, an alert box and a results list", async () => {
    const { response, bytes } = await get("/");
    expect(response.status).toBe(200);
    const html = new TextDecoder().decode(bytes);
    expect(html).toContain('<label for="q">');
    expect(html).toMatch(/<div id="status" role="status" aria-live="polite">/);
    expect(html).toMatch(/<div id="error" role="alert" hidden>/);
    expect(html).toMatch(/<ol id="results" class="results"/);
    expect(html).toContain('<link rel="icon" href="/favicon.ico"');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("media-src 'self'");
    expect(csp).toContain("script-src 'self'");
  });

  it("serves the script as JavaScript", async () => {
    const { response, bytes } = await get("/page.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = new TextDecoder().decode(bytes);
    // The parts are joined: the search calls the result renderer, which calls the player.
    for (const name of ["function getJson", "function openPlayer", "function resultItem", "function search"])
      expect(script).toContain(name);
  });

  it("serves /favicon.ico as a 32x32 32-bit ICO whose directory matches its bytes", async () => {
    const { response, bytes } = await get("/favicon.ico");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/x-icon");
    const view = new DataView(bytes.buffer);
    expect([view.getUint16(0, true), view.getUint16(2, true), view.getUint16(4, true)]).toEqual([0, 1, 1]);
    expect([bytes[6], bytes[7], view.getUint16(12, true)]).toEqual([32, 32, 32]);
    const size = view.getUint32(14, true);
    const offset = view.getUint32(18, true);
    expect(offset + size).toBe(bytes.length);
    // BITMAPINFOHEADER: 40 bytes, 32 wide, 64 high (image + mask), 32 bits per pixel, uncompressed.
    expect([
      view.getUint32(offset, true),
      view.getInt32(offset + 4, true),
      view.getInt32(offset + 8, true),
      view.getUint16(offset + 14, true),
      view.getUint32(offset + 16, true),
    ]).toEqual([40, 32, 64, 32, 0]);
  });
});
