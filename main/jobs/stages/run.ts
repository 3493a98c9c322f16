// What the stages of one run share: the spec as startRun parsed it, the models under test, and the base model's folder,
// checkpoint and tokenizer — each read once per run, when a stage first needs it (a resumed run may skip the load stage).
import { join } from 'node:path';
import { configLabel, modelFolder, type CompressionConfig, type ExperimentSpec } from '../../spec/index.js';
import { BpeTokenizer, Checkpoint } from '../../model/index.js';
import { needsCalibration, type CalibrationSet } from '../../compress/index.js';
import { runDir } from '../../store/index.js';
import { builtinModelDir } from '../../base/index.js';
import type { RunRequest } from '../queue.js';
import { modelFolderProblem } from '../plan.js';
import { compressedModelId, type ModelUnderTest } from '../models.js';

export class PipelineSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineSpecError';
  }
}

export interface RunState {
  req: RunRequest;
  spec: ExperimentSpec;
  /** the base model's folder; null for an endpoint */
  baseDir: string | null;
  /** base first, then each compression configuration of the spec */
  models: ModelUnderTest[];
  compressions: { config: CompressionConfig; index: number }[];
  needCalibration: boolean;
  /** the base folder's checkpoint (config.json and the shard headers), opened once */
  baseCheckpoint(): Checkpoint;
  baseTokenizer(): BpeTokenizer;
  calibration?: CalibrationSet;
  emitHeadline(h: Record<string, number>): void;
}

export function runState(req: RunRequest, emitHeadline: (h: Record<string, number>) => void): RunState {
  const spec = req.spec; // parsed where it entered: startRun read it from the history with the spec's rules
  const baseDir = modelFolder(spec.model, builtinModelDir);
  const folder = baseDir ? modelFolderProblem(spec, baseDir) : null; // the pre-flight's check again: the folder may have gone since
  if (folder) throw new PipelineSpecError(folder);
  const compressions = spec.compressions.map((config, index) => ({ config, index })).filter(({ config }) => config.method !== 'none');
  const modelsDir = join(runDir(req.home, req.runId), 'models');
  // folders are named by an id from the configuration's place in the spec (fixed for a run: the spec hash is), never by its label
  const models: ModelUnderTest[] = [
    { id: 'base', label: 'base', config: null, dir: baseDir ?? '' },
    ...compressions.map(({ config, index }) => ({ id: compressedModelId(index), label: configLabel(config), config, dir: join(modelsDir, compressedModelId(index)) })),
  ];
  let checkpoint: Checkpoint | undefined;
  let tokenizer: BpeTokenizer | undefined;
  return {
    req,
    spec,
    baseDir,
    models,
    compressions,
    needCalibration: compressions.some(({ config }) => needsCalibration(config.method)),
    baseCheckpoint: () => (checkpoint ??= Checkpoint.open(baseDir!)),
    baseTokenizer: () => (tokenizer ??= BpeTokenizer.fromDir(baseDir!)),
    emitHeadline,
  };
}
