// Writing a compressed model: our HF layout (fake-quant or pruned float weights + acbench_compression.json),
// the AutoGPTQ v1 layout and the AutoAWQ GEMM layout (spec §9); and re-installing the inference-time
// transforms (SmoothQuant activations, KV cache) when a compressed folder is loaded again.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import {
  CODES_FILE_PREFIX,
  COMPRESSION_METADATA_FILE,
  applyRuntime,
  linearPrefix,
  residencyFor,
  writeCodesFile,
  type ModelConfig,
  dequantizeLinear,
  packedQuantizationOf,
  readHeader,
  readRuntime,
  type CausalLM,
  type LinearName,
} from '../../model/index.js';
import type { ResolvedConfig } from '../config.js';
import { compressModel, type CompressionOutcome, type CompressRunOptions } from '../driver.js';
import type { CompressionConfig } from '../config.js';
import type { CalibrationSet } from '../calibration.js';
import type { QuantRecord } from '../quant/minmax.js';
import type { CompressionReport } from '../report.js';
import { CompressionConfigError, ExportFormatError } from '../errors.js';
import { awqLinearTensors, awqQuantizationConfig, gptqLinearTensors, gptqQuantizationConfig, type NamedTensor } from './formats.js';
import { toFp16Bits } from './fp16.js';
import { type RawTensor, bytesOf, readSafetensors, typedOf, writeSafetensors } from './safetensors.js';

export type ExportFormat = 'fake' | 'gptq' | 'awq';
export { COMPRESSION_METADATA_FILE };

export interface CompressionMetadata {
  format: 'acbench-compression';
  version: 1;
  method: string;
  export: ExportFormat;
  config: ResolvedConfig;
  /** what the runtime must apply at inference for the numbers to mean what they say */
  runtime: {
    activationBits: number | null;
    /** bits of the q/k/v projection outputs (attention BMM inputs), per token; absent in folders written before it existed */
    bmmInputBits?: number | null;
    kvCache: { bits: number; groupSize: number } | null;
  };
  report: CompressionReport;
}

/** Which export formats a configuration can produce; checked before any work. */
export function checkExportFormat(c: ResolvedConfig, format: ExportFormat): void {
  if (format === 'gptq') {
    const ok = c.method === 'gptq' || c.method === 'rtn' || (c.method === 'sparsegpt' && c.quantizeAfterPruning);
    if (!ok) throw new CompressionConfigError('format gptq', 'method gptq, rtn, or sparsegpt with --bits', `method ${c.method}`);
    if (!c.sym) throw new CompressionConfigError('format gptq', 'symmetric quantization (--sym; the v1 format stores zero − 1)', 'asymmetric');
  }
  if (format === 'awq') {
    if (c.method !== 'awq') throw new CompressionConfigError('format awq', 'method awq', `method ${c.method}`);
    if (c.bits !== 4) throw new CompressionConfigError('format awq', '4 bits (GEMM kernels)', `${c.bits} bits`);
  }
}

export function metadataOf(outcome: CompressionOutcome, format: ExportFormat): CompressionMetadata {
  const r = outcome.report;
  return {
    format: 'acbench-compression',
    version: 1,
    method: r.method,
    export: format,
    config: r.config,
    runtime: { activationBits: r.activations?.bits ?? null, bmmInputBits: r.activations?.bmmInputs ? r.activations.bits : null, kvCache: r.kvCache },
    report: r,
  };
}

/** Save `model` (already compressed in place) to outDir in the chosen layout. */
export async function writeCompressedModel(model: CausalLM, outcome: CompressionOutcome, outDir: string, format: ExportFormat = 'fake'): Promise<void> {
  const cfg = outcome.report.config;
  checkExportFormat(cfg, format);
  const meta = metadataOf(outcome, format);
  await model.save(outDir, { [COMPRESSION_METADATA_FILE]: JSON.stringify(meta, null, 2) });
  if (format === 'fake') {
    // the integer codes beside the float weights, so a GGUF conversion can write exact blocks
    if (outcome.records.size)
      writeCodesFile(
        join(outDir, `${CODES_FILE_PREFIX}.safetensors`),
        new Map(
          [...outcome.records].map(([key, rec]) => {
            const [layer, name] = key.split('.') as [string, LinearName];
            return [linearPrefix(Number(layer), name), rec];
          }),
        ),
      );
    return;
  }
  const perLinear = (layer: number, name: LinearName, bias?: Float32Array): Record<string, NamedTensor> => {
    const rec = outcome.records.get(`${layer}.${name}`);
    if (!rec) throw new ExportFormatError(`export ${format}`, `a quantization record for layer ${layer} ${name}`, 'none');
    const prefix = linearPrefix(layer, name);
    return format === 'gptq' ? gptqLinearTensors(prefix, rec, bias) : awqLinearTensors(prefix, rec, bias);
  };
  const replaced = new Map<string, Record<string, NamedTensor>>();
  model.layers.forEach((layer, li) => {
    for (const name of ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as LinearName[])
      replaced.set(`${linearPrefix(li, name)}.weight`, perLinear(li, name, layer.linear(name).bias));
  });
  const files = readdirSync(outDir).filter((f) => f.endsWith('.safetensors'));
  if (files.length === 0) throw new ExportFormatError(outDir, 'model.safetensors written by the model room', 'no .safetensors file');
  const newMap: Record<string, string> = {};
  let found = 0;
  for (const file of files) {
    const { tensors, metadata } = readSafetensors(join(outDir, file));
    const out = new Map<string, RawTensor>();
    for (const [name, t] of tensors) {
      const rep = replaced.get(name);
      if (rep) {
        found++;
        for (const [n, nt] of Object.entries(rep))
          out.set(n, { dtype: nt.dtype === 'F32' ? 'F16' : nt.dtype, shape: nt.shape, bytes: nt.dtype === 'F32' ? bytesOf(toF16(nt.data as Float32Array)) : bytesOf(nt.data) });
        continue;
      }
      if (name.endsWith('.bias') && replaced.has(name.replace(/\.bias$/, '.weight'))) continue; // written with its linear
      out.set(name, t.dtype === 'F32' ? { dtype: 'F16', shape: t.shape, bytes: bytesOf(toF16(typedOf(t) as Float32Array)) } : t);
    }
    writeSafetensors(join(outDir, file), out, { ...metadata, format: 'pt' });
    for (const n of out.keys()) newMap[n] = file;
  }
  if (found !== replaced.size) throw new ExportFormatError(`export ${format}`, `${replaced.size} block linear weights in the saved checkpoint`, `${found}`);
  const indexPath = join(outDir, 'model.safetensors.index.json');
  if (existsSync(indexPath)) {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { metadata?: unknown; weight_map: Record<string, string> };
    index.weight_map = newMap;
    writeFileSync(indexPath, JSON.stringify(index, null, 2));
  }
  const configPath = join(outDir, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const q = format === 'gptq' ? gptqQuantizationConfig(cfg) : awqQuantizationConfig(cfg);
  config.quantization_config = q;
  config.torch_dtype = 'float16';
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  if (format === 'gptq') writeFileSync(join(outDir, 'quantize_config.json'), JSON.stringify(q, null, 2));
  else writeFileSync(join(outDir, 'quant_config.json'), JSON.stringify({ zero_point: true, q_group_size: cfg.groupSize, w_bit: cfg.bits, version: 'GEMM' }, null, 2));
}

function toF16(a: Float32Array): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = toFp16Bits(a[i]);
  return out;
}

export function readCompressionMetadata(dir: string): CompressionMetadata | null {
  const p = join(dir, COMPRESSION_METADATA_FILE);
  if (!existsSync(p)) return null;
  const m = JSON.parse(readFileSync(p, 'utf8')) as CompressionMetadata;
  if (m.format !== 'acbench-compression') throw new ExportFormatError(p, 'format "acbench-compression"', JSON.stringify(m.format));
  return m;
}

/**
 * After loading a compressed folder: re-install SmoothQuant's per-token activation (and attention BMM input) quantization and the
 * KV-cache quantization recorded in acbench_compression.json. Returns the metadata (null for a plain model).
 */
export function restoreRuntimeTransforms(model: CausalLM): CompressionMetadata | null {
  const m = readCompressionMetadata(model.dir);
  if (!m) return null;
  applyRuntime(model, readRuntime(model.dir));
  return m;
}

/**
 * Dequantize every packed linear of a GPTQ or AWQ export folder: prefix → W [out, in] (float32).
 * The round-trip check: the codes are the ones the compressed model ran with, the scales rounded to fp16 (AWQ: exact;
 * GPTQ/RTN: within 2⁻¹¹·|ŵ| of the fake-quant weights, whose scales are float32 as in the references).
 */
export function readQuantizedLinears(dir: string): Map<string, { rows: number; cols: number; data: Float32Array }> {
  const q = packedQuantizationOf(dir);
  if (!q) throw new ExportFormatError(join(dir, 'config.json'), 'quantization_config with quant_method gptq or awq', 'none');
  const out = new Map<string, { rows: number; cols: number; data: Float32Array }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.safetensors'))) {
    const header = readHeader(join(dir, file));
    for (const [name, t] of header.tensors) {
      if (!name.endsWith('.qweight')) continue;
      const prefix = name.slice(0, -'.qweight'.length);
      const [rows, cols] = q.method === 'gptq' ? [t.shape[1], (t.shape[0] * 32) / q.bits] : [t.shape[1] * 8, t.shape[0]];
      out.set(prefix, { rows, cols, data: dequantizeLinear(q, (n) => (header.tensors.has(n) ? header : undefined), prefix, rows, cols) });
    }
  }
  return out;
}

export { readSafetensors, typedOf };

/** Layer at a time when the model's float32 weights would not fit comfortably (the model room's rule). */
export function shouldStream(c: ModelConfig, freeBytes = freemem(), env: NodeJS.ProcessEnv = process.env): boolean {
  return residencyFor(c, freeBytes, env) === 'streamed';
}

export interface CompressToFolderOptions extends CompressRunOptions {
  /** layer at a time, each finished layer written out (default: shouldStream) */
  streamed?: boolean;
}

/**
 * Compress `model` and write it to `outDir` in `format`. Streamed, each finished layer's edited weights go to a spill
 * file and its codes to the folder right away, so the peak holds one layer; the final save reads them back once.
 */
export async function compressToFolder(
  model: CausalLM,
  config: CompressionConfig,
  calibration: CalibrationSet | undefined,
  outDir: string,
  format: ExportFormat,
  opts: CompressToFolderOptions = {},
): Promise<CompressionOutcome> {
  const streamed = opts.streamed ?? shouldStream(model.config);
  const spillDir = join(outDir, '.acbench-spill');
  const kept = new Map<string, QuantRecord>();
  const pad = (n: number) => String(n).padStart(5, '0');
  if (streamed) {
    rmSync(spillDir, { recursive: true, force: true });
    mkdirSync(spillDir, { recursive: true });
  }
  const outcome = await compressModel(model, config, calibration, {
    ...opts,
    onLayerDone: streamed
      ? (li, records) => {
          if (format === 'fake') {
            if (records.size)
              writeCodesFile(join(outDir, `${CODES_FILE_PREFIX}-${pad(li)}.safetensors`), new Map([...records].map(([key, rec]) => [linearPrefix(li, key.split('.')[1] as LinearName), rec])));
          } else for (const [k, r] of records) kept.set(k, r); // packed exports need every layer's codes at the end
          model.layers[li].spillEdited(join(spillDir, `layer-${pad(li)}.safetensors`));
        }
      : undefined,
  });
  for (const [k, r] of kept) outcome.records.set(k, r);
  await writeCompressedModel(model, outcome, outDir, format);
  rmSync(spillDir, { recursive: true, force: true });
  return outcome;
}
