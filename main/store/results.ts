// Per-run append-only results: ACBENCH_HOME/runs/<runId>/results.jsonl, one JSON record per line.
// Each append is one write + fsync, so a finished item survives a crash; a torn last line (killed
// mid-write) is detected on read and cut off before the next append; a damaged line in the middle is skipped and
// reported, and the records after it are kept.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ResultLine {
  key: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

export interface UnreadableLine {
  /** 1-based line number in the file */
  line: number;
  reason: string;
}

export interface ReadResults {
  records: ResultLine[];
  /** bytes up to the last newline; anything after is a torn write */
  validBytes: number;
  tornBytes: number;
  /** whole lines that are not a record (a corrupted disk block, an edit by hand): skipped, never hiding the records after them */
  unreadable: UnreadableLine[];
}

/** Our writer puts "kind" right after "key"; finding it near the line's start skips parsing unwanted records. */
const KIND_MARK = Buffer.from('"kind":"');

function kindAt(buf: Buffer, start: number, end: number): string | null {
  const at = buf.indexOf(KIND_MARK, start);
  if (at < 0 || at >= end || at > start + 400) return null;
  const from = at + KIND_MARK.length;
  const to = buf.indexOf(0x22, from); // closing quote
  return to < 0 || to > end || to - from > 32 ? null : buf.toString('latin1', from, to);
}

/** One line as a record, or why it is not one. */
function parseResultLine(text: string): ResultLine | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `expected a JSON record, found unreadable text (${(error as Error).message})`;
  }
  const rec = parsed as ResultLine;
  if (!rec || typeof rec !== 'object' || typeof rec.key !== 'string' || typeof rec.kind !== 'string' || !rec.data || typeof rec.data !== 'object')
    return 'expected an object with string "key" and "kind" and a "data" object';
  return rec;
}

/**
 * Parse a results file. A line that is not a record is skipped and reported in `unreadable`; the bytes after the last
 * newline are a torn append (killed mid-write). With `kinds`, lines of other kinds are skipped unparsed (a run's
 * per-item records are most of its bytes).
 */
export function readResultsFile(file: string, kinds?: ReadonlySet<string>): ReadResults {
  if (!existsSync(file)) return { records: [], validBytes: 0, tornBytes: 0, unreadable: [] };
  const buf = readFileSync(file);
  const records: ResultLine[] = [];
  const unreadable: UnreadableLine[] = [];
  let start = 0;
  let line = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break; // no newline: the last append was cut short
    line++;
    const from = start;
    start = nl + 1;
    if (kinds) {
      const kind = kindAt(buf, from, nl);
      if (kind !== null && !kinds.has(kind)) continue;
    }
    const text = buf.subarray(from, nl).toString('utf8');
    if (!text.trim()) continue;
    const rec = parseResultLine(text);
    if (typeof rec === 'string') unreadable.push({ line, reason: rec });
    else if (!kinds || kinds.has(rec.kind)) records.push(rec);
  }
  return { records, validBytes: start, tornBytes: buf.length - start, unreadable };
}

export class ResultsLog {
  private fd: number;
  private readonly keys = new Set<string>();
  readonly recovered: ReadResults;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.recovered = readResultsFile(file);
    for (const r of this.recovered.records) this.keys.add(r.key);
    this.fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
    if (this.recovered.tornBytes > 0) ftruncateSync(this.fd, this.recovered.validBytes);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  append(key: string, kind: string, data: Record<string, unknown>, at?: string): ResultLine {
    const rec: ResultLine = { key, kind, at: at ?? new Date().toISOString(), data };
    const bytes = Buffer.from(JSON.stringify(rec) + '\n', 'utf8');
    const end = fstatSync(this.fd).size;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, end + written);
    fsyncSync(this.fd);
    this.keys.add(key);
    return rec;
  }

  /** Many records in one write and one fsync (an imported bundle): `at` kept from each record. */
  appendBatch(records: readonly { key: string; kind: string; at?: string; data: Record<string, unknown> }[]): void {
    if (!records.length) return;
    const now = new Date().toISOString();
    const bytes = Buffer.from(records.map((r) => JSON.stringify({ key: r.key, kind: r.kind, at: r.at ?? now, data: r.data }) + '\n').join(''), 'utf8');
    const end = fstatSync(this.fd).size;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, end + written);
    fsyncSync(this.fd);
    for (const r of records) this.keys.add(r.key);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
