// AdamW with linear warmup + cosine decay and global-norm gradient clipping.
import type { ParamSpec, Params } from './network.js';

export interface OptimConfig {
  lr: number;
  /** lr at the end of the cosine (fraction of lr) */
  minLrRatio: number;
  warmupSteps: number;
  totalSteps: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** clip the global gradient norm to this (0: off) */
  clipNorm: number;
}

export const DEFAULT_OPTIM: Omit<OptimConfig, 'totalSteps'> = { lr: 3e-3, minLrRatio: 0.1, warmupSteps: 50, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clipNorm: 1 };

/** lr(s) = lr·(s+1)/warmup during warmup, then lr·(min + (1 − min)·½(1 + cos(π·progress))). */
export function learningRate(o: OptimConfig, step: number): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const span = Math.max(1, o.totalSteps - o.warmupSteps);
  const progress = Math.min(1, (step - o.warmupSteps) / span);
  return o.lr * (o.minLrRatio + (1 - o.minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** ‖g‖₂ over every tensor. */
export function globalNorm(grads: Params): number {
  let ss = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  return Math.sqrt(ss);
}

/**
 * One AdamW step (t = step + 1): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·(m̂/(√v̂ + ε) + λθ) for decayed tensors.
 * Gradients are scaled by min(1, clip/‖g‖) first. Returns the pre-clip norm.
 */
export function adamwStep(specs: readonly ParamSpec[], params: Params, grads: Params, m: Params, v: Params, o: OptimConfig, step: number): { gradNorm: number; lr: number } {
  const gradNorm = globalNorm(grads);
  const clip = o.clipNorm > 0 && gradNorm > o.clipNorm ? o.clipNorm / gradNorm : 1;
  const lr = learningRate(o, step);
  const t = step + 1;
  const bc1 = 1 - o.beta1 ** t,
    bc2 = 1 - o.beta2 ** t;
  for (const s of specs) {
    const w = params.get(s.name)!,
      g = grads.get(s.name)!,
      mm = m.get(s.name)!,
      vv = v.get(s.name)!;
    const decay = s.decay ? o.weightDecay : 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * clip;
      const mi = (mm[i] = o.beta1 * mm[i] + (1 - o.beta1) * gi);
      const vi = (vv[i] = o.beta2 * vv[i] + (1 - o.beta2) * gi * gi);
      w[i] -= lr * (mi / bc1 / (Math.sqrt(vi / bc2) + o.eps) + decay * w[i]);
    }
  }
  return { gradNorm, lr };
}
