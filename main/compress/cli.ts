// `acbench compress`: validate, load, calibrate, compress, export; progress on stderr, result on stdout.
import { Checkpoint, loadModel, type CausalLM } from '../model/index.js';
import { compressModel } from './driver.js';
import type { CalibrationSet } from './calibration.js';
import { resolveConfig, validateAgainstModel } from './config.js';
import { needsCalibration } from './steps.js';
import { UsageError, type CliCommand } from '../base/index.js';
import { USAGE, parseCompressArgs } from './cli-args.js';
import { loadCalibration } from './calibration.js';
import { CalibrationError, CompressionCancelledError, CompressionConfigError, CompressionShapeError, ExportFormatError } from './errors.js';
import { checkExportFormat, compressToFolder, shouldStream } from './export/write.js';

const USER_ERRORS = [UsageError, CompressionConfigError, CompressionShapeError, CalibrationError, ExportFormatError];

export async function runCompress(argv: string[]): Promise<number> {
  try {
    const a = parseCompressArgs(argv);
    const cfg = resolveConfig(a.config, a.tuning); // wrong combinations fail here, before loading anything
    checkExportFormat(cfg, a.format);
    const t0 = performance.now();
    const streamed = shouldStream(Checkpoint.open(a.model).config);
    const model = await loadModel(a.model, { residency: streamed ? 'streamed' : 'resident' });
    validateAgainstModel(cfg, model.config);
    if (streamed) process.stderr.write('compressing layer at a time (the float32 model would not fit in memory): each finished layer is written out\n');
    let calibration;
    if (needsCalibration(cfg.method)) {
      calibration = loadCalibration(model.tokenizer, a.calib);
      process.stderr.write(`calibration: ${calibration.samples.length} × ${calibration.seqlen} tokens from ${a.calib.source} (sha256 ${calibration.hash.slice(0, 12)}…)\n`);
    }
    const tCal = (performance.now() - t0) / 1000;
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let lastLine = 0;
    if (a.firstLayers !== undefined) return await measureFirstLayers(model, a, calibration, streamed, tCal);
    const outcome = await compressToFolder(model, a.config, calibration, a.out, a.format, {
      streamed,
      signal: ac.signal,
      tuning: a.tuning,
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastLine < 500 && p.stage !== 'done') return;
        lastLine = now;
        const eta = p.etaS === null ? '' : ` · ETA ${p.etaS.toFixed(0)} s`;
        process.stderr.write(`[${(p.fraction * 100).toFixed(0).padStart(3)}%] ${p.message}${eta}\n`);
      },
    }).finally(() => process.off('SIGINT', onSigint));
    outcome.report.seconds.calibrate = tCal;
    const r = outcome.report;
    if (a.json) process.stdout.write(JSON.stringify({ out: a.out, format: a.format, report: r, maxRssBytes: process.resourceUsage().maxRSS * 1024 }, null, 2) + '\n');
    else {
      const lines = [
        `method        ${r.method} (${describe(r.config)})`,
        `layers        ${r.layers.length}, linears ${r.linears.length}`,
        `loss          ${r.layers.map((l) => l.loss.toExponential(2)).join(' ')}`,
        `sparsity      ${(r.sparsity.global * 100).toFixed(2)} %`,
        `bits/weight   ${r.effectiveBitsPerWeight.toFixed(3)} (incl. scales/zeros)`,
        `size          ${(r.sizeBytes.before / 2 ** 20).toFixed(1)} MiB → ${(r.sizeBytes.after / 2 ** 20).toFixed(1)} MiB (×${r.sizeBytes.ratio.toFixed(2)})`,
        `time          calibrate ${r.seconds.calibrate.toFixed(1)} s, statistics ${r.seconds.statistics.toFixed(1)} s, compress ${r.seconds.compress.toFixed(1)} s, total ${r.seconds.total.toFixed(1)} s`,
        `calibration   ${r.calibration ? r.calibration.hash : '(none)'}`,
        `written       ${a.out} (${a.format})`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    }
    model.dispose();
    return 0;
  } catch (e) {
    const err = e as Error;
    if (err instanceof CompressionCancelledError) {
      process.stderr.write(`compress: ${err.message}\n`);
      return 130;
    }
    // ours, or another room's typed error (a model folder that does not load): bad input, exit 2
    const typedElsewhere = err.name.endsWith('Error') && !['Error', 'RangeError', 'TypeError', 'ReferenceError', 'SyntaxError'].includes(err.name) && /expected/.test(err.message);
    const badArgs = String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (USER_ERRORS.some((c) => err instanceof c) || typedElsewhere || badArgs) {
      process.stderr.write(`compress: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`compress: ${err.stack ?? err.message}\n`);
    return 1;
  }
}

/** `--first-layers N`: compress N layers without writing, report seconds and peak memory per layer and the whole model extrapolated. */
async function measureFirstLayers(model: CausalLM, a: ReturnType<typeof parseCompressArgs>, calibration: CalibrationSet | undefined, streamed: boolean, tCal: number): Promise<number> {
  const n = a.firstLayers!;
  const total = model.config.numLayers;
  const outcome = await compressModel(model, a.config, calibration, {
    tuning: a.tuning,
    firstLayers: n,
    onLayerDone: streamed ? (li) => model.layers[li].release() : undefined,
    onProgress: (p) => process.stderr.write(`${p.message}\n`),
  });
  const r = outcome.report;
  const perLayer = r.layers.map((l) => l.seconds);
  const mean = perLayer.reduce((x, y) => x + y, 0) / perLayer.length;
  const result = {
    model: a.model,
    method: r.method,
    layers: { done: perLayer.length, of: total },
    seconds: { calibrate: tCal, capture: r.seconds.capture, perLayer, statistics: r.seconds.statistics, compress: r.seconds.compress },
    extrapolated: {
      wholeModelSeconds: r.seconds.capture + mean * total,
      note: `${perLayer.length} of ${total} layers measured; the whole model is extrapolated as capture + ${total} × the mean layer`,
    },
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    streamed,
  };
  if (a.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else
    process.stdout.write(
      `${r.method}: ${perLayer.length}/${total} layers, ${perLayer.map((s) => s.toFixed(1)).join(' + ')} s; whole model ≈ ${(result.extrapolated.wholeModelSeconds / 60).toFixed(0)} min (extrapolated); peak RSS ${(result.maxRssBytes / 2 ** 30).toFixed(2)} GiB${streamed ? ', layer at a time' : ''}\n`,
    );
  model.dispose();
  return 0;
}

function describe(c: { method: string; bits: number; groupSize: number; sym: boolean; actOrder: boolean; sparsity: number; pattern: string; alpha: number }): string {
  switch (c.method) {
    case 'rtn':
    case 'gptq':
    case 'awq':
      return `w${c.bits} g${c.groupSize}${c.sym ? ' sym' : ' asym'}${c.actOrder ? ' act-order' : ''}`;
    case 'smoothquant':
      return `W8A8 α=${c.alpha}`;
    case 'fp8':
      return 'E4M3';
    default:
      return `${c.pattern === 'unstructured' ? `${(c.sparsity * 100).toFixed(0)}%` : c.pattern}`;
  }
}

export const cliCommands: CliCommand[] = [
  { name: 'compress', summary: 'quantize or prune a model (RTN, GPTQ, AWQ, SmoothQuant, FP8, magnitude, Wanda, SparseGPT) and save it', usage: USAGE, run: runCompress },
];
