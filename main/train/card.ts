// The model card (README.md of the trained folder): architecture, parameters, data, steps, wall time.
import type { TinyConfig } from './network.js';
import type { OptimConfig } from './optim.js';
import type { TrainState } from './export.js';

export interface CardInfo {
  name: string;
  /** the size preset passed to train:tiny (--size) */
  size: string;
  config: TinyConfig;
  parameters: number;
  tokenizer: { vocabSize: number; merges: number; corpusExamples: number };
  optim: OptimConfig;
  seed: number;
  batchTokens: number;
  steps: number;
  state: TrainState;
  backend: string;
  /** mixture: source name, weight, where it comes from */
  mixture: { source: string; weight: number; origin: string }[];
  /** suite seeds the training data was generated from (never the evaluation seed) */
  dataSeeds: string;
  evaluationSeed: number;
  /** mean score of the gold answers under each task's own scorer (the data's self-check) */
  goldCheck?: Record<string, number>;
  notes?: string[];
  /** the stage this one continued (train:tiny --init): its record, without scores */
  previous?: CardInfo;
  /** the train:tiny arguments this stage ran with */
  command?: string;
  /** the built-in suites' scores at full precision (filled by the evaluation after training) */
  scores?: CardScores;
}

export interface CardScores {
  tasks: { task: string; metric: string; score: number; n: number; groups?: Record<string, Record<string, number>> }[];
  capabilities: { capability: string; score: number }[];
  deviations: string[];
  seconds: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function modelCard(c: CardInfo): string {
  const k = c.config;
  const last = c.state.history[c.state.history.length - 1];
  const stages: CardInfo[] = [];
  for (let st: CardInfo | undefined = c; st; st = st.previous) stages.unshift(st);
  const seconds = stages.reduce((a, st) => a + st.state.seconds, 0);
  const hours = seconds / 3600;
  const lines = [
    '---',
    'license: apache-2.0',
    'language: [en]',
    'library_name: transformers',
    'pipeline_tag: text-generation',
    '---',
    '',
    `# ${c.name}`,
    '',
    `The built-in model of ACBench Studio: a small decoder trained from scratch by the project's own training loop`,
    '(`npm run train:tiny`), seeded and reproducible, on data from the same generators as the built-in benchmark',
    'suites with other seeds, so no evaluation item is a training item. It exists so the app can compress and',
    'evaluate a model offline the moment it is installed; it is not a general-purpose language model.',
    '',
    '## Architecture',
    '',
    '| | |',
    '| --- | --- |',
    '| layout | `LlamaForCausalLM` (RMSNorm, rotary embeddings, grouped-query attention, SwiGLU MLP, tied input/output embeddings, no biases) |',
    `| parameters | ${fmt(c.parameters)} (F32, ${((c.parameters * 4) / 1e6).toFixed(1)} MB) |`,
    `| layers × hidden | ${k.layers} × ${k.hidden} |`,
    `| heads / kv heads × head dim | ${k.heads} / ${k.kvHeads} × ${k.headDim} |`,
    `| MLP intermediate | ${k.intermediate} |`,
    `| context (max_position_embeddings) | ${k.maxSeq} |`,
    `| rope θ, RMSNorm ε | ${k.ropeTheta}, ${k.rmsEps} |`,
    `| tokenizer | byte-level BPE trained by the project: ${fmt(c.tokenizer.vocabSize)} tokens (256 bytes + ${fmt(c.tokenizer.merges)} merges + <\\|endoftext\\|>, <\\|im_start\\|>, <\\|im_end\\|>), learned from ${fmt(c.tokenizer.corpusExamples)} training examples |`,
    '| chat template | ChatML (`<|im_start|>role\\n…<|im_end|>\\n`) |',
    '',
    '## Training',
    '',
    '| | |',
    '| --- | --- |',
    `| seed | ${c.seed} |`,
    ...(c.previous
      ? [
          `| stages | ${stages.map((st, i) => `${i + 1}: ${fmt(st.state.step)} steps, seed ${st.seed}, peak lr ${st.optim.lr}, ${(st.state.seconds / 60).toFixed(1)} min${i ? `, continued from stage ${i}'s weights` : ', from scratch'}`).join('; ')} |`,
        ]
      : []),
    `| steps | ${fmt(c.state.step)} of ${fmt(c.steps)} planned${c.previous ? ' (this stage)' : ''} |`,
    `| tokens per step | ≈ ${fmt(c.batchTokens)} (whole examples, each its own sequence) |`,
    `| tokens seen | ${fmt(stages.reduce((a, st) => a + st.state.tokensSeen, 0))} (${fmt(Math.round(stages.reduce((a, st) => a + st.state.targetTokensSeen, 0)))} of them answer tokens carrying the loss) |`,
    `| optimizer | AdamW β=(${c.optim.beta1}, ${c.optim.beta2}), weight decay ${c.optim.weightDecay}, peak lr ${c.optim.lr}, ${c.optim.warmupSteps} warmup steps, cosine to ${c.optim.minLrRatio}× peak, gradient clip ${c.optim.clipNorm}${c.previous ? ' (this stage)' : ''} |`,
    `| loss | cross-entropy on the answer tokens only (prompt tokens masked), ${last ? `final ${last.loss.toFixed(4)} nats/token` : 'no steps yet'} |`,
    `| wall time | ${hours >= 1 ? `${hours.toFixed(2)} h` : `${(seconds / 60).toFixed(1)} min`} on ${c.backend}${c.previous ? ' (all stages)' : ''} |`,
    `| throughput | ${last ? `${fmt(last.tokensPerS)} tokens/s at the end` : '—'} |`,
    '',
    '### Data',
    '',
    `Suites generated with seeds ${c.dataSeeds}; the evaluation suites use seed ${c.evaluationSeed}, and any training`,
    'prompt equal to an evaluation prompt is dropped. Every example is formatted exactly as the benchmark prompts',
    "it (the chat template wraps the turns); the answer is the benchmark's gold answer, or an expert's next action",
    'for the multi-step environments.',
    '',
    `| source | weight${stages.length > 1 ? ` (stage ${stages.map((_, i) => i + 1).join(' → ')})` : ''} | what |`,
    '| --- | ---: | --- |',
    ...mixtureRows(stages),
    '',
  ];
  if (c.goldCheck) {
    lines.push("Self-check: the gold answers scored by each task's own scorer (1 = full marks):", '', '| task | gold score |', '| --- | ---: |');
    for (const [t, v] of Object.entries(c.goldCheck)) lines.push(`| ${t} | ${v.toFixed(3)} |`);
    lines.push('');
  }
  if (c.notes?.length) lines.push('### Notes', '', ...c.notes.map((n) => `- ${n}`), '');
  lines.push(
    '### Loss curve',
    '',
    '| step | loss | lr | tokens/s |',
    '| ---: | ---: | ---: | ---: |',
    ...thin(c.state.history, 20).map((h) => `| ${h.step} | ${h.loss.toFixed(4)} | ${h.lr} | ${fmt(h.tokensPerS)} |`),
    '',
    ...scoreLines(c.scores),
    '## Reproduce',
    '',
    '```',
    ...stages.map(
      (st, i) =>
        `npm run train:tiny -- ${st.command ?? `--seed ${st.seed} --steps ${st.steps} --size ${st.size}${stages.length > 1 ? ' --out STAGE1' : ''}`}${stages.length > 1 ? `   # stage ${i + 1}` : ''}`,
    ),
    '```',
    '',
  );
  return lines.join('\n');
}

/** Targets of the built-in model (issue: T-Eval ≥ 60, WorfBench node F1 ≥ 0.6, NIAH ≥ 0.9, PDDL progress ≥ 40%). */
const TARGETS: Record<string, number> = { 't-eval': 60, worfbench: 60, niah: 90, 'agentboard-pddl': 40 };

function scoreLines(sc: CardScores | undefined): string[] {
  if (!sc) return ['## Scores', '', 'Not evaluated yet: `npm run train:tiny -- --eval-only` runs the built-in suites and writes them here.', ''];
  const lines = [
    '## Scores',
    '',
    `Full built-in suites (evaluation seed, every item, temperature 0), evaluated by the app's own runner in ${(sc.seconds / 60).toFixed(1)} min. Scores ×100.`,
    '',
    '| task | metric | score | n | target |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const t of sc.tasks)
    lines.push(`| ${t.task} | ${t.metric} | ${t.score.toFixed(1)} | ${t.n} | ${TARGETS[t.task] !== undefined ? `≥ ${TARGETS[t.task]}${t.score >= TARGETS[t.task] ? ' ✓' : ' ✗'}` : ''} |`);
  lines.push('', '| capability | mean of its tasks |', '| --- | ---: |', ...sc.capabilities.map((c) => `| ${c.capability} | ${c.score.toFixed(1)} |`), '');
  const niah = sc.tasks.find((t) => t.task === 'niah')?.groups;
  if (niah) {
    const lens = Object.keys(niah)
      .filter((k) => k.startsWith('len'))
      .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    lines.push(
      'Needle-in-a-Haystack recall by context length (tokens):',
      '',
      `| ${lens.map((l) => l.slice(3)).join(' | ')} |`,
      `| ${lens.map(() => '---:').join(' | ')} |`,
      `| ${lens.map((l) => niah[l].score.toFixed(1)).join(' | ')} |`,
      '',
    );
  }
  if (sc.deviations.length) lines.push(`Deviations from the original benchmarks: ${sc.deviations.join(', ')} (see the app's results for what each means).`, '');
  return lines;
}

function mixtureRows(stages: readonly CardInfo[]): string[] {
  const names = [...new Set(stages.flatMap((st) => st.mixture.map((m) => m.source)))];
  return names.map((n) => {
    const per = stages.map((st) => st.mixture.find((m) => m.source === n));
    return `| ${n} | ${per.map((m) => m?.weight ?? 0).join(' → ')} | ${per.filter(Boolean).pop()!.origin} |`;
  });
}

/** At most n entries, evenly spaced, always keeping the last. */
function thin<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
  return out;
}
