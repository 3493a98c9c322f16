// `acbench generate` and `acbench logits`: the runtime from the command line.
import { parseArgs } from 'node:util';
import { loadModel } from './load.js';

export class ModelUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUsageError';
  }
}

async function generate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, prompt: { type: 'string' }, chat: { type: 'boolean', default: false }, 'max-new-tokens': { type: 'string', default: '64' }, 'ignore-eos': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.model) throw new ModelUsageError('--model: expected a model folder, found nothing');
  if (values.prompt === undefined) throw new ModelUsageError('--prompt: expected the prompt text, found nothing');
  const maxNewTokens = Number(values['max-new-tokens']);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new ModelUsageError(`--max-new-tokens: expected a whole number ≥ 0, found ${values['max-new-tokens']}`);
  const model = await loadModel(values.model);
  const text = values.chat ? model.tokenizer.applyChatTemplate([{ role: 'user', content: values.prompt }]) : values.prompt;
  const ids = model.tokenizer.encode(text, { addSpecialTokens: !values.chat });
  const result = model.generate(ids, { maxNewTokens, ignoreEos: values['ignore-eos'], onToken: values.json ? undefined : (_id, piece) => process.stdout.write(piece) });
  const s = result.stats;
  if (values.json)
    console.log(JSON.stringify({ text: result.text, tokens: result.tokens, finish_reason: result.finishReason, stats: { prefill_tokens: s.prefillTokens, decode_tokens: s.decodeTokens, prefill_tokens_per_s: s.prefillTokensPerS, decode_tokens_per_s: s.decodeTokensPerS, peak_memory_bytes: s.peakMemoryBytes, backend: s.backend } }));
  else process.stdout.write(`\n[${result.finishReason}; prefill ${s.prefillTokensPerS.toFixed(1)} tok/s, decode ${s.decodeTokensPerS.toFixed(1)} tok/s on ${s.backend}]\n`);
  model.dispose();
  return 0;
}

async function logits(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, ids: { type: 'string' }, layer: { type: 'string' }, hidden: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }, strict: true });
  if (!values.model) throw new ModelUsageError('--model: expected a model folder, found nothing');
  const ids = (values.ids ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  if (!ids.length || ids.some((i) => !Number.isInteger(i) || i < 0)) throw new ModelUsageError(`--ids: expected comma-separated token ids such as 1,2,3, found ${JSON.stringify(values.ids ?? '')}`);
  const model = await loadModel(values.model);
  const bad = ids.find((i) => i >= model.config.vocabSize);
  if (bad !== undefined) throw new ModelUsageError(`--ids: token id ${bad} is outside the vocabulary (0–${model.config.vocabSize - 1})`);
  let layer: number | undefined;
  if (values.hidden) {
    layer = Number(values.layer ?? -1);
    if (!Number.isInteger(layer) || layer < -1 || layer >= model.config.numLayers) throw new ModelUsageError(`--layer: expected −1 (after the final norm) or 0–${model.config.numLayers - 1}, found ${values.layer}`);
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

export const cliCommands = [
  { name: 'generate', summary: 'greedy text from a local model', usage: 'acbench generate --model DIR --prompt TEXT [--chat] [--max-new-tokens N] [--ignore-eos] [--json]', run: generate },
  { name: 'logits', summary: 'the full logits (or hidden states) for token ids', usage: 'acbench logits --model DIR --ids 1,2,3 [--layer L --hidden] [--json]', run: logits },
];
