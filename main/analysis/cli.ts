// `acbench analyze`: paired statistics of a base model and its compressed copy, as a table or JSON.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../base/index.js';
import { AnalysisOptionError } from './errors.js';
import { type PairAnalysis, analyzePair, DEFAULT_KS } from './pair.js';

export const ANALYZE_USAGE = 'acbench analyze --base DIR --compressed DIR [--text FILE] [--sequences N] [--seqlen L] [--ks 1,3,5,10,20] [--json]';

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, found "${value}"`);
  return n;
}

const fmt = (x: number | null, digits = 4): string => (x === null || !Number.isFinite(x) ? (x === null ? '—' : String(x)) : x.toFixed(digits));

/** A readable plain-text report of every statistic. */
export function formatAnalysis(a: PairAnalysis): string {
  const lines: string[] = [];
  const c = a.config;
  lines.push(`base:        ${c.base.dir}`);
  lines.push(`compressed:  ${c.compressed.dir}`);
  lines.push(
    `probe:       ${c.probe.source} (${c.probe.chars} chars, ${c.probe.tokens} tokens); ${c.sequences} sequences × ${c.seqlen} tokens` +
      (c.sequences < c.sequencesRequested ? ` (asked for ${c.sequencesRequested}; the text holds only ${c.sequences})` : ''),
  );
  lines.push(`backend:     ${c.backend}; ${a.seconds.toFixed(1)} s`);
  lines.push('');
  lines.push('eRank (data set)          base   compressed   Diff-eRank (base − compressed)   [exp of the mean entropy over sequences]');
  for (const [label, e] of [
    ['final hidden states', a.erank.hidden],
    ['logits', a.erank.logits],
  ] as const)
    lines.push(`  ${label.padEnd(20)} ${fmt(e.base.mean, 3).padStart(8)} ${fmt(e.compressed.mean, 3).padStart(12)}   ${fmt(e.diff.mean, 3).padStart(8)}`);
  lines.push('');
  lines.push("top-k consistency     Jaccard   Kendall τ-b   Spearman ρ   (τ, ρ on the base model's top-k ids)");
  for (const t of a.topK) lines.push(`  k = ${String(t.k).padEnd(15)} ${fmt(t.jaccard.mean).padStart(8)} ${fmt(t.kendallTau.mean).padStart(13)} ${fmt(t.spearmanRho.mean).padStart(12)}`);
  lines.push('');
  lines.push(`energy (T = ${a.energy.temperature})      base   compressed   mean ΔE   max ΔE`);
  lines.push(
    `  mean E             ${fmt(a.energy.base.mean, 3).padStart(9)} ${fmt(a.energy.compressed.mean, 3).padStart(12)} ${fmt(a.energy.delta.mean).padStart(9)} ${fmt(a.energy.delta.max).padStart(8)}`,
  );
  for (const h of a.energy.positions) {
    const t = h.position ?? 0;
    lines.push(
      `  position ${String(t).padEnd(9)} ${fmt(a.energy.base.perPosition[t], 3).padStart(9)} ${fmt(a.energy.compressed.perPosition[t], 3).padStart(12)} ${fmt(a.energy.delta.perPosition[t]).padStart(9)}`,
    );
  }
  lines.push('');
  lines.push(`perplexity          base ${fmt(a.perplexity.base, 3)}   compressed ${fmt(a.perplexity.compressed, 3)}   (${a.perplexity.tokens} scored tokens)`);
  lines.push(`KL(base‖compressed) mean ${fmt(a.kl.mean, 6)} nats/token   max ${fmt(a.kl.max, 6)}`);
  lines.push('');
  lines.push(a.conventions);
  return lines.join('\n');
}

export async function runAnalyzeCommand(argv: string[]): Promise<number> {
  let opts: { base: string; compressed: string; text?: string; sequences: number; seqlen: number; ks: number[]; json: boolean };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        base: { type: 'string' },
        compressed: { type: 'string' },
        text: { type: 'string' },
        sequences: { type: 'string' },
        seqlen: { type: 'string' },
        ks: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.base) throw new UsageError(`--base DIR is required (usage: ${ANALYZE_USAGE})`);
    if (!values.compressed) throw new UsageError(`--compressed DIR is required (usage: ${ANALYZE_USAGE})`);
    const ks = values.ks === undefined ? [...DEFAULT_KS] : values.ks.split(',').map((k) => positiveInt('ks', k.trim(), 1));
    opts = {
      base: values.base,
      compressed: values.compressed,
      text: values.text,
      sequences: positiveInt('sequences', values.sequences, 16),
      seqlen: positiveInt('seqlen', values.seqlen, 128, 2),
      ks,
      json: values.json ?? false,
    };
  } catch (e) {
    process.stderr.write(`analyze: ${(e as Error).message}\n`);
    return 2;
  }

  let text: string | undefined;
  let base;
  let compressed;
  try {
    // the model room loads only when the command runs (it pulls in the engine and tokenizer)
    const { Checkpoint, loadModel, readUserText, residencyFor, FILE_LIMITS } = await import('../model/index.js');
    if (opts.text !== undefined) text = readUserText(opts.text, FILE_LIMITS.data);
    const residency = residencyFor(Checkpoint.open(opts.base).config); // layer at a time when float32 would not fit
    base = await loadModel(opts.base, { residency });
    compressed = await loadModel(opts.compressed, { residency });
  } catch (e) {
    process.stderr.write(`analyze: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const result = await analyzePair(base, compressed, {
      text,
      textSource: opts.text,
      sequences: opts.sequences,
      seqlen: opts.seqlen,
      ks: opts.ks,
      onProgress: opts.json ? undefined : (p) => process.stderr.write(`\ranalyze: ${p.message}   `),
    });
    if (!opts.json) process.stderr.write('\n');
    process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatAnalysis(result)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${opts.json ? '' : '\n'}analyze: ${(e as Error).message}\n`);
    return e instanceof AnalysisOptionError || (e as Error).name === 'ProbeTooShortError' || (e as Error).name === 'ModelPairMismatchError' ? 2 : 1;
  } finally {
    base.dispose();
    compressed.dispose();
  }
}

export const cliCommands: CliCommand[] = [
  {
    name: 'analyze',
    summary: 'eRank / Diff-eRank, top-k ranking consistency, energy, perplexity and KL of a compressed model against its base',
    usage: ANALYZE_USAGE,
    run: runAnalyzeCommand,
  },
];
