import { deflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, dataUrlToBytes, IMAGE_PRESETS, imageSize, mmToPixels, NotAPngError, readPngChunks, setPngDpi } from '../../renderer/export/image.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlibCrc32(body));
  return Buffer.concat([len, body, crc]);
}
/** a 2×1 8-bit greyscale PNG */
function tinyPng(): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const raw = Buffer.from([0, 10, 200]);
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]));
}

describe('figure sizes', () => {
  it('converts millimetres at a DPI to pixels (89 mm → 1051 px, 183 mm → 2161 px at 300 DPI)', () => {
    expect(mmToPixels(89, 300)).toBe(1051);
    expect(mmToPixels(183, 300)).toBe(2161);
    expect(mmToPixels(25.4, 600)).toBe(600);
    expect(IMAGE_PRESETS.map((p) => [p.widthMm, p.dpi])).toEqual([
      [89, 300],
      [183, 300],
    ]);
  });
  it('lays out at the printed size in CSS pixels and scales so the canvas truncation hits the target', () => {
    for (const [mm, dpi] of [
      [89, 300],
      [183, 300],
      [89, 600],
      [120, 150],
      [183, 1200],
    ]) {
      const s = imageSize(mm, dpi, 0.7);
      expect(s.width).toBe(Math.round((mm / 25.4) * 96));
      expect(Math.floor(s.width * s.scale)).toBe(mmToPixels(mm, dpi));
      expect(s.pixelWidth).toBe(mmToPixels(mm, dpi));
      expect(s.pixelHeight).toBe(Math.floor(s.height * s.scale));
    }
    expect(imageSize(89, 300).width).toBe(336);
  });
});

describe('PNG resolution', () => {
  it('computes the PNG CRC-32 (check value of "123456789" is CBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('inserts a pHYs chunk after IHDR with pixels per metre = dpi / 0.0254, and valid CRCs', () => {
    const out = setPngDpi(tinyPng(), 300);
    const chunks = readPngChunks(out);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'pHYs', 'IDAT', 'IEND']);
    const phys = Buffer.from(chunks[1].data);
    expect(phys.readUInt32BE(0)).toBe(11811);
    expect(phys.readUInt32BE(4)).toBe(11811);
    expect(phys[8]).toBe(1);
    // every chunk's CRC matches zlib's
    let at = 8;
    const buf = Buffer.from(out);
    while (at < buf.length) {
      const len = buf.readUInt32BE(at);
      expect(buf.readUInt32BE(at + 8 + len)).toBe(zlibCrc32(buf.subarray(at + 4, at + 8 + len)));
      at += 12 + len;
    }
    expect(at).toBe(buf.length);
  });
  it('replaces an existing pHYs rather than adding a second', () => {
    const twice = setPngDpi(setPngDpi(tinyPng(), 72), 600);
    const phys = readPngChunks(twice).filter((c) => c.type === 'pHYs');
    expect(phys).toHaveLength(1);
    expect(Buffer.from(phys[0].data).readUInt32BE(0)).toBe(23622);
  });
  it('refuses data that is not a PNG, saying what it found', () => {
    expect(() => setPngDpi(new TextEncoder().encode('<svg/>'), 300)).toThrow(NotAPngError);
    expect(() => setPngDpi(new TextEncoder().encode('<svg/>'), 300)).toThrow(/found 3c 73 76 67 2f 3e/);
  });
  it('decodes base64 data URLs', () => {
    expect(Array.from(dataUrlToBytes('data:image/png;base64,AAEC/w=='))).toEqual([0, 1, 2, 255]);
  });
});
