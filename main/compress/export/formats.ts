// Checkpoint layouts as named tensors + config JSON (spec §9). Pure: the file writing is in write.ts.
import type { ResolvedConfig } from '../config.js';
import type { QuantRecord } from '../quant/minmax.js';
import { packAwq, packGptq } from './pack.js';

export type TensorDtype = 'I32' | 'F16' | 'F32';
export interface NamedTensor {
  dtype: TensorDtype;
  shape: number[];
  data: Int32Array | Uint16Array | Float32Array;
}

/** HF parameter prefix of a block linear, e.g. model.layers.3.self_attn.q_proj (the model room's) */
export { linearPrefix } from '../../model/index.js';

/** qweight / qzeros / scales / g_idx (+ bias) of one linear in AutoGPTQ v1 layout. */
export function gptqLinearTensors(prefix: string, rec: QuantRecord, bias?: Float32Array): Record<string, NamedTensor> {
  const t = packGptq(rec);
  const out: Record<string, NamedTensor> = {
    [`${prefix}.qweight`]: { dtype: 'I32', shape: t.shapes.qweight, data: t.qweight },
    [`${prefix}.qzeros`]: { dtype: 'I32', shape: t.shapes.qzeros, data: t.qzeros },
    [`${prefix}.scales`]: { dtype: 'F16', shape: t.shapes.scales, data: t.scales },
    [`${prefix}.g_idx`]: { dtype: 'I32', shape: t.shapes.gIdx, data: t.gIdx },
  };
  if (bias) out[`${prefix}.bias`] = { dtype: 'F32', shape: [bias.length], data: bias };
  return out;
}

export function gptqQuantizationConfig(c: ResolvedConfig): Record<string, unknown> {
  return {
    bits: c.bits,
    group_size: c.groupSize,
    damp_percent: c.damp,
    desc_act: c.actOrder,
    static_groups: c.staticGroups,
    sym: c.sym,
    true_sequential: c.trueSequential,
    quant_method: 'gptq',
    checkpoint_format: 'gptq',
  };
}

/** qweight / qzeros / scales (+ bias) of one linear in AutoAWQ GEMM layout. */
export function awqLinearTensors(prefix: string, rec: QuantRecord, bias?: Float32Array): Record<string, NamedTensor> {
  const t = packAwq(rec);
  const out: Record<string, NamedTensor> = {
    [`${prefix}.qweight`]: { dtype: 'I32', shape: t.shapes.qweight, data: t.qweight },
    [`${prefix}.qzeros`]: { dtype: 'I32', shape: t.shapes.qzeros, data: t.qzeros },
    [`${prefix}.scales`]: { dtype: 'F16', shape: t.shapes.scales, data: t.scales },
  };
  if (bias) out[`${prefix}.bias`] = { dtype: 'F32', shape: [bias.length], data: bias };
  return out;
}

export function awqQuantizationConfig(c: ResolvedConfig): Record<string, unknown> {
  return { quant_method: 'awq', bits: c.bits, group_size: c.groupSize, zero_point: true, version: 'gemm', modules_to_not_convert: null };
}
