// The experiment index: lowdb over ACBENCH_HOME/history.json, written by the service host alone.
// Writes go through steno (temp file + rename), so a kill mid-write leaves the previous version whole.
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SCHEMA_VERSION = 2;

export interface StoredRun {
  id: string;
  experimentId: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  specHash: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  itemsDone: number;
  itemsTotal: number;
  error?: string;
  headline: Record<string, number>;
}

export interface StoredExperiment {
  id: string;
  name: string;
  createdAt: string;
  spec: unknown;
  specHash: string;
  tags: string[];
  notes: string;
}

export interface HistoryData {
  schemaVersion: number;
  experiments: StoredExperiment[];
  runs: StoredRun[];
  settings: Record<string, unknown>;
}

export function emptyHistory(): HistoryData {
  return { schemaVersion: SCHEMA_VERSION, experiments: [], runs: [], settings: {} };
}

/** A migration lifts data from version `from` to `from + 1`. Keep them ordered and never edit a shipped one. */
export interface Migration {
  from: number;
  describe: string;
  up(data: Record<string, unknown>): Record<string, unknown>;
}

export const MIGRATIONS: Migration[] = [
  {
    from: 0,
    describe: 'unversioned file: add schemaVersion, settings',
    up: (d) => ({ experiments: [], runs: [], ...d, settings: d.settings ?? {}, schemaVersion: 1 }),
  },
  {
    from: 1,
    describe: 'experiments gain tags and notes',
    up: (d) => ({
      ...d,
      experiments: ((d.experiments as Record<string, unknown>[]) ?? []).map((e) => ({ tags: [], notes: '', ...e })),
      schemaVersion: 2,
    }),
  },
];

export class HistoryFormatError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'HistoryFormatError';
  }
}

/** Apply the ordered migrations from the data's version up to SCHEMA_VERSION. */
export function migrate(raw: Record<string, unknown>, migrations: Migration[] = MIGRATIONS): HistoryData {
  let data = raw;
  let version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 0;
  if (version > SCHEMA_VERSION) throw new HistoryFormatError('history', `schemaVersion ${version} is newer than this app understands (≤ ${SCHEMA_VERSION}); update the app`);
  while (version < SCHEMA_VERSION) {
    const step = migrations.find((m) => m.from === version);
    if (!step) throw new HistoryFormatError('history', `no migration from schemaVersion ${version}`);
    data = step.up(data);
    version = data.schemaVersion as number;
  }
  return data as unknown as HistoryData;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export interface OpenedHistory {
  db: Low<HistoryData>;
  /** what the user must be told (an unreadable file moved aside, a migration with its backup) */
  notice: string | null;
}

/**
 * Open ACBENCH_HOME/history.json. An unreadable file is never overwritten: it is moved aside and a
 * fresh index is started, and the notice says where the old one is. A migration first copies the file.
 */
export async function openHistory(file: string): Promise<OpenedHistory> {
  mkdirSync(dirname(file), { recursive: true });
  let notice: string | null = null;
  let raw: Record<string, unknown> | null = null;
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
      raw = parsed as Record<string, unknown>;
      if (!Array.isArray(raw.experiments ?? []) || !Array.isArray(raw.runs ?? [])) throw new Error('expected "experiments" and "runs" to be arrays');
    } catch (error) {
      const aside = join(dirname(file), `history.unreadable-${stamp()}.json`);
      renameSync(file, aside);
      notice = `The experiment history could not be read (${(error as Error).message}). It was moved to ${aside} and a new, empty history was started.`;
      raw = null;
    }
  }
  let data: HistoryData;
  if (raw === null) data = emptyHistory();
  else {
    const from = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
    if (from < SCHEMA_VERSION) {
      const backup = join(dirname(file), `history.v${from}-backup-${stamp()}.json`);
      copyFileSync(file, backup);
      notice = `The history was upgraded from schema ${from} to ${SCHEMA_VERSION}; the previous file is kept at ${backup}.`;
    }
    data = migrate(raw);
  }
  const db = new Low<HistoryData>(new JSONFile<HistoryData>(file), data);
  db.data = data;
  await db.write();
  return { db, notice };
}
