// The model room's public shapes: what compression, analysis and benchmarks may rely on.
import type { Matrix, ResidentWeight } from '../tensor/index.js';

export type Architecture = 'LlamaForCausalLM' | 'Qwen2ForCausalLM' | 'MistralForCausalLM';
export const SUPPORTED_ARCHITECTURES: readonly Architecture[] = ['LlamaForCausalLM', 'Qwen2ForCausalLM', 'MistralForCausalLM'];

export interface RopeScaling {
  type: 'linear' | 'dynamic' | 'llama3';
  factor: number;
  /** llama3 only */
  lowFreqFactor?: number;
  highFreqFactor?: number;
  originalMaxPositionEmbeddings?: number;
}

/** Normalised view of a Hugging Face config.json. */
export interface ModelConfig {
  architecture: Architecture;
  modelType: string;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling?: RopeScaling;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry biases (Qwen2) */
  attentionBias: boolean;
  slidingWindow?: number;
  bosTokenId?: number;
  eosTokenIds: number[];
  padTokenId?: number;
  torchDtype?: string;
}

/** The seven linears of a decoder block, in HF names. */
export type LinearName = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';
export const LINEAR_NAMES: readonly LinearName[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

/** A linear's parameters: W [out, in] in float32 (dequantized / pruned in place by compression). */
export interface LinearParams {
  weight: Matrix;
  bias?: Float32Array;
}

/** Called with the input each linear sees (hooks for Hessians, input norms, activation statistics). */
export type LinearInputHook = (name: LinearName, input: Matrix) => void;

/** Transform applied to a linear's input at inference (SmoothQuant's dynamic per-token activation quantization). */
export type ActivationTransform = (name: LinearName, input: Matrix) => Matrix;

/** The projections whose outputs feed attention's matrix products (q·kᵀ and p·v). */
export type AttentionInputName = 'q_proj' | 'k_proj' | 'v_proj';

/**
 * Transform applied to a q/k/v projection's output, before rotary (SmoothQuant's simulated 8-bit attention BMM inputs:
 * quantize_output on q_proj/k_proj/v_proj in smoothquant/fake_quant.py, quantize_bmm_input=True in its ppl_eval.py).
 */
export type ProjectionOutputTransform = (name: AttentionInputName, output: Matrix) => Matrix;

/** Transform applied to keys and values as they enter the cache (simulated KV-cache quantization). */
export interface KvTransform {
  keys(k: Matrix, nKvHeads: number, headDim: number): Matrix;
  values(v: Matrix, nKvHeads: number, headDim: number): Matrix;
}

/** One decoder block. Inputs are the hidden states of one sequence [t, hidden] at positions. */
export interface DecoderLayer {
  readonly index: number;
  readonly inputNorm: Float32Array;
  readonly postAttentionNorm: Float32Array;
  linear(name: LinearName): LinearParams;
  /** Replace a linear's weight (and bias); re-uploads the resident weight. */
  setLinear(name: LinearName, params: LinearParams): void;
  /** Replace the RMSNorm γ vectors (AWQ / SmoothQuant fold scales into them). */
  setNorms(inputNorm: Float32Array, postAttentionNorm: Float32Array): void;
  /**
   * Full-sequence forward without cache; hook sees each linear's input. With `until`, the pass stops once that
   * linear's input has gone to the hook (a statistics pass computes no more than it needs) and returns null.
   */
  forward(hidden: Matrix, positions: Int32Array, hook?: LinearInputHook, until?: LinearName): Matrix | null;
  /** Free the layer's weights on the engine; the next use uploads them again. */
  release(): void;
  /** Write the linears edited in memory to `file` (float32) and read them from there from now on, freeing the copies. */
  spillEdited(file: string): void;
}

export interface ForwardOptions {
  /** layers whose output hidden states to return (−1 = after the final norm) */
  hiddenLayers?: number[];
  /** return logits for every position (default: only the last) */
  allLogits?: boolean;
}

export interface ForwardResult {
  /** [positions, vocab] — all positions or only the last, per ForwardOptions */
  logits: Matrix;
  hidden: Map<number, Matrix>;
}

export interface GenerateOptions {
  maxNewTokens: number;
  stop?: string[];
  ignoreEos?: boolean;
  onToken?: (tokenId: number, text: string) => void;
  signal?: AbortSignal;
  /** reuse the KV cache of an earlier generation whose tokens this prompt starts with (agent episodes); results are the same */
  reusePrefix?: boolean;
}

export interface GenerateStats {
  /** prompt tokens computed (prompt length minus reusedTokens) */
  prefillTokens: number;
  /** prompt tokens whose keys and values came from an earlier generation's cache */
  reusedTokens?: number;
  decodeTokens: number;
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  peakMemoryBytes: number;
  backend: string;
}

export interface GenerateResult {
  text: string;
  tokens: number[];
  finishReason: 'eos' | 'stop' | 'length' | 'aborted';
  stats: GenerateStats;
}

/** Which engine produced a generation, on what device: recorded with every result. */
export interface EngineInfo {
  name: 'tfjs' | 'llama.cpp';
  /** library version or tensor backend, e.g. "node-llama-cpp 3.21.1", "tfjs-wasm" */
  version: string;
  /** "cpu", "vulkan: llvmpipe (LLVM 19.1.7, 256 bits)", "cuda: NVIDIA H200" */
  device: string;
  gpu: 'cuda' | 'vulkan' | 'metal' | null;
  offloadedLayers?: number;
  totalLayers?: number;
  threads?: number;
  /** what the weights were held as, e.g. "GGUF BF16", "GGUF Q4_0", "float32" */
  weights?: string;
  kvCache?: string;
  /** why this engine ran (e.g. why llama.cpp could not) */
  reason?: string;
}

/** Greedy generation over token ids by some engine (our decoder, llama.cpp): what benchmark generation needs. */
export interface TokenGenerator {
  readonly engine: EngineInfo;
  generateBatch(prompts: number[][], opts: GenerateOptions): Promise<GenerateResult[]>;
}

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant' | 'function' | 'tool';
  content: string;
}

export interface Tokenizer {
  readonly vocabSize: number;
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
  /** Render turns with the model's chat template (tokenizer_config.json), with the generation prompt appended. */
  applyChatTemplate(turns: ChatTurn[]): string;
  readonly eosTokenIds: number[];
  readonly bosTokenId?: number;
  readonly padTokenId?: number;
}

/** A loaded causal LM: what every other room uses. */
export interface CausalLM {
  readonly dir: string;
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly layers: readonly DecoderLayer[];
  /** sha256 over config and weights, for caching and reproducibility cards */
  readonly hash: string;
  /** token embeddings → hidden states [t, hidden] */
  embed(ids: number[]): Matrix;
  /** final RMSNorm and lm_head: hidden [t, hidden] → logits [t, vocab] */
  head(hidden: Matrix): Matrix;
  /** full forward of one sequence */
  forward(ids: number[], opts?: ForwardOptions): ForwardResult;
  /** final hidden states (after the final norm) of several sequences, layer by layer over all (a streamed model uploads each layer once) */
  finalHidden(sequences: number[][], signal?: AbortSignal): Promise<Matrix[]>;
  /** lm_head alone: normed final hidden states → logits */
  headLogits(normed: Matrix): Matrix;
  /** greedy generation (temperature 0) with KV cache */
  generate(prompt: number[], opts: GenerateOptions): GenerateResult;
  /** greedy generation for several prompts at once (batched prefill with padding) */
  generateBatch(prompts: number[][], opts: GenerateOptions): GenerateResult[];
  setActivationTransform(t: ActivationTransform | undefined): void;
  setOutputTransform(t: ProjectionOutputTransform | undefined): void;
  setKvTransform(t: KvTransform | undefined): void;
  /** write an HF folder: config.json, the tensors (sharded past shardBytes, with an index), tokenizer files copied */
  save(dir: string, extraFiles?: Record<string, string>, opts?: { shardBytes?: number }): Promise<void>;
  dispose(): void;
}

export type { ResidentWeight };
