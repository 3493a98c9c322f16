import { describe, expect, it } from 'vitest';
import { UsageError } from '../../main/base/index.js';
import { parseCompressArgs } from '../../main/compress/cli-args.js';
import { resolveConfig } from '../../main/compress/config.js';
import { checkExportFormat } from '../../main/compress/export/write.js';

describe('compress command-line arguments', () => {
  it('parses the documented flags into a CompressionConfig', () => {
    const a = parseCompressArgs([
      '--model',
      'm',
      '--method',
      'gptq',
      '--bits',
      '3',
      '--group-size',
      '64',
      '--act-order',
      '--sym',
      '--calib',
      'c.jsonl',
      '--samples',
      '16',
      '--seqlen',
      '256',
      '--seed',
      '7',
      '--out',
      'o',
      '--format',
      'gptq',
      '--json',
    ]);
    expect(a.config).toEqual({ method: 'gptq', bits: 3, groupSize: 64, actOrder: true, sym: true });
    expect(a.calib).toEqual({ source: 'c.jsonl', samples: 16, seqlen: 256, seed: 7 });
    expect([a.model, a.out, a.format, a.json]).toEqual(['m', 'o', 'gptq', true]);
    const p = parseCompressArgs(['--model', 'm', '--method', 'sparsegpt', '--pattern', '2:4', '--out', 'o']);
    expect(p.config).toEqual({ method: 'sparsegpt', pattern: '2:4' });
    expect(p.calib).toEqual({ source: 'builtin', samples: 128, seqlen: 512, seed: 0 });
  });
  it('rejects missing and malformed arguments with what was expected', () => {
    expect(() => parseCompressArgs(['--method', 'gptq', '--out', 'o'])).toThrow(/--model DIR is required/);
    expect(() => parseCompressArgs(['--model', 'm', '--method', 'zip', '--out', 'o'])).toThrow(/--method: expected rtn|.*found "zip"/);
    expect(() => parseCompressArgs(['--model', 'm', '--method', 'rtn', '--bits', 'four', '--out', 'o'])).toThrow(UsageError);
    expect(() => parseCompressArgs(['--model', 'm', '--method', 'rtn', '--format', 'gguf', '--out', 'o'])).toThrow(/fake\|gptq\|awq/);
    expect(() => parseCompressArgs(['--model', 'm', '--method', 'rtn', '--nope', '--out', 'o'])).toThrow();
  });
  it('wrong combinations fail in validation, before a model is loaded', () => {
    const awq24 = parseCompressArgs(['--model', 'm', '--method', 'awq', '--pattern', '2:4', '--out', 'o']);
    expect(() => resolveConfig(awq24.config)).toThrow(/pattern: expected a pruning method/);
    const wandaGptq = parseCompressArgs(['--model', 'm', '--method', 'wanda', '--out', 'o', '--format', 'gptq']);
    expect(() => checkExportFormat(resolveConfig(wandaGptq.config), wandaGptq.format)).toThrow(/format gptq: expected method gptq, rtn, or sparsegpt with --bits, found method wanda/);
    const rtnAsym = parseCompressArgs(['--model', 'm', '--method', 'rtn', '--out', 'o', '--format', 'gptq']);
    expect(() => checkExportFormat(resolveConfig(rtnAsym.config), 'gptq')).toThrow(/symmetric/);
  });
});
