// Figure sizes for journals and PNG resolution metadata.

/** pixels = mm / 25.4 × dpi */
export const mmToPixels = (mm: number, dpi: number): number => Math.round((mm / 25.4) * dpi);

export interface ImagePreset {
  id: string;
  label: string;
  widthMm: number;
  dpi: number;
}
export const IMAGE_PRESETS: readonly ImagePreset[] = [
  { id: 'single', label: 'Single column (89 mm, 300 DPI)', widthMm: 89, dpi: 300 },
  { id: 'double', label: 'Double column (183 mm, 300 DPI)', widthMm: 183, dpi: 300 },
];

/** CSS pixels per inch: Plotly lays a figure out in CSS pixels. */
export const CSS_DPI = 96;

export interface ToImageSize {
  /** layout width and height in CSS pixels (fonts keep their point size at the printed width) */
  width: number;
  height: number;
  /** raster scale so that width × scale is the requested pixel width */
  scale: number;
  /** pixel size of the PNG */
  pixelWidth: number;
  pixelHeight: number;
}

/**
 * Size for Plotly.toImage: lay out at the printed size (mm at 96 CSS px per inch) and rasterise at
 * dpi/96, nudged up by a hair so the canvas's integer truncation of width × scale lands on the pixel target.
 */
export function imageSize(widthMm: number, dpi: number, aspect = 0.7): ToImageSize {
  const pixelWidth = mmToPixels(widthMm, dpi);
  const width = Math.max(1, Math.round((widthMm / 25.4) * CSS_DPI));
  const height = Math.max(1, Math.round(width * aspect));
  const scale = (pixelWidth + 1e-6) / width;
  return { width, height, scale, pixelWidth, pixelHeight: Math.floor(height * scale) };
}

// --- PNG pHYs chunk ------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG defines it (ISO 3309) */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export class NotAPngError extends Error {
  constructor(found: string) {
    super(`expected PNG data (signature 89 50 4E 47 0D 0A 1A 0A); found ${found}`);
    this.name = 'NotAPngError';
  }
}

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

export function readPngChunks(png: Uint8Array): PngChunk[] {
  if (png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new NotAPngError(Array.from(png.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.slice(at + 4, at + 8));
    chunks.push({ type, data: png.slice(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** Set the PNG's resolution: a pHYs chunk (pixels per metre = dpi / 0.0254) right after IHDR. */
export function setPngDpi(png: Uint8Array, dpi: number): Uint8Array {
  const chunks = readPngChunks(png).filter((c) => c.type !== 'pHYs');
  const ppm = Math.round(dpi / 0.0254);
  const phys = new Uint8Array(9);
  const pv = new DataView(phys.buffer);
  pv.setUint32(0, ppm);
  pv.setUint32(4, ppm);
  phys[8] = 1; // unit: metre
  chunks.splice(1, 0, { type: 'pHYs', data: phys });
  const total = 8 + chunks.reduce((a, c) => a + 12 + c.data.length, 0);
  const out = new Uint8Array(total);
  out.set(PNG_SIGNATURE, 0);
  const view = new DataView(out.buffer);
  let at = 8;
  for (const c of chunks) {
    view.setUint32(at, c.data.length);
    const typed = new Uint8Array(4 + c.data.length);
    for (let i = 0; i < 4; i++) typed[i] = c.type.charCodeAt(i);
    typed.set(c.data, 4);
    out.set(typed, at + 4);
    view.setUint32(at + 8 + c.data.length, crc32(typed));
    at += 12 + c.data.length;
  }
  return out;
}

export function dataUrlToBytes(dataUrl: string): Uint8Array {
  const comma = dataUrl.indexOf(',');
  const b64 = dataUrl.slice(comma + 1);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
