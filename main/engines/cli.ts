// `acbench generate` (greedy text on the engine that represents the model: llama.cpp or our decoder) and
// `acbench export --format gguf` (a model folder as a GGUF file for llama.cpp, LM Studio or Ollama).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../base/index.js';
import { BpeTokenizer } from '../model/index.js';
import { convertToGguf, GGUF_TARGETS, type GgufTarget } from './llamacpp/convert.js';
import { ENGINE_CHOICES, openGeneration, preferencesFromEnv, type EngineChoice } from './generation.js';
import { GPU_CHOICES, type GpuChoice } from './llamacpp/runtime.js';

const GENERATE_USAGE = 'acbench generate --model DIR --prompt TEXT [--chat] [--max-new-tokens N] [--ignore-eos] [--engine auto|llamacpp|tfjs] [--gpu auto|cuda|vulkan|metal|off] [--json]';
const EXPORT_USAGE = 'acbench export --model DIR --format gguf [--type auto|f32|f16|bf16|q8_0|q4_0|q4_1] --out FILE [--json]';

async function generate(argv: string[], home: string): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      chat: { type: 'boolean', default: false },
      'max-new-tokens': { type: 'string', default: '64' },
      'ignore-eos': { type: 'boolean', default: false },
      engine: { type: 'string' },
      gpu: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.model) throw new UsageError('--model: expected a model folder, found nothing');
  if (values.prompt === undefined) throw new UsageError('--prompt: expected the prompt text, found nothing');
  const maxNewTokens = Number(values['max-new-tokens']);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new UsageError(`--max-new-tokens: expected a whole number ≥ 0, found ${values['max-new-tokens']}`);
  if (values.engine !== undefined && !ENGINE_CHOICES.includes(values.engine as EngineChoice))
    throw new UsageError(`--engine: expected one of ${ENGINE_CHOICES.join(', ')}, found ${JSON.stringify(values.engine)}`);
  if (values.gpu !== undefined && !GPU_CHOICES.includes(values.gpu as GpuChoice)) throw new UsageError(`--gpu: expected one of ${GPU_CHOICES.join(', ')}, found ${JSON.stringify(values.gpu)}`);
  const prefs = preferencesFromEnv(
    { ...(values.engine ? { engine: values.engine as EngineChoice } : {}), ...(values.gpu ? { gpu: values.gpu as GpuChoice } : {}) },
    values.engine || values.gpu ? { ...process.env, ACBENCH_GENERATION: values.engine ?? process.env.ACBENCH_GENERATION, ACBENCH_GPU: values.gpu ?? process.env.ACBENCH_GPU } : process.env,
  );
  const t0 = performance.now();
  const dir = resolve(values.model);
  const tok = BpeTokenizer.fromDir(dir);
  const text = values.chat ? tok.applyChatTemplate([{ role: 'user', content: values.prompt }]) : values.prompt;
  const ids = tok.encode(text, { addSpecialTokens: !values.chat });
  // one sequence, as long as this prompt needs (llama.cpp rounds contexts to 256 tokens)
  const gen = await openGeneration(dir, prefs, {
    home,
    tokenizer: tok,
    contextTokens: Math.ceil((ids.length + maxNewTokens) / 256) * 256,
    onMessage: (m) => !values.json && process.stderr.write(`${m}\n`),
  });
  const loadS = (performance.now() - t0) / 1000;
  try {
    if (ids.length + maxNewTokens > gen.contextWindow) throw new UsageError(`--prompt: ${ids.length} tokens and ${maxNewTokens} new tokens exceed the ${gen.contextWindow}-token context`);
    const [result] = await gen.tokens.generateBatch([ids], { maxNewTokens, ignoreEos: values['ignore-eos'], onToken: values.json ? undefined : (_id, piece) => process.stdout.write(piece) });
    const s = result.stats;
    const e = gen.tokens.engine;
    if (values.json)
      console.log(
        JSON.stringify({
          text: result.text,
          tokens: result.tokens,
          finish_reason: result.finishReason,
          engine: e,
          max_rss_bytes: process.resourceUsage().maxRSS * 1024,
          stats: {
            load_s: loadS,
            prefill_tokens: s.prefillTokens,
            decode_tokens: s.decodeTokens,
            prefill_tokens_per_s: s.prefillTokensPerS,
            decode_tokens_per_s: s.decodeTokensPerS,
            peak_memory_bytes: s.peakMemoryBytes,
            backend: s.backend,
          },
        }),
      );
    else
      process.stdout.write(
        `\n[${result.finishReason}; ${e.name} ${e.version} on ${e.device}${e.totalLayers ? `, ${e.offloadedLayers}/${e.totalLayers} layers offloaded` : ''}${e.weights ? `, ${e.weights}` : ''}; prefill ${s.prefillTokensPerS.toFixed(1)} tok/s, decode ${s.decodeTokensPerS.toFixed(1)} tok/s${e.reason ? `; ${e.reason}` : ''}]\n`,
      );
  } finally {
    await gen.close();
  }
  return 0;
}

async function exportModel(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, format: { type: 'string', default: 'gguf' }, type: { type: 'string', default: 'auto' }, out: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.model) throw new UsageError('--model: expected a model folder, found nothing');
  if (values.format !== 'gguf') throw new UsageError(`--format: expected gguf (GPTQ and AWQ folders come from acbench compress --format), found ${JSON.stringify(values.format)}`);
  if (!GGUF_TARGETS.includes(values.type as GgufTarget)) throw new UsageError(`--type: expected one of ${GGUF_TARGETS.join(', ')}, found ${JSON.stringify(values.type)}`);
  if (!values.out) throw new UsageError('--out: expected the GGUF file to write, found nothing');
  const out = resolve(values.out);
  if (!existsSync(dirname(out))) throw new UsageError(`--out: expected a file in an existing folder, found no folder ${dirname(out)}`);
  const conv = convertToGguf(resolve(values.model), out, { target: values.type as GgufTarget });
  const types = new Map<string, number>();
  for (const t of conv.tensors) types.set(t.type, (types.get(t.type) ?? 0) + 1);
  const inexact = conv.tensors.filter((t) => !t.exact);
  if (values.json) console.log(JSON.stringify({ file: out, bytes: conv.bytes, target: conv.target, main_type: conv.mainType, exact: conv.exact, tensors: conv.tensors, seconds: conv.seconds }));
  else {
    console.log(`wrote ${out} (${(conv.bytes / 2 ** 20).toFixed(1)} MiB, ${conv.seconds.toFixed(1)} s): ${[...types].map(([t, n]) => `${n} × ${t}`).join(', ')}`);
    console.log(
      conv.exact
        ? "every tensor holds the model's values exactly (block scales rounded to fp16)"
        : `${inexact.length} tensors are rounded (${inexact[0].note ?? inexact[0].type}…); --type auto keeps every value`,
    );
  }
  return 0;
}

/** The room's subcommands; `home` is the data folder (converted GGUF files are cached there). */
export const cliCommands = (home: () => string): CliCommand[] => [
  { name: 'generate', summary: 'greedy text from a local model (llama.cpp where it represents the model, else our decoder)', usage: GENERATE_USAGE, run: (argv: string[]) => generate(argv, home()) },
  { name: 'export', summary: 'a model folder as a GGUF file for llama.cpp, LM Studio or Ollama', usage: EXPORT_USAGE, run: exportModel },
];
