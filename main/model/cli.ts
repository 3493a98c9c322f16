// `acbench generate` and `acbench logits`: the runtime from the command line.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../base/index.js';
import { loadModel } from './load.js';

async function logits(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, ids: { type: 'string' }, layer: { type: 'string' }, hidden: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.model) throw new UsageError('--model: expected a model folder, found nothing');
  const ids = (values.ids ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  if (!ids.length || ids.some((i) => !Number.isInteger(i) || i < 0)) throw new UsageError(`--ids: expected comma-separated token ids such as 1,2,3, found ${JSON.stringify(values.ids ?? '')}`);
  const model = await loadModel(values.model);
  const bad = ids.find((i) => i >= model.config.vocabSize);
  if (bad !== undefined) throw new UsageError(`--ids: token id ${bad} is outside the vocabulary (0–${model.config.vocabSize - 1})`);
  let layer: number | undefined;
  if (values.hidden) {
    layer = Number(values.layer ?? -1);
    if (!Number.isInteger(layer) || layer < -1 || layer >= model.config.numLayers)
      throw new UsageError(`--layer: expected −1 (after the final norm) or 0–${model.config.numLayers - 1}, found ${values.layer}`);
  }
  const out = model.forward(ids, { allLogits: true, hiddenLayers: layer === undefined ? [] : [layer] });
  const m = layer === undefined ? out.logits : out.hidden.get(layer)!;
  const rows = Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  const key = layer === undefined ? 'logits' : 'hidden';
  if (values.json) console.log(JSON.stringify({ [key]: rows, ...(layer === undefined ? {} : { layer }) }));
  else for (const r of rows) console.log(r.map((v) => v.toFixed(6)).join(' '));
  model.dispose();
  return 0;
}

export const cliCommands: CliCommand[] = [
  { name: 'logits', summary: 'the full logits (or hidden states) for token ids', usage: 'acbench logits --model DIR --ids 1,2,3 [--layer L --hidden] [--json]', run: logits },
];
