// `npm run bench`: speed and memory tables of every room, measured in one run so ratios compare.
import { cpus, totalmem } from 'node:os';
import { benchTensor, getEngine, prepareEngine } from '../tensor/index.js';
import { benchCompress } from '../compress/index.js';
import { benchBenchmarks } from '../bench/index.js';
import { benchAnalysis, formatAnalysisBench } from '../analysis/index.js';
import { benchModel, benchPrefixReuse } from '../model/index.js';
import { benchTraining, trainBenchTable } from '../train/index.js';

const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);

await prepareEngine();
const engine = getEngine();
console.log(
  `# ACBench Studio benchmarks\n\n${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, engine ${engine.report.name} (${engine.report.reason})\n`,
);
if (want('tensor')) console.log(`## Tensor engines\n\n${await benchTensor()}\n`);
if (want('model')) console.log(`## Model runtime\n\n${await benchModel()}\n\n${await benchPrefixReuse()}\n`);
if (want('training')) console.log(`## Training (acb-tiny, one forward + backward + AdamW step)\n\n${trainBenchTable(await benchTraining())}\n`);
if (want('compress')) console.log(`## Compression\n\n${await benchCompress({ budgetS: 60 })}\n`);
if (want('analysis')) console.log(`## Statistics\n\n${formatAnalysisBench(benchAnalysis(), engine.report.name)}\n`);
// the real-size tables take hours (checkpoints of 1–15 GB, a 7B layer of GPTQ): only when asked by name
if (only.has('real-size')) {
  const { benchRealSize } = await import('./bench-real-size.js');
  console.log('## Real-size checkpoints (Qwen2.5 shapes, random BF16 weights)\n');
  await benchRealSize();
  console.log('');
}
if (want('benchmarks')) {
  console.log('## Benchmark suites\n');
  await benchBenchmarks();
}
