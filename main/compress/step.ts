// What a method does to one decoder layer, as llm-compressor's modifiers own their lifecycle: gather a statistic of each
// linear's input on the calibration sequences, prepare the layer (fold scales), compress its linears one by one. Each
// method's step sits with its algorithm (quant/, prune/); steps.ts lists them and driver.ts walks the layers over them.
import type { Engine, Matrix } from '../tensor/index.js';
import type { DecoderLayer, LinearName, ModelConfig } from '../model/index.js';
import type { ResolvedConfig } from './config.js';
import type { SolverTimings } from './hessian.js';
import type { QuantRecord } from './quant/minmax.js';
import type { LayerReport, LossKind } from './report.js';

export const BLOCK_LINEARS: readonly LinearName[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
/** Linears that read the same input share one statistic. */
export type InputKey = 'attn' | 'o' | 'mlp' | 'down';
export const INPUT_OF: Record<LinearName, InputKey> = { q_proj: 'attn', k_proj: 'attn', v_proj: 'attn', o_proj: 'o', gate_proj: 'mlp', up_proj: 'mlp', down_proj: 'down' };
/** GPTQ's true-sequential groups. */
export const SEQUENTIAL_GROUPS: readonly (readonly LinearName[])[] = [['k_proj', 'v_proj', 'q_proj'], ['o_proj'], ['up_proj', 'gate_proj'], ['down_proj']];

/** GPTQ's and SparseGPT's groups: true-sequential when asked, else all seven linears after one pass. */
export const trueSequentialGroups = (c: ResolvedConfig): readonly (readonly LinearName[])[] => (c.trueSequential ? SEQUENTIAL_GROUPS : [BLOCK_LINEARS]);

/** The linear of a group whose input comes last in the block (a statistics pass may stop there). */
export function lastInput(group: readonly LinearName[]): LinearName {
  const order: InputKey[] = ['attn', 'o', 'mlp', 'down'];
  return group.reduce((a, b) => (order.indexOf(INPUT_OF[b]) > order.indexOf(INPUT_OF[a]) ? b : a));
}

/** ‖W − Ŵ‖²_F / numel */
export function weightMse(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
  return s / a.data.length;
}

/** One linear compressed: its new weight, the loss its method minimises, its integer codes when it has them. */
export interface CompressedLinear {
  weight: Matrix;
  loss: number;
  lossKind: LossKind;
  record?: QuantRecord;
  /** GPTQ and SparseGPT: time in the Hessian inverse and in the column updates */
  timings?: SolverTimings;
}

/** A running statistic of one linear input, fed every calibration sequence's input to it (`sequence`: its index). */
export interface InputStatistic {
  add(x: Matrix, engine: Engine, sequence: number): void;
}

/** A calibration sequence as it enters a layer. */
export interface LayerInput {
  hidden: Matrix;
  positions: Int32Array;
}

/** What a step knows of the run. */
export interface StepContext {
  config: ResolvedConfig;
  engine: Engine;
  model: ModelConfig;
  /** the calibration sequences entering this layer, as they were before the statistics pass */
  inputs: readonly LayerInput[];
  /** tokens per calibration sequence */
  seqlen: number;
}

export interface LayerStep<S extends InputStatistic = InputStatistic, P extends Pick<LayerReport, 'awqRatios'> = Pick<LayerReport, 'awqRatios'>> {
  /** the statistic of each linear input gathered before compressing (none: data-free); `label` names it in progress */
  statistic?: { label: string; create(columns: number, ctx: StepContext): S };
  /**
   * Where the next layer's inputs come from: the outputs of the statistics pass, computed before any change (AWQ,
   * SmoothQuant), or else a rerun of the compressed layer.
   */
  fullPrecisionOutputs?: boolean;
  /** the linears compressed together after one statistics pass (GPTQ's true-sequential groups); default all seven */
  groups?(config: ResolvedConfig): readonly (readonly LinearName[])[];
  /** work on the whole layer between its statistics and its linears (SmoothQuant's fold, AWQ's scale search) */
  prepare?: { label: string; run(layer: DecoderLayer, stats: ReadonlyMap<InputKey, S>, ctx: StepContext): P };
  linear(name: LinearName, w: Matrix, stats: ReadonlyMap<InputKey, S>, ctx: StepContext, prepared: P | undefined): CompressedLinear;
}

/** The statistic of one linear input (INPUT_OF[name]); the layer's hook must have reported it. */
export function statisticOf<S>(stats: ReadonlyMap<InputKey, S>, key: InputKey): S {
  const s = stats.get(key);
  if (!s) throw new Error(`internal: no statistic collected for the ${key} input (the layer's hook did not report it)`);
  return s;
}
