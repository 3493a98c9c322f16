// An independent float64 forward pass of a Llama-family checkpoint, written plainly from the papers
// (RMSNorm, RoPE with rotate_half, grouped-query causal attention, SwiGLU), reading the saved files.
// It shares nothing with main/model except the safetensors reader, which has its own round-trip tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeader, readTensorF32 } from '../../main/model/index.js';

type Vec = Float64Array;

interface RefConfig {
  hidden: number;
  inter: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  eps: number;
  theta: number;
  tied: boolean;
  maxPos: number;
  window?: number;
  scaling?: { rope_type: string; factor: number; low_freq_factor?: number; high_freq_factor?: number; original_max_position_embeddings?: number };
}

export class ReferenceModel {
  private readonly c: RefConfig;
  private readonly t = new Map<string, Vec>();

  constructor(dir: string) {
    const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    this.c = {
      hidden: raw.hidden_size,
      inter: raw.intermediate_size,
      layers: raw.num_hidden_layers,
      heads: raw.num_attention_heads,
      kvHeads: raw.num_key_value_heads ?? raw.num_attention_heads,
      headDim: raw.head_dim ?? raw.hidden_size / raw.num_attention_heads,
      vocab: raw.vocab_size,
      eps: raw.rms_norm_eps,
      theta: raw.rope_theta ?? 10000,
      tied: raw.tie_word_embeddings === true,
      maxPos: raw.max_position_embeddings,
      window: raw.use_sliding_window ? raw.sliding_window : undefined,
      scaling: raw.rope_scaling ?? undefined,
    };
    const header = readHeader(join(dir, 'model.safetensors'));
    for (const name of header.tensors.keys()) this.t.set(name, Float64Array.from(readTensorF32(header, name)));
  }

  private w(name: string): Vec {
    const v = this.t.get(name);
    if (!v) throw new Error(`reference: missing ${name}`);
    return v;
  }

  /** y = W·x (+ b), W [out, in] row-major */
  private lin(name: string, x: Vec, out: number): Vec {
    const W = this.w(`${name}.weight`);
    const b = this.t.get(`${name}.bias`);
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < x.length; i++) s += W[o * x.length + i] * x[i];
      y[o] = s;
    }
    return y;
  }

  private rms(x: Vec, g: Vec): Vec {
    let ss = 0;
    for (const v of x) ss += v * v;
    const r = 1 / Math.sqrt(ss / x.length + this.c.eps);
    return x.map((v, i) => v * r * g[i]);
  }

  private invFreq(seqLen: number): Vec {
    const { headDim: d, scaling: s } = this.c;
    let base = this.c.theta;
    if (s?.rope_type === 'dynamic' && seqLen > this.c.maxPos) base *= ((s.factor * seqLen) / this.c.maxPos - (s.factor - 1)) ** (d / (d - 2));
    const inv = new Float64Array(d / 2).map((_, i) => 1 / base ** ((2 * i) / d));
    if (s?.rope_type === 'linear') return inv.map((f) => f / s.factor);
    if (s?.rope_type === 'llama3') {
      const lo = s.low_freq_factor!;
      const hi = s.high_freq_factor!;
      const orig = s.original_max_position_embeddings!;
      return inv.map((f) => {
        const wl = (2 * Math.PI) / f;
        if (wl > orig / lo) return f / s.factor;
        if (wl < orig / hi) return f;
        const smooth = (orig / wl - lo) / (hi - lo);
        return (1 - smooth) * (f / s.factor) + smooth * f;
      });
    }
    return inv;
  }

  private rope(x: Vec, heads: number, pos: number, inv: Vec): Vec {
    const d = this.c.headDim;
    const y = new Float64Array(x);
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < d / 2; i++) {
        const a = x[h * d + i];
        const b = x[h * d + i + d / 2];
        const cos = Math.cos(pos * inv[i]);
        const sin = Math.sin(pos * inv[i]);
        y[h * d + i] = a * cos - b * sin;
        y[h * d + i + d / 2] = b * cos + a * sin;
      }
    return y;
  }

  /** logits [T][vocab] for every position of ids */
  forward(ids: number[]): number[][] {
    const c = this.c;
    const inv = this.invFreq(ids.length);
    const E = this.w('model.embed_tokens.weight');
    let h: Vec[] = ids.map((id) => E.slice(id * c.hidden, (id + 1) * c.hidden));
    for (let l = 0; l < c.layers; l++) {
      const p = `model.layers.${l}`;
      const xs = h.map((x) => this.rms(x, this.w(`${p}.input_layernorm.weight`)));
      const qs = xs.map((x, t) => this.rope(this.lin(`${p}.self_attn.q_proj`, x, c.heads * c.headDim), c.heads, t, inv));
      const ks = xs.map((x, t) => this.rope(this.lin(`${p}.self_attn.k_proj`, x, c.kvHeads * c.headDim), c.kvHeads, t, inv));
      const vs = xs.map((x) => this.lin(`${p}.self_attn.v_proj`, x, c.kvHeads * c.headDim));
      const attn = qs.map((q, t) => {
        const out = new Float64Array(c.heads * c.headDim);
        for (let hh = 0; hh < c.heads; hh++) {
          const kvh = Math.floor(hh / (c.heads / c.kvHeads));
          const visible = [...Array(t + 1).keys()].filter((j) => !c.window || j > t - c.window);
          const scores = visible.map((j) => {
            let s = 0;
            for (let d = 0; d < c.headDim; d++) s += q[hh * c.headDim + d] * ks[j][kvh * c.headDim + d];
            return s / Math.sqrt(c.headDim);
          });
          const m = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - m));
          const z = e.reduce((a, b) => a + b, 0);
          visible.forEach((j, n) => {
            for (let d = 0; d < c.headDim; d++) out[hh * c.headDim + d] += (e[n] / z) * vs[j][kvh * c.headDim + d];
          });
        }
        return out;
      });
      h = h.map((x, t) => x.map((v, i) => v + this.lin(`${p}.self_attn.o_proj`, attn[t], c.hidden)[i]));
      h = h.map((x) => {
        const n = this.rms(x, this.w(`${p}.post_attention_layernorm.weight`));
        const g = this.lin(`${p}.mlp.gate_proj`, n, c.inter);
        const u = this.lin(`${p}.mlp.up_proj`, n, c.inter);
        const a = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]); // SiLU(gate) · up
        const dn = this.lin(`${p}.mlp.down_proj`, a, c.hidden);
        return x.map((v, i) => v + dn[i]);
      });
    }
    const head = c.tied ? 'model.embed_tokens' : 'lm_head';
    return h.map((x) => Array.from(this.lin(head, this.rms(x, this.w('model.norm.weight')), c.vocab)));
  }
}
