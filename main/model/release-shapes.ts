// Random checkpoints with the exact shapes and layout of public releases (config.json as released, BF16 tensors
// under HF names, the release's sharding and index, a byte-level BPE tokenizer of the release's vocabulary size),
// written streamed so a 15 GB checkpoint never sits in memory. Nothing is downloaded: speed and memory are
// measured on these, and tests use them with fewer layers.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToUnicode } from './tokenizer.js';
import { CHATML_TEMPLATE } from './load.js';

export interface ReleaseShape {
  name: string;
  config: Record<string, unknown>;
  /** tokens in the released tokenizer.json's model vocabulary (added tokens come on top) */
  bpeVocab: number;
  /** shards of the released checkpoint (1: a single model.safetensors) */
  shards: number;
}

const qwen2 = (hidden: number, intermediate: number, layers: number, heads: number, kvHeads: number, vocab: number, tied: boolean) => ({
  architectures: ['Qwen2ForCausalLM'],
  model_type: 'qwen2',
  hidden_size: hidden,
  intermediate_size: intermediate,
  num_hidden_layers: layers,
  num_attention_heads: heads,
  num_key_value_heads: kvHeads,
  vocab_size: vocab,
  max_position_embeddings: 32768,
  max_window_layers: layers,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  use_sliding_window: false,
  tie_word_embeddings: tied,
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  attention_dropout: 0.0,
  initializer_range: 0.02,
  torch_dtype: 'bfloat16',
  use_cache: true,
  transformers_version: '4.43.1',
});

/** Qwen2.5 base releases: config.json values and sharding as published. */
export const RELEASE_SHAPES: Record<string, ReleaseShape> = {
  'qwen2.5-0.5b': { name: 'Qwen2.5-0.5B', config: qwen2(896, 4864, 24, 14, 2, 151936, true), bpeVocab: 151643, shards: 1 },
  'qwen2.5-1.5b': { name: 'Qwen2.5-1.5B', config: qwen2(1536, 8960, 28, 12, 2, 151936, true), bpeVocab: 151643, shards: 2 },
  'qwen2.5-7b': { name: 'Qwen2.5-7B', config: qwen2(3584, 18944, 28, 28, 4, 152064, false), bpeVocab: 151643, shards: 4 },
};

interface PlannedTensor {
  name: string;
  shape: number[];
  /** standard deviation of the random values (norms: around 1) */
  std: number;
  mean: number;
}

/** Every tensor of a Qwen2 / Llama checkpoint in HF order, with the release's shapes. */
export function plannedTensors(c: Record<string, number | boolean | unknown>): PlannedTensor[] {
  const h = c.hidden_size as number;
  const inter = c.intermediate_size as number;
  const heads = c.num_attention_heads as number;
  const kv = (c.num_key_value_heads as number) ?? heads;
  const hd = (c.head_dim as number) ?? h / heads;
  const vocab = c.vocab_size as number;
  const bias = (c.model_type as string) === 'qwen2';
  const t: PlannedTensor[] = [{ name: 'model.embed_tokens.weight', shape: [vocab, h], std: 0.02, mean: 0 }];
  const w = (name: string, shape: number[]) => t.push({ name, shape, std: 1 / Math.sqrt(shape[shape.length - 1]), mean: 0 });
  for (let l = 0; l < (c.num_hidden_layers as number); l++) {
    const p = `model.layers.${l}`;
    t.push({ name: `${p}.input_layernorm.weight`, shape: [h], std: 0.05, mean: 1 });
    w(`${p}.self_attn.q_proj.weight`, [heads * hd, h]);
    w(`${p}.self_attn.k_proj.weight`, [kv * hd, h]);
    w(`${p}.self_attn.v_proj.weight`, [kv * hd, h]);
    if (bias)
      for (const [n, r] of [
        ['q_proj', heads * hd],
        ['k_proj', kv * hd],
        ['v_proj', kv * hd],
      ] as const)
        t.push({ name: `${p}.self_attn.${n}.bias`, shape: [r], std: 0.02, mean: 0 });
    w(`${p}.self_attn.o_proj.weight`, [h, heads * hd]);
    t.push({ name: `${p}.post_attention_layernorm.weight`, shape: [h], std: 0.05, mean: 1 });
    w(`${p}.mlp.gate_proj.weight`, [inter, h]);
    w(`${p}.mlp.up_proj.weight`, [inter, h]);
    w(`${p}.mlp.down_proj.weight`, [h, inter]);
  }
  t.push({ name: 'model.norm.weight', shape: [h], std: 0.05, mean: 1 });
  if (!c.tie_word_embeddings) t.push({ name: 'lm_head.weight', shape: [vocab, h], std: 1 / Math.sqrt(h), mean: 0 });
  return t;
}

/** Fast seeded uniform generator (xorshift32) → values mean ± √3·std (the same variance as a normal of std). */
function uniformBf16(seed: number): (out: Uint16Array, mean: number, std: number) => void {
  let s = seed >>> 0 || 1;
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  return (out, mean, std) => {
    const a = Math.sqrt(3) * std;
    for (let i = 0; i < out.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      f[0] = mean + a * (((s >>> 0) / 4294967296) * 2 - 1);
      out[i] = (u[0] + 0x7fff + ((u[0] >>> 16) & 1)) >>> 16; // round to nearest even bf16
    }
  };
}

/**
 * A byte-level BPE tokenizer.json with `bpeVocab` tokens (256 bytes, then merges of frequent-looking pairs, level by
 * level) and Qwen2's added tokens, so encoding costs what a real vocabulary of that size costs.
 */
export function releaseTokenizerFiles(bpeVocab: number, vocabSize: number): Record<string, string> {
  const bytes = bytesToUnicode();
  const vocab: Record<string, number> = {};
  const tokens: string[] = [];
  const add = (t: string) => {
    if (t in vocab) return false;
    vocab[t] = tokens.length;
    tokens.push(t);
    return true;
  };
  bytes.forEach((b) => add(b));
  const common = [...'Ġetaoinshrdlcumwfgypbvkjxqz', ...'ETAOINSHRDLCUMWFGYPBVKJXQZ', ...'0123456789.,:;-_()[]{}"\'/Ċ'].map((ch) => (ch === 'Ġ' || ch === 'Ċ' ? ch : bytes[ch.charCodeAt(0)]));
  const merges: string[] = [];
  let level = [...common];
  while (tokens.length < bpeVocab) {
    const next: string[] = [];
    for (const a of level) {
      for (const b of common) {
        if (tokens.length >= bpeVocab) break;
        if (add(a + b)) {
          merges.push(`${a} ${b}`);
          next.push(a + b);
        }
      }
      if (tokens.length >= bpeVocab) break;
    }
    level = next;
  }
  const specials = [
    '<|endoftext|>',
    '<|im_start|>',
    '<|im_end|>',
    '<|object_ref_start|>',
    '<|object_ref_end|>',
    '<|box_start|>',
    '<|box_end|>',
    '<|quad_start|>',
    '<|quad_end|>',
    '<|vision_start|>',
    '<|vision_end|>',
    '<|vision_pad|>',
    '<|image_pad|>',
    '<|video_pad|>',
    '<tool_call>',
    '</tool_call>',
    '<|fim_prefix|>',
    '<|fim_middle|>',
    '<|fim_suffix|>',
    '<|fim_pad|>',
    '<|repo_name|>',
    '<|file_sep|>',
  ];
  if (bpeVocab + specials.length > vocabSize) throw new RangeError(`a tokenizer of ${bpeVocab} + ${specials.length} tokens does not fit an embedding of ${vocabSize} rows`);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, i) => ({ id: bpeVocab + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: i < 14 })),
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
          behavior: 'Isolated',
          invert: false,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
  const config = {
    add_bos_token: false,
    add_prefix_space: false,
    bos_token: null,
    chat_template: CHATML_TEMPLATE,
    eos_token: '<|endoftext|>',
    pad_token: '<|endoftext|>',
    model_max_length: 131072,
    tokenizer_class: 'Qwen2Tokenizer',
  };
  const generation = { bos_token_id: 151643, eos_token_id: 151643, do_sample: false, max_new_tokens: 2048 };
  return { 'tokenizer.json': JSON.stringify(tokenizer), 'tokenizer_config.json': JSON.stringify(config, null, 2), 'generation_config.json': JSON.stringify(generation, null, 2) };
}

export interface WriteReleaseOptions {
  seed?: number;
  /** keep only the first N decoder layers (tests); the released count otherwise */
  layers?: number;
  onProgress?: (bytesWritten: number, bytesTotal: number) => void;
}

/** Write a random checkpoint of a release shape to `dir` (BF16, sharded as released). Returns its bytes. */
export function writeReleaseCheckpoint(dir: string, shape: ReleaseShape, opts: WriteReleaseOptions = {}): number {
  mkdirSync(dir, { recursive: true });
  const config: Record<string, unknown> = { ...shape.config, ...(opts.layers !== undefined ? { num_hidden_layers: opts.layers, max_window_layers: opts.layers } : {}) };
  const tensors = plannedTensors(config);
  const total = tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1) * 2, 0);
  const shards = Math.max(1, Math.min(shape.shards, tensors.length));
  // split in name order at about equal bytes, as HF's save_pretrained does with max_shard_size
  const target = total / shards;
  const groups: PlannedTensor[][] = [[]];
  let acc = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    if (acc + bytes > target * groups.length && groups[groups.length - 1].length && groups.length < shards) groups.push([]);
    groups[groups.length - 1].push(t);
    acc += bytes;
  }
  const fill = uniformBf16(opts.seed ?? 1);
  const weightMap: Record<string, string> = {};
  let written = 0;
  const chunk = new Uint16Array(4 * 2 ** 20);
  groups.forEach((group, gi) => {
    const file = groups.length === 1 ? 'model.safetensors' : `model-${String(gi + 1).padStart(5, '0')}-of-${String(groups.length).padStart(5, '0')}.safetensors`;
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let offset = 0;
    for (const t of group) {
      const size = t.shape.reduce((a, b) => a * b, 1) * 2;
      header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + size] };
      offset += size;
      weightMap[t.name] = file;
    }
    let json = Buffer.from(JSON.stringify(header), 'utf8');
    if (json.length % 8) json = Buffer.concat([json, Buffer.alloc(8 - (json.length % 8), 0x20)]);
    const fd = openSync(join(dir, file), 'w');
    try {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      writeSync(fd, len);
      writeSync(fd, json);
      for (const t of group) {
        let left = t.shape.reduce((a, b) => a * b, 1);
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          const part = chunk.subarray(0, n);
          fill(part, t.mean, t.std);
          const bytes = new Uint8Array(part.buffer, 0, n * 2);
          for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
          left -= n;
          written += n * 2;
          opts.onProgress?.(written, total);
        }
      }
    } finally {
      closeSync(fd);
    }
  });
  if (groups.length > 1) writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  for (const [name, content] of Object.entries(releaseTokenizerFiles(shape.bpeVocab, config.vocab_size as number))) writeFileSync(join(dir, name), content);
  return written;
}
