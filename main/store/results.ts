// Per-run append-only results: ACBENCH_HOME/runs/<runId>/results.jsonl, one JSON record per line.
// Each append is one write + fsync, so a finished item survives a crash; a torn last line (killed
// mid-write) is detected on read and cut off before the next append.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ResultLine {
  key: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

export interface ReadResults {
  records: ResultLine[];
  /** bytes of whole lines; anything after is a torn write */
  validBytes: number;
  tornBytes: number;
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

/**
 * Parse a results file; stops at the first line that is not a complete JSON record. With `kinds`, lines
 * of other kinds are skipped unparsed (a run's per-item records are most of its bytes).
 */
export function readResultsFile(file: string, kinds?: ReadonlySet<string>): ReadResults {
  if (!existsSync(file)) return { records: [], validBytes: 0, tornBytes: 0 };
  const buf = readFileSync(file);
  const records: ResultLine[] = [];
  let start = 0;
  let validBytes = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break; // no newline: the last append was cut short
    if (kinds) {
      const kind = kindAt(buf, start, nl);
      if (kind !== null && !kinds.has(kind)) {
        start = nl + 1;
        validBytes = start;
        continue;
      }
    }
    const line = buf.subarray(start, nl).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      break;
    }
    const rec = parsed as ResultLine;
    if (!rec || typeof rec.key !== 'string' || typeof rec.kind !== 'string') break;
    if (!kinds || kinds.has(rec.kind)) records.push(rec);
    start = nl + 1;
    validBytes = start;
  }
  return { records, validBytes, tornBytes: buf.length - validBytes };
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

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
