// Decodes an exported PNG (8-bit RGB or RGBA, as Chromium writes them) to count what is drawn where.
import { inflateSync } from 'node:zlib';
import { readPngChunks } from '../../renderer/export/image.js';

export interface Pixels {
  width: number;
  height: number;
  /** RGB(A) of pixel (x, y) */
  at(x: number, y: number): [number, number, number];
}

export function decodePng(png: Uint8Array): Pixels {
  const chunks = readPngChunks(png);
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, chunks[0].data.byteLength);
  const width = ihdr.getUint32(0),
    height = ihdr.getUint32(4),
    depth = ihdr.getUint8(8),
    colour = ihdr.getUint8(9),
    interlace = ihdr.getUint8(12);
  if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
    throw new Error(`expected an 8-bit RGB(A) non-interlaced PNG; found depth ${depth}, colour type ${colour}, interlace ${interlace}`);
  const bpp = colour === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * bpp;
  const out = new Uint8Array(height * stride);
  // undo the per-row filters (PNG spec §9): None, Sub, Up, Average, Paeth
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[y * stride + i - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      out[y * stride + i] = (row[i] + predictor) & 0xff;
    }
  }
  return { width, height, at: (x, y) => [out[y * stride + x * bpp], out[y * stride + x * bpp + 1], out[y * stride + x * bpp + 2]] };
}

/** Pixels of near-black ink (text, axis lines, tick marks) inside a box given as fractions of the image. */
export function inkIn(p: Pixels, box: { x0: number; x1: number; y0: number; y1: number }): number {
  let n = 0;
  for (let y = Math.floor(box.y0 * p.height); y < Math.floor(box.y1 * p.height); y++)
    for (let x = Math.floor(box.x0 * p.width); x < Math.floor(box.x1 * p.width); x++) {
      const [r, g, b] = p.at(x, y);
      if (r < 90 && g < 90 && b < 90) n++;
    }
  return n;
}
