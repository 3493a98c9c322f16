// Subcommands contributed by the rooms (each door exports `cliCommands`).
import { cliCommands as modelCommands } from './model/index.js';
import { cliCommands as compressCommands } from './compress/index.js';
import { cliCommands as benchCommands } from './bench/index.js';
import { cliCommands as analysisCommands } from './analysis/index.js';
import { cliCommands as engineCommands } from './engines/index.js';
import { dataHome } from './store/index.js';

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export async function roomCommands(): Promise<CliCommand[]> {
  return [...modelCommands, ...engineCommands(() => dataHome()), ...compressCommands, ...benchCommands, ...analysisCommands];
}
