import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openHistory, SCHEMA_VERSION, HistoryFormatError, type Migration } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('history index', () => {
  it('creates a fresh file with the current schema version', async () => {
    const dir = tempDir();
    const file = join(dir, 'history.json');
    const { db, notice } = await openHistory(file);
    expect(notice).toBeNull();
    expect(db.data.schemaVersion).toBe(SCHEMA_VERSION);
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('keeps data across reopen', async () => {
    const dir = tempDir();
    const file = join(dir, 'history.json');
    const first = await openHistory(file);
    first.db.data.experiments.push({ id: 'exp-1', name: 'a', createdAt: 'now', spec: {}, specHash: 'h', tags: [], notes: '' });
    await first.db.write();
    const second = await openHistory(file);
    expect(second.db.data.experiments.map((e) => e.id)).toEqual(['exp-1']);
  });

  it('migrates an unversioned file in order and backs it up first', async () => {
    const dir = tempDir();
    const file = join(dir, 'history.json');
    const original = JSON.stringify({ experiments: [{ id: 'e1', name: 'old', createdAt: 't', spec: {}, specHash: 'x' }], runs: [] });
    writeFileSync(file, original);
    const { db, notice } = await openHistory(file);
    expect(db.data.schemaVersion).toBe(2);
    expect(db.data.experiments[0]).toMatchObject({ id: 'e1', tags: [], notes: '' });
    expect(db.data.settings).toEqual({});
    const backups = readdirSync(dir).filter((f) => f.startsWith('history.v0-backup-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0]), 'utf8')).toBe(original);
    expect(notice).toContain(backups[0]);
  });

  it('applies migrations strictly in order and refuses a gap', () => {
    const seen: number[] = [];
    const steps: Migration[] = [1, 0].map((from) => ({ from, describe: '', up: (d) => (seen.push(from), { ...d, schemaVersion: from + 1 }) }));
    migrate({ schemaVersion: 0 }, steps);
    expect(seen).toEqual([0, 1]);
    expect(() => migrate({ schemaVersion: 0 }, [steps[0]])).toThrow(HistoryFormatError);
    expect(() => migrate({ schemaVersion: SCHEMA_VERSION + 1 })).toThrow(/newer than this app/);
  });

  it('never overwrites an unreadable file: moves it aside and says where', async () => {
    const dir = tempDir();
    const file = join(dir, 'history.json');
    writeFileSync(file, '{"experiments": [ truncated');
    const { db, notice } = await openHistory(file);
    expect(db.data.experiments).toEqual([]);
    const aside = readdirSync(dir).find((f) => f.startsWith('history.unreadable-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe('{"experiments": [ truncated');
    expect(notice).toContain(join(dir, aside!));
    expect(existsSync(file)).toBe(true);
  });

  it('treats a JSON value of the wrong shape as unreadable', async () => {
    const dir = tempDir();
    const file = join(dir, 'history.json');
    writeFileSync(file, '[1, 2, 3]');
    const { notice } = await openHistory(file);
    expect(notice).toMatch(/expected a JSON object, found an array/);
  });
});

describe('history under SIGKILL', () => {
  it('is never left unreadable when the writer is killed mid-write', async () => {
    const { spawn } = await import('node:child_process');
    const { bundleForChild } = await import('../helpers/bundle.js');
    const dir = tempDir();
    const file = join(dir, 'history.json');
    const module = bundleForChild('main/store/history.ts');
    const script = `
      const { openHistory } = await import(${JSON.stringify(module)});
      const { db } = await openHistory(${JSON.stringify(file)});
      for (let i = 0; ; i++) {
        db.data.experiments.push({ id: 'e' + i, name: 'x'.repeat(500), createdAt: '', spec: {}, specHash: '', tags: [], notes: '' });
        await db.write();
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let written = -1;
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`writer exited early with code ${code}`)));
      child.stdout.on('data', (d: Buffer) => {
        written = Math.max(written, ...d.toString().trim().split('\n').map(Number));
        if (written >= 150) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    if (child.exitCode === null) await new Promise((r) => child.on('exit', r));
    const { db, notice } = await openHistory(file);
    expect(notice).toBeNull();
    expect(db.data.experiments.length).toBeGreaterThanOrEqual(written + 1); // every acknowledged write survived
  });
});
