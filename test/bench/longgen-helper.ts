// Write records to a temporary JSONL and read them back through the LongGenBench importer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLongGenFile, type LongGenItem } from '../../main/bench/tasks/longgenbench.js';

export { loadLongGenFile };

export async function parseLongGen(records: Record<string, unknown>[]): Promise<LongGenItem[]> {
  const f = join(mkdtempSync(join(tmpdir(), 'lg-')), 'x.jsonl');
  writeFileSync(f, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return loadLongGenFile(f);
}
