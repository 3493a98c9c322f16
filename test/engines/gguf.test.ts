// GGUF writing, read back by node-llama-cpp's own parser (pure JS), and the block layouts checked by hand.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGgufFileInfo } from 'node-llama-cpp';
import { blockTypeOf, convertToGguf, dequantizeBlocks, encodeBlocks, quantizeRowsReference, ropeRowPermutation, writeGguf } from '../../main/engines/index.js';
import { f32, strings, u32, str } from '../../main/engines/llamacpp/gguf.js';
import { compressModel, loadCalibration, writeCompressedModel } from '../../main/compress/index.js';
import { createRandomModel, f16ToF32, loadModel, toFp16Bits, type QuantCodes } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const fp16 = (v: number) => f16ToF32(toFp16Bits(v));

function tensorBytes(file: string, offset: number | bigint, size: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const out = new Uint8Array(size);
    readSync(fd, out, 0, size, Number(offset));
    return out;
  } finally {
    closeSync(fd);
  }
}

describe('GGUF format', () => {
  it('writes metadata and tensors that llama.cpp tooling reads back, aligned to 32 bytes', async () => {
    const file = join(tempDir(), 'a.gguf');
    const a = Float32Array.of(1, 2, 3);
    writeGguf(
      file,
      [
        ['general.architecture', str('llama')],
        ['llama.block_count', u32(7)],
        ['llama.rope.freq_base', f32(10000)],
        ['tokenizer.ggml.tokens', strings(['a', 'b'])],
      ],
      [
        { name: 'v', dims: [3], type: 'F32', write: (put) => put(new Uint8Array(a.buffer)) },
        { name: 'm', dims: [2, 1], type: 'F16', write: (put) => put(new Uint8Array(Uint16Array.of(toFp16Bits(0.5), toFp16Bits(-2)).buffer)) },
      ],
    );
    const info = await readGgufFileInfo(file, { sourceType: 'filesystem', logWarnings: false });
    expect(info.version).toBe(3);
    const md = info.metadata as unknown as {
      general: { architecture: string; alignment: number };
      llama: { block_count: number; rope: { freq_base: number } };
      tokenizer: { ggml: { tokens: string[] } };
    };
    expect(md.general.architecture).toBe('llama');
    expect(md.general.alignment).toBe(32);
    expect(md.llama.block_count).toBe(7);
    expect(md.llama.rope.freq_base).toBe(10000);
    expect(md.tokenizer.ggml.tokens).toEqual(['a', 'b']);
    const [v, m] = info.fullTensorInfo!;
    expect([v.name, v.dimensions.map(Number), v.ggmlType]).toEqual(['v', [3], 0]);
    expect([m.name, m.dimensions.map(Number), m.ggmlType]).toEqual(['m', [2, 1], 1]);
    expect(Number(m.offset)).toBe(32); // 12 bytes of v, padded to 32
    expect(Number(v.fileOffset) % 32).toBe(0);
    expect(Array.from(new Float32Array(tensorBytes(file, v.fileOffset, 12).buffer))).toEqual([1, 2, 3]);
    expect(Array.from(new Uint16Array(tensorBytes(file, m.fileOffset, 4).buffer), f16ToF32)).toEqual([0.5, -2]);
  });

  it('packs Q4_0 / Q4_1 / Q8_0 blocks as ggml lays them out', () => {
    // one row of 32 codes 0…15, 15…0: Q4_0 byte j holds code j (low nibble) and code j+16 (high nibble)
    const codes = Array.from({ length: 32 }, (_, c) => (c < 16 ? c : 31 - c));
    const src = { rows: 1, cols: 32, code: (_r: number, c: number) => codes[c], scale: () => 0.25, offset: () => -0.25 * 3 };
    const q40 = encodeBlocks(src, 'Q4_0');
    expect(q40.length).toBe(18);
    expect(new DataView(q40.buffer).getUint16(0, true)).toBe(toFp16Bits(0.25));
    expect(q40[2]).toBe(0 | (15 << 4)); // codes 0 and 15
    expect(q40[3]).toBe(1 | (14 << 4));
    expect(Array.from(dequantizeBlocks(q40, 'Q4_0', 32, f16ToF32))).toEqual(codes.map((q) => 0.25 * (q - 8)));
    const q41 = encodeBlocks(src, 'Q4_1');
    expect(q41.length).toBe(20);
    expect(Array.from(dequantizeBlocks(q41, 'Q4_1', 32, f16ToF32))).toEqual(codes.map((q) => 0.25 * q - 0.75)); // d·q + m, m = −d·zero
    const q80 = encodeBlocks({ ...src, code: (_r, c) => 128 + codes[c] - 7 }, 'Q8_0');
    expect(q80.length).toBe(34);
    expect(q80[2]).toBe(256 - 7); // int8 −7 for code 121
    expect(Array.from(dequantizeBlocks(q80, 'Q8_0', 32, f16ToF32))).toEqual(codes.map((q) => 0.25 * (q - 7)));
  });

  it("llama.cpp's reference quantizers: Q8_0 d = max|x|/127, Q4_0 d = (x of max |x|)/−8", () => {
    const x = Float32Array.from({ length: 32 }, (_, i) => (i - 10) / 4); // −2.5 … 5.25
    const q8 = dequantizeBlocks(quantizeRowsReference(x, 1, 32, 'Q8_0'), 'Q8_0', 32, f16ToF32);
    const d8 = fp16(5.25 / 127);
    expect(q8[31]).toBeCloseTo(d8 * 127, 6); // the largest value maps to code 127
    expect(q8[10]).toBe(0);
    const q4 = dequantizeBlocks(quantizeRowsReference(x, 1, 32, 'Q4_0'), 'Q4_0', 32, f16ToF32);
    const d4 = fp16(5.25 / -8); // negative: the largest value takes code 0 → −8·d = 5.25
    expect(q4[31]).toBeCloseTo(-8 * d4, 6);
    expect(Math.max(...q4.map((v, i) => Math.abs(v - x[i])))).toBeLessThanOrEqual(Math.abs(d4) / 2 + 1e-6);
  });

  it('maps code records onto blocks only where every 32-column block lies in one group', () => {
    const rec = (bits: number, zeros: number, gIdx: (c: number) => number): QuantCodes => ({
      bits,
      rows: 1,
      cols: 64,
      groupSize: 32,
      codes: new Uint8Array(64),
      scales: Float32Array.of(1, 1),
      zeros: Float32Array.of(zeros, zeros),
      gIdx: Int32Array.from({ length: 64 }, (_, c) => gIdx(c)),
    });
    expect(blockTypeOf(rec(4, 8, (c) => c >> 5)).type).toBe('Q4_0');
    expect(blockTypeOf(rec(4, 5, (c) => c >> 5)).type).toBe('Q4_1');
    expect(blockTypeOf(rec(8, 128, (c) => c >> 5)).type).toBe('Q8_0');
    expect(blockTypeOf(rec(8, 100, (c) => c >> 5))).toMatchObject({ type: null, why: expect.stringMatching(/asymmetric/) });
    expect(blockTypeOf(rec(3, 4, (c) => c >> 5))).toMatchObject({ type: null, why: expect.stringMatching(/3-bit/) });
    expect(blockTypeOf(rec(4, 8, (c) => c % 2))).toMatchObject({ type: null, why: expect.stringMatching(/act-order/) });
  });

  it("permutes q/k rows from HF's rotate-half order to llama.cpp's interleaved pairs", () => {
    // head of 4 dims: HF rows (0, 1 | 2, 3) pair (0, 2) and (1, 3); llama.cpp wants pairs in rows (0, 1) and (2, 3)
    expect(Array.from(ropeRowPermutation(1, 4))).toEqual([0, 2, 1, 3]);
    expect(Array.from(ropeRowPermutation(2, 4))).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });
});

describe('HF folder → GGUF', () => {
  it('acb-tiny: every tensor kept exactly in F32, llama layout, tied output', () => {
    const file = join(tempDir(), 'tiny.gguf');
    const conv = convertToGguf('resources/models/acb-tiny', file);
    expect(conv.exact).toBe(true);
    expect(conv.mainType).toBe('F32');
    const names = conv.tensors.map((t) => t.name);
    expect(names).toContain('token_embd.weight');
    expect(names).toContain('blk.1.ffn_down.weight');
    expect(names).not.toContain('output.weight'); // tie_word_embeddings: llama.cpp reuses token_embd
    expect(names).toHaveLength(1 + 2 * 9 + 1);
  });

  it('quantized folders become exact Q4_0 (symmetric GPTQ), Q4_1 (AWQ) and Q8_0 (RTN W8) blocks', async () => {
    const cases = [
      { config: { method: 'gptq', bits: 4, groupSize: 32, sym: true }, format: 'gptq', type: 'Q4_0' },
      { config: { method: 'awq', bits: 4, groupSize: 32 }, format: 'awq', type: 'Q4_1' },
      { config: { method: 'rtn', bits: 8, groupSize: 64, sym: true }, format: 'fake', type: 'Q8_0' },
      { config: { method: 'rtn', bits: 4, groupSize: 32, sym: false }, format: 'fake', type: 'Q4_1' },
    ] as const;
    for (const c of cases) {
      const model = createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 1, numHeads: 4, numKvHeads: 2 }, 7);
      const calibration = loadCalibration(model.tokenizer, { samples: 2, seqlen: 32, seed: 1 });
      const outcome = await compressModel(model, c.config, calibration);
      const dir = tempDir();
      await writeCompressedModel(model, outcome, dir, c.format);
      const file = join(dir, 'm.gguf');
      const conv = convertToGguf(dir, file);
      expect(conv.exact, c.config.method).toBe(true);
      expect(conv.mainType, `${c.config.method} ${c.format}`).toBe(c.type);
      // the dequantized blocks are the weights our engine runs, up to the fp16 rounding of scales (and of Q4_1's offset)
      const info = await readGgufFileInfo(file, { sourceType: 'filesystem', logWarnings: false });
      const loaded = await loadModel(dir);
      const down = info.fullTensorInfo!.find((t) => t.name === 'blk.0.ffn_down.weight')!;
      const w = loaded.layers[0].linear('down_proj').weight;
      const blockBytes = c.type === 'Q8_0' ? 34 : c.type === 'Q4_0' ? 18 : 20;
      const got = dequantizeBlocks(tensorBytes(file, down.fileOffset, (w.data.length / 32) * blockBytes), c.type, w.data.length, f16ToF32);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < w.data.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - w.data[i]));
        scale = Math.max(scale, Math.abs(w.data[i]));
      }
      // packed GPTQ stores fp16 scales, so its Q4_0 blocks are bit-exact; fp32 scales and Q4_1's offset m = −s·z round to fp16 (2⁻¹¹ relative)
      if (c.format === 'gptq') expect(worst).toBe(0);
      else expect(worst / scale, `${c.config.method} ${c.format}`).toBeLessThan(2 ** -10);
      loaded.dispose();
      model.dispose();
    }
  });
});
