// Argument parsing of `acbench compress` (no model import, so it is testable on its own).
import { parseArgs } from 'node:util';
import { UsageError } from '../base/index.js';
import type { CompressionConfig, CompressionTuning, CompressionMethodName, SparsityPatternName } from './config.js';
import { METHODS } from './methods/index.js';
import type { ExportFormat } from './export/write.js';

export const USAGE =
  'acbench compress --model DIR --method rtn|gptq|awq|smoothquant|fp8|magnitude|wanda|sparsegpt [--bits B] [--group-size G] ' +
  '[--act-order] [--sym] [--asym] [--damp D] [--sparsity 0.5] [--pattern unstructured|2:4|4:8] [--alpha A] [--fp8 tensor|channel] ' +
  '[--kv-bits 4|8|16] [--kv-group-size G] [--block-size 128] [--static-groups] [--calib FILE|DIR|builtin] [--samples N] [--seqlen L] [--seed S] --out DIR [--format fake|gptq|awq] [--json]\n' +
  '  --first-layers N instead of --out: compress only the first N layers and write nothing (a measurement: time and peak memory per layer)';

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name}: expected a number, found ${JSON.stringify(v)}`);
  return n;
}

export function parseCompressArgs(argv: string[]): {
  model: string;
  out: string;
  firstLayers?: number;
  format: ExportFormat;
  json: boolean;
  config: CompressionConfig;
  tuning: CompressionTuning;
  calib: { source: string; samples: number; seqlen: number; seed: number };
} {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string' },
      method: { type: 'string' },
      bits: { type: 'string' },
      'group-size': { type: 'string' },
      'act-order': { type: 'boolean' },
      sym: { type: 'boolean' },
      asym: { type: 'boolean' },
      damp: { type: 'string' },
      sparsity: { type: 'string' },
      pattern: { type: 'string' },
      alpha: { type: 'string' },
      fp8: { type: 'string' },
      'kv-bits': { type: 'string' },
      'kv-group-size': { type: 'string' },
      'block-size': { type: 'string' },
      'static-groups': { type: 'boolean' },
      calib: { type: 'string' },
      samples: { type: 'string' },
      seqlen: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      'first-layers': { type: 'string' },
    },
  });
  if (!values.model) throw new UsageError('--model DIR is required');
  const firstLayers = num('first-layers', values['first-layers']);
  if (firstLayers !== undefined && !(Number.isInteger(firstLayers) && firstLayers >= 1)) throw new UsageError(`--first-layers: expected a whole number ≥ 1, found ${values['first-layers']}`);
  if (!values.out && firstLayers === undefined) throw new UsageError('--out DIR is required');
  if (!values.method || !METHODS.includes(values.method as CompressionMethodName)) throw new UsageError(`--method: expected ${METHODS.join('|')}, found ${JSON.stringify(values.method ?? '')}`);
  const format = (values.format ?? 'fake') as ExportFormat;
  if (!['fake', 'gptq', 'awq'].includes(format)) throw new UsageError(`--format: expected fake|gptq|awq, found ${JSON.stringify(values.format)}`);
  if (values.fp8 !== undefined && values.fp8 !== 'tensor' && values.fp8 !== 'channel') throw new UsageError(`--fp8: expected tensor|channel, found ${JSON.stringify(values.fp8)}`);
  const kv = num('kv-bits', values['kv-bits']);
  const config: CompressionConfig = {
    method: values.method as CompressionMethodName,
    bits: num('bits', values.bits),
    groupSize: num('group-size', values['group-size']),
    actOrder: values['act-order'] ? true : undefined,
    sym: values.sym ? true : values.asym ? false : undefined,
    damp: num('damp', values.damp),
    sparsity: num('sparsity', values.sparsity),
    pattern: values.pattern as SparsityPatternName | undefined,
    alpha: num('alpha', values.alpha),
    fp8Granularity: values.fp8 as 'tensor' | 'channel' | undefined,
    kvBits: kv as 4 | 8 | 16 | undefined,
  };
  for (const k of Object.keys(config) as (keyof CompressionConfig)[]) if (config[k] === undefined) delete config[k];
  return {
    model: values.model,
    out: values.out ?? '',
    ...(firstLayers !== undefined ? { firstLayers } : {}),
    format,
    json: values.json ?? false,
    config,
    tuning: {
      kvGroupSize: num('kv-group-size', values['kv-group-size']),
      blockSize: num('block-size', values['block-size']),
      staticGroups: values['static-groups'] ? true : undefined,
    },
    calib: { source: values.calib ?? 'builtin', samples: num('samples', values.samples) ?? 128, seqlen: num('seqlen', values.seqlen) ?? 512, seed: num('seed', values.seed) ?? 0 },
  };
}
