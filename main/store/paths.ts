// Where data lives: ACBENCH_HOME, or the OS application-data folder.
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ACBENCH_HOME) return env.ACBENCH_HOME;
  const home = homedir();
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ACBench Studio');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'ACBench Studio');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'acbench-studio');
  }
}

export const historyFile = (home: string) => join(home, 'history.json');
export const runDir = (home: string, runId: string) => join(home, 'runs', runId);
export const resultsFile = (home: string, runId: string) => join(runDir(home, runId), 'results.jsonl');
