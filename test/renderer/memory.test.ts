import { describe, expect, it } from 'vitest';
import { bitsPerWeight, formatBytes, paramsFromName, weightBytes } from '../../renderer/results/memory.js';

describe('weight memory', () => {
  it('counts bits per weight per method', () => {
    expect(bitsPerWeight({ method: 'gptq', bits: 4, groupSize: 128 })).toBe(4.25); // 4 + 32/128
    expect(bitsPerWeight({ method: 'awq', bits: 3, groupSize: 64 })).toBe(3.5);
    expect(bitsPerWeight({ method: 'rtn', bits: 8, groupSize: -1 })).toBe(8);
    expect(bitsPerWeight({ method: 'smoothquant', bits: 8 })).toBe(8);
    expect(bitsPerWeight({ method: 'fp8' })).toBe(8);
    expect(bitsPerWeight({ method: 'wanda', pattern: '2:4', sparsity: 0.5 })).toBe(9);
    expect(bitsPerWeight({ method: 'sparsegpt', pattern: 'unstructured', sparsity: 0.5 })).toBe(16);
    expect(bitsPerWeight({ method: 'none' })).toBe(16);
  });
  it('turns parameters and bits into bytes', () => {
    expect(weightBytes(7e9, 4.25)).toBe(3.71875e9);
    expect(weightBytes(7e9, 16)).toBe(14e9);
  });
  it('reads the size from model names', () => {
    expect(paramsFromName('Qwen2.5-7B')).toBe(7e9);
    expect(paramsFromName('Qwen2.5-1.5B')).toBe(1.5e9);
    expect(paramsFromName('OPT-125M')).toBe(1.25e8);
    expect(paramsFromName('Mistral-7B-v0.3')).toBe(7e9);
    expect(paramsFromName('acb-tiny')).toBeUndefined();
  });
  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(3.71875e9)).toBe('3.46 GiB');
    expect(formatBytes(14e9)).toBe('13.0 GiB');
  });
});
