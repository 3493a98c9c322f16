// A compression configuration: its fields, the rules of its method (from compress's registry), its display names and label.
import { z } from 'zod';
// the registry's door: pure rules with no runtime imports (the renderer bundles this room; compress's own door pulls in tfjs)
import { compressionConfigProblems, GROUPED_QUANT_METHODS, PRUNING_METHODS } from '../compress/methods/index.js';

export const CompressionMethod = z.enum(['none', 'rtn', 'gptq', 'awq', 'smoothquant', 'fp8', 'magnitude', 'wanda', 'sparsegpt']);
export type CompressionMethod = z.infer<typeof CompressionMethod>;
export const SparsityPattern = z.enum(['unstructured', '2:4', '4:8']);
export type SparsityPattern = z.infer<typeof SparsityPattern>;

/** The fields of a compression configuration, without the rules between them (what a stored experiment holds). */
export const CompressionConfigFields = z.object({
  method: CompressionMethod,
  label: z.string().max(80).optional(),
  bits: z.number().int().min(2).max(8).optional(),
  groupSize: z.number().int().min(-1).max(8192).optional(),
  actOrder: z.boolean().optional(),
  sym: z.boolean().optional(),
  damp: z.number().positive().max(1).optional(),
  sparsity: z.number().min(0).max(0.99).optional(),
  pattern: SparsityPattern.optional(),
  alpha: z.number().min(0).max(1).optional(),
  fp8Granularity: z.enum(['tensor', 'channel']).optional(),
  kvBits: z.union([z.literal(4), z.literal(8), z.literal(16)]).optional(),
});
/** A configuration that can run: the fields, then every rule of its method (compress/methods), each on the field at fault. */
export const CompressionConfig = CompressionConfigFields.superRefine((c, ctx) => {
  for (const p of compressionConfigProblems(c)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.expected, params: { found: p.found } });
});
export type CompressionConfig = z.infer<typeof CompressionConfig>;

const METHOD_NAMES: Record<CompressionMethod, string> = {
  none: 'Base',
  rtn: 'RTN',
  gptq: 'GPTQ',
  awq: 'AWQ',
  smoothquant: 'SmoothQuant',
  fp8: 'FP8',
  magnitude: 'Magnitude',
  wanda: 'Wanda',
  sparsegpt: 'SparseGPT',
};
export const methodName = (m: CompressionMethod): string => (m === 'none' ? 'None (base)' : METHOD_NAMES[m]);
export { GROUPED_QUANT_METHODS, PRUNING_METHODS };

/** The label results, charts and files know a configuration by: its own, else "GPTQ-W4", "SmoothQuant-W8A8", "Wanda-2:4", "Wanda-50%". */
export function configLabel(c: CompressionConfig): string {
  if (c.label && c.label.trim()) return c.label.trim();
  const name = METHOD_NAMES[c.method];
  let label: string;
  if (GROUPED_QUANT_METHODS.includes(c.method)) label = `${name}-W${c.bits ?? 4}`;
  else if (c.method === 'smoothquant') label = `${name}-W${c.bits ?? 8}A8`;
  else if (c.method === 'fp8') label = c.fp8Granularity === 'tensor' ? 'FP8-tensor' : 'FP8';
  else if (PRUNING_METHODS.includes(c.method)) label = c.pattern && c.pattern !== 'unstructured' ? `${name}-${c.pattern}` : `${name}-${Math.round((c.sparsity ?? 0.5) * 100)}%`;
  else label = name;
  if (c.kvBits && c.kvBits !== 16) label += `-KV${c.kvBits}`;
  return label;
}

/** The label of the uncompressed model in results; no configuration may take it. */
export const BASE_LABEL = 'base';
/** Labels the results keep for the app's own rows. */
export const RESERVED_LABELS = [BASE_LABEL];

/** The form two labels are compared in: Unicode NFKC, case-folded, inner whitespace collapsed ("Cfg  A" ≡ "cfg a"). */
export function labelKey(label: string): string {
  return label.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
