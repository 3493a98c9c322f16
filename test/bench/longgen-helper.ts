// Write records to a temporary JSONL and read them back through the LongGenBench importer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLongGenFile, type LongGenItem } from '../../main/bench/tasks/longgenbench.js';
import { tempDir } from '../helpers/tmp.js';

export { loadLongGenFile };

export async function parseLongGen(records: Record<string, unknown>[]): Promise<LongGenItem[]> {
  const f = join(tempDir('lg-'), 'x.jsonl');
  writeFileSync(f, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return loadLongGenFile(f);
}
