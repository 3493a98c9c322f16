// Every method's exact output on fixed seeds: a digest of the compressed weights, the quantization records, the
// losses of the report and the logits of the compressed model (runtime transforms included). The digests were taken
// before the methods became a registry; a refactor that moves code must leave every one of them unchanged.
import { describe, it } from 'vitest';
import { JsEngine } from '../../main/tensor/index.js';
import { createRandomModel, type CausalLM } from '../../main/model/index.js';
import { compressModel } from '../../main/compress/driver.js';
import { hashTokenIds, type CalibrationSet } from '../../main/compress/calibration.js';
import type { CompressionConfig, CompressionTuning } from '../../main/compress/config.js';
import { seededRandom } from '../../main/compress/rng.js';
import { digest, expectRecorded } from '../helpers/digest.js';

const engine = new JsEngine();
const newModel = (): CausalLM => createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 64, intermediateSize: 128, numHeads: 4, numKvHeads: 2, numLayers: 2 }, 17, engine);

function calibration(samples: number, seqlen: number, seed: number): CalibrationSet {
  const r = seededRandom(seed);
  const s = Array.from({ length: samples }, () => Array.from({ length: seqlen }, () => 3 + Math.floor(r() * 250)));
  return { source: 'golden', samples: s, seqlen, seed, corpusTokens: samples * seqlen, hash: hashTokenIds(s) };
}

const CASES: [string, CompressionConfig, CompressionTuning?][] = [
  ['none + KV8', { method: 'none', kvBits: 8 }],
  ['rtn W4 g32 asym', { method: 'rtn', bits: 4, groupSize: 32 }],
  ['rtn W3 per channel sym', { method: 'rtn', bits: 3, groupSize: -1, sym: true }],
  ['gptq W4 g32', { method: 'gptq', bits: 4, groupSize: 32 }],
  ['gptq W3 g8 act-order, blocks of 16', { method: 'gptq', bits: 3, groupSize: 8, actOrder: true }, { blockSize: 16 }],
  ['gptq W4 g16 static groups, all at once', { method: 'gptq', bits: 4, groupSize: 16, sym: false }, { staticGroups: true, trueSequential: false, blockSize: 32 }],
  ['gptq W2 per channel', { method: 'gptq', bits: 2, groupSize: -1, damp: 0.1 }],
  ['awq W4 g32', { method: 'awq', bits: 4, groupSize: 32 }],
  ['awq W3 g16, few search tokens', { method: 'awq', bits: 3, groupSize: 16 }, { awqSearchTokens: 20 }],
  ['smoothquant α 0.8 + KV4', { method: 'smoothquant', alpha: 0.8, kvBits: 4 }],
  ['fp8 channel', { method: 'fp8' }],
  ['fp8 tensor', { method: 'fp8', fp8Granularity: 'tensor' }],
  ['magnitude 50%', { method: 'magnitude', sparsity: 0.5 }],
  ['magnitude 4:8', { method: 'magnitude', pattern: '4:8' }],
  ['wanda 60%', { method: 'wanda', sparsity: 0.6 }],
  ['wanda 2:4', { method: 'wanda', pattern: '2:4' }],
  ['sparsegpt 50%, blocks of 16', { method: 'sparsegpt', sparsity: 0.5 }, { blockSize: 16 }],
  ['sparsegpt 2:4 + W4 g32', { method: 'sparsegpt', pattern: '2:4', bits: 4, groupSize: 32 }],
  ['sparsegpt 4:8 + W3 per channel, blocks of 24', { method: 'sparsegpt', pattern: '4:8', bits: 3, groupSize: -1 }, { blockSize: 24 }],
];

/** Digest of everything a compression decides: weights (model hash), records, losses and sparsities, logits. */
async function compressionDigest(config: CompressionConfig, tuning: CompressionTuning | undefined, cal: CalibrationSet): Promise<string> {
  const model = newModel();
  const { report, records } = await compressModel(model, config, cal, { engine, tuning });
  const h = digest();
  h.text(model.hash);
  for (const [key, r] of [...records].sort(([a], [b]) => a.localeCompare(b))) {
    h.text(`${key}:${r.bits}/${r.groupSize}/${r.sym}`);
    for (const a of [r.codes, r.scales, r.zeros, r.gIdx, r.perm ?? new Int32Array()]) h.bytes(a);
  }
  const numbers = {
    linears: report.linears.map((l) => [l.layer, l.name, l.loss, l.lossKind, l.sparsity, l.bitsPerWeight]),
    layers: report.layers.map((l) => [l.index, l.loss, l.sparsity, l.awqRatios ?? null]),
    sparsity: report.sparsity,
    bits: report.effectiveBitsPerWeight,
    size: report.sizeBytes,
    kv: report.kvCache,
    activations: report.activations,
    config: Object.entries(report.config).sort(([a], [b]) => a.localeCompare(b)),
  };
  h.text(JSON.stringify(numbers));
  h.bytes(model.forward([5, 17, 200, 3, 99, 42, 7, 255, 1, 64, 128, 33], { allLogits: true }).logits.data);
  return h.hex();
}

// digests of the code before the registry (commit 58178b1)
const GOLDEN: Record<string, string> = {
  'none + KV8': '5f4f45b7e4309f4b4c8dc7cf',
  'rtn W4 g32 asym': '5ca5158d0d441ee06b995774',
  'rtn W3 per channel sym': 'b778d7115610ab434574cbb0',
  'gptq W4 g32': '0527e19ad1ffab93393987ab',
  'gptq W3 g8 act-order, blocks of 16': '94cfbf117bf82fa841b7fe8c',
  'gptq W4 g16 static groups, all at once': '7a061cbf25eeff6d91e6b456',
  'gptq W2 per channel': '0d5ebaf8ce2d38f001ec051e',
  'awq W4 g32': '14aaf480fc3df1f7888b9c74',
  'awq W3 g16, few search tokens': 'f5b966ebd5dcf9aa0dc59a4b',
  'smoothquant α 0.8 + KV4': '427904a1a1267b3f0f1030be',
  'fp8 channel': '9d69e3dd0e5d177253da39cb',
  'fp8 tensor': 'fd62fe88010c4c4ba3ba4c34',
  'magnitude 50%': '9c1846155dcacd5215f66597',
  'magnitude 4:8': 'c4e20b20be5c64f696ef22cf',
  'wanda 60%': '4c1200482ab57c0087fb87ee',
  'wanda 2:4': '02e125fbba6352e4aad8d9f8',
  'sparsegpt 50%, blocks of 16': '72a1a9ba057fd266debac98c',
  'sparsegpt 2:4 + W4 g32': 'd6605e01c7067c0ec3bf6826',
  'sparsegpt 4:8 + W3 per channel, blocks of 24': 'fbe18431af19e57863e72423',
};

describe('compression outputs are bit-identical to the recorded ones', () => {
  const cal = calibration(4, 16, 7);
  for (const [name, config, tuning] of CASES) it(name, async () => expectRecorded(GOLDEN, name, await compressionDigest(config, tuning, cal)));
});
