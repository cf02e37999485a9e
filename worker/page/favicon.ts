// The page's icon (/favicon.ico): a 32x32 ICO drawn here (a play triangle on a blue tile), so no binary file
// needs bundling. ICO = directory + one BITMAPINFOHEADER image, 32-bit BGRA rows bottom-up, then an AND mask.

const SIZE = 32;

/** BGRA of pixel (x, y), y from the top: a rounded blue tile with a white play triangle. */
function pixel(x: number, y: number): [number, number, number, number] {
  const cx = x + 0.5;
  const cy = y + 0.5;
  const corner = 6;
  const dx = Math.max(corner - cx, cx - (SIZE - corner), 0);
  const dy = Math.max(corner - cy, cy - (SIZE - corner), 0);
  if (dx * dx + dy * dy > corner * corner) return [0, 0, 0, 0];
  // Triangle pointing right: x in 11..24, |y - 16| <= (24 - x) * 0.6.
  const inTriangle = cx >= 11 && cx <= 24 && Math.abs(cy - 16) <= (24 - cx) * 0.6;
  return inTriangle ? [255, 255, 255, 255] : [0xc8, 0x56, 0x1a, 255];
}

function drawIcon(): Uint8Array {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 32 one-bit pixels per row = 4 bytes, already 32-bit aligned
  const image = 40 + pixels + mask;
  const bytes = new Uint8Array(6 + 16 + image);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  bytes[6] = SIZE;
  bytes[7] = SIZE;
  view.setUint16(10, 1, true); // planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, image, true);
  view.setUint32(18, 22, true); // offset of the image
  view.setUint32(22, 40, true); // BITMAPINFOHEADER size
  view.setInt32(26, SIZE, true);
  view.setInt32(30, SIZE * 2, true); // XOR bitmap + AND mask
  view.setUint16(34, 1, true);
  view.setUint16(36, 32, true);
  view.setUint32(42, pixels + mask, true);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) bytes.set(pixel(x, SIZE - 1 - y), 62 + (y * SIZE + x) * 4);
  return bytes;
}

/** The ICO file's bytes. */
export const FAVICON_ICO = drawIcon();
