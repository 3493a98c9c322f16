// What a compression run reports: per-layer and per-linear loss, achieved sparsity, effective bits per
// weight (codes + scales + zeros + g_idx), model size before/after, wall time per stage, calibration hash.
import type { LinearName, ModelConfig } from '../model/index.js';
import type { ResolvedConfig } from './config.js';

export type LossKind =
  /** GPTQ/SparseGPT: Σ (w − q)²/(2·U_ii²) */
  | 'obs'
  /** AWQ: mean squared linear-output error on the sampled calibration tokens */
  | 'output-mse'
  /** Wanda: Σ over pruned weights of W_ij²·mean(x_j²) */
  | 'wanda'
  /** calibration-free methods: ‖W − Ŵ‖²_F / numel */
  | 'weight-mse';

export interface LinearReport {
  layer: number;
  name: LinearName;
  rows: number;
  cols: number;
  loss: number;
  lossKind: LossKind;
  sparsity: number;
  bitsPerWeight: number;
  seconds: number;
}

export interface LayerReport {
  index: number;
  loss: number;
  sparsity: number;
  seconds: number;
  /** AWQ: the searched ratio per scale group */
  awqRatios?: Record<string, number>;
}

export interface CompressionReport {
  method: string;
  config: ResolvedConfig;
  calibration: { source: string; samples: number; seqlen: number; seed: number; hash: string; corpusTokens: number } | null;
  layers: LayerReport[];
  linears: LinearReport[];
  sparsity: { global: number; perLayer: number[] };
  /** mean over the block linears, weighted by their size */
  effectiveBitsPerWeight: number;
  sizeBytes: { before: number; after: number; ratio: number };
  seconds: { calibrate: number; capture: number; statistics: number; hessianInverse: number; updates: number; compress: number; total: number };
  kvCache: { bits: number; groupSize: number } | null;
  /** simulated activation quantization; bmmInputs: the q/k/v projection outputs (attention's BMM inputs) too */
  activations: { bits: number; granularity: 'per-token'; bmmInputs?: boolean } | null;
  backend: string;
  /** the model hash before compression */
  baseModelHash: string;
  /** the model hash after compression (weights and inference-time transforms) */
  compressedModelHash: string;
  createdAt: string;
}

/** Storage bits per weight of one linear, scales/zeros/g_idx included (fp16 scales). */
export function effectiveBits(c: ResolvedConfig, rows: number, cols: number): number {
  const gs = c.groupSize > 0 ? c.groupSize : cols;
  switch (c.method) {
    case 'rtn':
    case 'gptq':
    case 'awq':
      // b-bit code + per (row, group) an fp16 scale and a b-bit zero; act-order adds an int32 g_idx per column
      return c.bits + (16 + c.bits) / gs + (c.method === 'gptq' && c.actOrder ? 32 / rows : 0);
    case 'smoothquant':
      return 8 + 16 / cols; // int8 weights and one fp16 scale per output row
    case 'fp8':
      return 8 + (c.fp8Granularity === 'channel' ? 32 / cols : 32 / (rows * cols)); // e4m3 + fp32 scale
    case 'sparsegpt':
      return c.quantizeAfterPruning ? c.bits + (16 + c.bits) / gs : 16; // stored dense
    default:
      return 16; // pruned models are stored dense with zeros
  }
}

/** Parameter count of the whole model and of its block linears. */
export function parameterCounts(mc: ModelConfig): { total: number; linears: number } {
  const h = mc.hiddenSize;
  const q = mc.numHeads * mc.headDim;
  const kv = mc.numKvHeads * mc.headDim;
  const perLayer = h * q + 2 * h * kv + q * h + 3 * h * mc.intermediateSize;
  const biases = mc.attentionBias ? q + 2 * kv : 0;
  const linears = mc.numLayers * perLayer;
  const other = mc.vocabSize * h * (mc.tieWordEmbeddings ? 1 : 2) + mc.numLayers * (2 * h + biases) + h;
  return { total: linears + other, linears };
}

/** Bytes before (at the checkpoint dtype) and after (linears at their effective bits). */
export function modelSizes(mc: ModelConfig, linearBits: { numel: number; bits: number }[]): { before: number; after: number; ratio: number } {
  const dtypeBytes = mc.torchDtype === 'float32' ? 4 : 2;
  const { total, linears } = parameterCounts(mc);
  const before = total * dtypeBytes;
  let linearBytes = 0;
  let counted = 0;
  for (const l of linearBits) {
    linearBytes += (l.numel * Math.min(l.bits, dtypeBytes * 8)) / 8;
    counted += l.numel;
  }
  linearBytes += (linears - counted) * dtypeBytes; // linears left alone (none, normally)
  const after = Math.round((total - linears) * dtypeBytes + linearBytes);
  return { before, after, ratio: before / after };
}
