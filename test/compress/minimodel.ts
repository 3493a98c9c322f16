// A minimal Llama-style model that implements the model room's CausalLM shape on the engine, so the
// driver can be tested on its own (the real runtime is tested the same way in model.test.ts).
import { getEngine, matrix, type Matrix, type ResidentWeight } from '../../main/tensor/index.js';
import type { ActivationTransform, CausalLM, DecoderLayer, KvTransform, LinearInputHook, LinearName, LinearParams, ModelConfig, ProjectionOutputTransform } from '../../main/model/types.js';
import { randomMatrix } from './fixtures.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors, type RawTensor } from '../../main/compress/export/safetensors.js';

const engine = getEngine();

export interface MiniShape {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
}

class MiniLayer implements DecoderLayer {
  inputNorm: Float32Array;
  postAttentionNorm: Float32Array;
  private params = new Map<LinearName, LinearParams>();
  private resident = new Map<LinearName, ResidentWeight>();
  constructor(
    readonly index: number,
    private readonly model: MiniModel,
    seed: number,
  ) {
    const s = model.shape;
    const hd = s.hidden / s.heads;
    const shapes: Record<LinearName, [number, number]> = {
      q_proj: [s.heads * hd, s.hidden],
      k_proj: [s.kvHeads * hd, s.hidden],
      v_proj: [s.kvHeads * hd, s.hidden],
      o_proj: [s.hidden, s.heads * hd],
      gate_proj: [s.intermediate, s.hidden],
      up_proj: [s.intermediate, s.hidden],
      down_proj: [s.hidden, s.intermediate],
    };
    let k = 0;
    for (const [name, [o, i]] of Object.entries(shapes) as [LinearName, [number, number]][]) this.setLinear(name, { weight: randomMatrix(o, i, seed + k++, 1 / Math.sqrt(i)) });
    this.inputNorm = Float32Array.from({ length: s.hidden }, (_, j) => 0.8 + (0.4 * ((j * 7) % 11)) / 11);
    this.postAttentionNorm = Float32Array.from({ length: s.hidden }, (_, j) => 0.8 + (0.4 * ((j * 5) % 13)) / 13);
  }
  linear(name: LinearName): LinearParams {
    return this.params.get(name)!;
  }
  setLinear(name: LinearName, p: LinearParams): void {
    this.resident.get(name)?.dispose();
    this.params.set(name, p);
    this.resident.set(name, engine.residentWeight(p.weight));
  }
  setNorms(a: Float32Array, b: Float32Array): void {
    this.inputNorm = a;
    this.postAttentionNorm = b;
  }
  private lin(name: LinearName, x: Matrix, hook?: LinearInputHook): Matrix {
    hook?.(name, x);
    const t = this.model.activation;
    return engine.linear(t ? t(name, x) : x, this.resident.get(name)!, this.params.get(name)!.bias);
  }
  release(): void {} // its residents are rebuilt on setLinear only; nothing to free between layers
  spillEdited(): void {} // holds everything in memory: a test model

  forward(hidden: Matrix, positions: Int32Array, hook?: LinearInputHook): Matrix {
    const s = this.model.shape;
    const hd = s.hidden / s.heads;
    const x = engine.rmsNorm(hidden, this.inputNorm, 1e-6);
    const out = this.model.output ?? ((_n: string, y: Matrix) => y);
    const q = out('q_proj', this.lin('q_proj', x, hook));
    let k = out('k_proj', this.lin('k_proj', x, hook));
    let v = out('v_proj', this.lin('v_proj', x, hook));
    const half = hd / 2;
    const cos = new Float32Array(positions.length * half);
    const sin = new Float32Array(positions.length * half);
    positions.forEach((p, t) => {
      for (let i = 0; i < half; i++) {
        const a = p / 10000 ** ((2 * i) / hd);
        cos[t * half + i] = Math.cos(a);
        sin[t * half + i] = Math.sin(a);
      }
    });
    engine.rotary(q, s.heads, hd, cos, sin);
    engine.rotary(k, s.kvHeads, hd, cos, sin);
    if (this.model.kv) {
      k = this.model.kv.keys(k, s.kvHeads, hd);
      v = this.model.kv.values(v, s.kvHeads, hd);
    }
    const att = engine.attention(q, k, v, { nHeads: s.heads, nKvHeads: s.kvHeads, headDim: hd }, positions, positions);
    const h = engine.add(hidden, this.lin('o_proj', att, hook));
    const y = engine.rmsNorm(h, this.postAttentionNorm, 1e-6);
    const m = engine.swiglu(this.lin('gate_proj', y, hook), this.lin('up_proj', y, hook));
    return engine.add(h, this.lin('down_proj', m, hook));
  }
}

export class MiniModel implements CausalLM {
  dir = '(memory)';
  readonly config: ModelConfig;
  readonly layers: MiniLayer[];
  readonly hash = 'mini';
  activation?: ActivationTransform;
  output?: ProjectionOutputTransform;
  kv?: KvTransform;
  private readonly embedding: Matrix;
  constructor(
    readonly shape: MiniShape,
    seed = 1,
  ) {
    this.config = {
      architecture: 'LlamaForCausalLM',
      modelType: 'llama',
      hiddenSize: shape.hidden,
      intermediateSize: shape.intermediate,
      numLayers: shape.layers,
      numHeads: shape.heads,
      numKvHeads: shape.kvHeads,
      headDim: shape.hidden / shape.heads,
      vocabSize: shape.vocab,
      rmsNormEps: 1e-6,
      ropeTheta: 10000,
      maxPositionEmbeddings: 4096,
      tieWordEmbeddings: true,
      attentionBias: false,
      eosTokenIds: [0],
    };
    this.embedding = randomMatrix(shape.vocab, shape.hidden, seed * 1000);
    this.layers = Array.from({ length: shape.layers }, (_, i) => new MiniLayer(i, this, seed * 100 + i * 10));
  }
  get tokenizer(): never {
    throw new Error('the mini model has no tokenizer');
  }
  embed(ids: number[]): Matrix {
    const h = this.shape.hidden;
    const out = new Float32Array(ids.length * h);
    ids.forEach((id, t) => out.set(this.embedding.data.subarray(id * h, (id + 1) * h), t * h));
    return matrix(ids.length, h, out);
  }
  /** hidden states after all layers */
  run(ids: number[]): Matrix {
    let x = this.embed(ids);
    const pos = Int32Array.from(ids, (_, i) => i);
    for (const l of this.layers) x = l.forward(x, pos);
    return x;
  }
  head(): Matrix {
    throw new Error('not needed');
  }
  forward(): never {
    throw new Error('not needed');
  }
  generate(): never {
    throw new Error('not needed');
  }
  finalHidden(): never {
    throw new Error('not needed');
  }
  headLogits(): never {
    throw new Error('not needed');
  }
  generateBatch(): never {
    throw new Error('not needed');
  }
  setActivationTransform(t: ActivationTransform | undefined): void {
    this.activation = t;
  }
  setOutputTransform(t: ProjectionOutputTransform | undefined): void {
    this.output = t;
  }
  setKvTransform(t: KvTransform | undefined): void {
    this.kv = t;
  }
  /** HF-style folder: config.json, model.safetensors (float32), extra files */
  async save(dir: string, extraFiles: Record<string, string> = {}): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const t = new Map<string, RawTensor>();
    const put = (name: string, shape: number[], data: Float32Array) => t.set(name, { dtype: 'F32', shape, bytes: new Uint8Array(data.slice().buffer) });
    put('model.embed_tokens.weight', [this.shape.vocab, this.shape.hidden], this.embedding.data);
    this.layers.forEach((l, i) => {
      put(`model.layers.${i}.input_layernorm.weight`, [this.shape.hidden], l.inputNorm);
      put(`model.layers.${i}.post_attention_layernorm.weight`, [this.shape.hidden], l.postAttentionNorm);
      for (const n of ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as LinearName[]) {
        const w = l.linear(n).weight;
        put(`model.layers.${i}.${n.startsWith('gate') || n.startsWith('up') || n.startsWith('down') ? 'mlp' : 'self_attn'}.${n}.weight`, [w.rows, w.cols], w.data);
      }
    });
    writeSafetensors(join(dir, 'model.safetensors'), t);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], hidden_size: this.shape.hidden }));
    for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  }
  dispose(): void {}
}
