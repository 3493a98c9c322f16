// The load stage: the base folder is checked and hashed; its weights load only where a stage computes with them.
import { modelFolderHash } from '../../engines/index.js';
import type { Stage } from '../pipeline.js';
import type { RunState } from './run.js';

export function loadStage(run: RunState): Stage {
  const baseDir = run.baseDir!;
  return {
    name: 'load',
    total: 1,
    async run(ctx) {
      ctx.message(`reading ${baseDir}`);
      const ckpt = run.baseCheckpoint();
      run.baseTokenizer();
      if (!ctx.isDone('load:base')) {
        const c = ckpt.config;
        ctx.finish('load:base', 'log', {
          message: `read ${baseDir}`,
          model: baseDir,
          hash: modelFolderHash(baseDir),
          architecture: c.architecture,
          layers: c.numLayers,
          hidden: c.hiddenSize,
          vocab: c.vocabSize,
          bytes: ckpt.bytes,
        });
      } else ctx.skip('load:base');
    },
  };
}
