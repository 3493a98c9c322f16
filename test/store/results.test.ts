import { describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ResultsLog, readResultsFile } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';
import { bundleForChild } from '../helpers/bundle.js';

describe('results log (JSONL)', () => {
  it('appends records and reads them back in order', () => {
    const file = join(tempDir(), 'runs', 'r1', 'results.jsonl');
    const log = new ResultsLog(file);
    log.append('a', 'item', { score: 1 });
    log.append('b', 'item', { score: 0 });
    log.close();
    const { records, tornBytes } = readResultsFile(file);
    expect(records.map((r) => [r.key, r.data.score])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    expect(tornBytes).toBe(0);
    const again = new ResultsLog(file);
    expect(again.has('a') && again.has('b')).toBe(true);
    expect(again.has('c')).toBe(false);
    again.close();
  });

  it('drops a torn last line and appends cleanly after it', () => {
    const file = join(tempDir(), 'results.jsonl');
    const log = new ResultsLog(file);
    log.append('a', 'item', { v: 1 });
    log.close();
    appendFileSync(file, '{"key":"b","kind":"item","at":"x","data":{"v":'); // killed mid-write
    const reopened = new ResultsLog(file);
    expect(reopened.recovered.tornBytes).toBeGreaterThan(0);
    expect(reopened.has('b')).toBe(false);
    reopened.append('b', 'item', { v: 2 });
    reopened.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).data.v)).toEqual([1, 2]);
  });

  it('skips and reports a damaged line in the middle, keeping every record after it, and a reopened log keeps them too', () => {
    const file = join(tempDir(), 'results.jsonl');
    writeFileSync(
      file,
      '{"key":"a","kind":"item","at":"t","data":{}}\n{"nokey":1}\n{"key":"b","kind":"item","at":"t","data":{}}\n\u0000\u0000garbage\n{"key":"c","kind":"score","at":"t","data":{}}\n',
    );
    const read = readResultsFile(file);
    expect(read.records.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(read.unreadable.map((u) => u.line)).toEqual([2, 4]);
    expect(read.unreadable[1].reason).toMatch(/expected a JSON record, found unreadable text/);
    expect(readResultsFile(file, new Set(['score'])).records.map((r) => r.key)).toEqual(['c']);
    const log = new ResultsLog(file); // a resume: nothing after the damaged lines is cut
    expect(['a', 'b', 'c'].every((k) => log.has(k))).toBe(true);
    log.append('d', 'item', {});
    log.close();
    expect(readResultsFile(file).records.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('loses no finished item when the writer is killed with SIGKILL mid-stream', async () => {
    const dir = tempDir();
    const file = join(dir, 'results.jsonl');
    const storeModule = bundleForChild('main/store/results.ts');
    // A child appends as fast as it can and reports each finished key on stdout; we kill it mid-flight.
    const script = `
      const { ResultsLog } = await import(${JSON.stringify(storeModule)});
      const log = new ResultsLog(${JSON.stringify(file)});
      for (let i = 0; ; i++) { log.append('k' + i, 'item', { i, pad: 'x'.repeat(2000) }); process.stdout.write(i + '\\n'); }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let reported = -1;
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => reject(new Error(String(d))));
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const l of lines) reported = Number(l);
        if (reported >= 200) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const { records } = readResultsFile(file);
    // every key the writer reported finished is on disk, in order, intact
    expect(records.length).toBeGreaterThanOrEqual(reported + 1);
    records.forEach((r, i) => expect(r.key).toBe('k' + i));
  });
});

describe('reading only some kinds', () => {
  it('skips other kinds unparsed, keeps order, and still stops at a torn line', () => {
    const file = join(tempDir(), 'results.jsonl');
    const log = new ResultsLog(file);
    log.append('a', 'item', { n: 1 });
    log.append('b', 'score', { n: 2 });
    log.append('c', 'item', { n: 3 });
    log.append('d', 'score', { n: 4 });
    log.close();
    appendFileSync(file, '{"key":"e","kind":"score","at":"x","data":{');
    expect(readResultsFile(file, new Set(['score'])).records.map((r) => r.key)).toEqual(['b', 'd']);
    expect(readResultsFile(file, new Set(['item'])).records.map((r) => r.key)).toEqual(['a', 'c']);
    expect(readResultsFile(file).records.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
  });
});
