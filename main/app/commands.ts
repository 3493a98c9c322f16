// Subcommands contributed by the rooms (each door exports `cliCommands`).
import { cliCommands as modelCommands } from '../model/index.js';
import { cliCommands as compressCommands } from '../compress/index.js';
import { cliCommands as benchCommands, setModelLoader } from '../bench/index.js';
import { cliCommands as analysisCommands } from '../analysis/index.js';
import { cliCommands as engineCommands, openGeneration, preferencesFromEnv } from '../engines/index.js';
import { dataHome } from '../store/index.js';
import type { CliCommand } from '../base/index.js';

/** `eval --model DIR` opens the folder on the engine that represents it (llama.cpp or our decoder). */
setModelLoader((dir) => openGeneration(dir, preferencesFromEnv(), { home: dataHome(), sequences: 4, onMessage: (m) => process.stderr.write(`${m}\n`) }));

export async function roomCommands(): Promise<CliCommand[]> {
  return [...modelCommands, ...engineCommands(() => dataHome()), ...compressCommands, ...benchCommands, ...analysisCommands];
}
