// Weight-memory footprints: measured by the service for our runs, estimated from the method for the paper.

/** Bits stored per weight for a compression setting (weights only; activations and KV cache excluded). */
export function bitsPerWeight(c: { method?: string; bits?: number; groupSize?: number; sparsity?: number; pattern?: string }): number {
  const method = c.method ?? 'none';
  switch (method) {
    case 'rtn':
    case 'gptq':
    case 'awq': {
      const bits = c.bits ?? 4;
      const g = c.groupSize ?? 128;
      // b + 32/g: an fp16 scale and an fp16 zero point per group of g weights
      return g > 0 ? bits + 32 / g : bits;
    }
    case 'smoothquant':
      return c.bits ?? 8;
    case 'fp8':
      return 8;
    case 'magnitude':
    case 'wanda':
    case 'sparsegpt': {
      if (c.pattern === '2:4' || c.pattern === '4:8') {
        // N:M sparse fp16: half the weights kept at 16 bits + a 2-bit index per kept weight = 9 bits per weight
        return 16 * 0.5 + 2 * 0.5;
      }
      // unstructured sparsity stored densely saves nothing
      return 16;
    }
    default:
      return 16;
  }
}

/** bytes = parameters × bits per weight / 8 */
export const weightBytes = (params: number, bpw: number): number => (params * bpw) / 8;

/** "7B" → 7e9, "1.5b" → 1.5e9, "125M" → 1.25e8 (first size token in a model name), or undefined. */
export function paramsFromName(name: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*([BbMm])(?![a-z])/.exec(name.replace(/-v\d+(\.\d+)?/, ''));
  if (!m) return undefined;
  return Number(m[1]) * (m[2].toLowerCase() === 'b' ? 1e9 : 1e6);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** The largest binary unit that keeps `bytes` at 1 or more (so 0.74 M parameters read in MiB, 7 B in GiB). */
export function byteUnit(bytes: number): { name: (typeof BYTE_UNITS)[number]; bytes: number } {
  let i = 0;
  while (bytes >= 1024 ** (i + 1) && i < BYTE_UNITS.length - 1) i++;
  return { name: BYTE_UNITS[i], bytes: 1024 ** i };
}

export function formatBytes(bytes: number): string {
  const unit = byteUnit(bytes);
  const v = bytes / unit.bytes;
  return `${v >= 100 || unit.bytes === 1 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${unit.name}`;
}
