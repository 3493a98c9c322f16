// T-Eval side files: the API description list (docs/api_descrip.json) and the leaderboard CSV.
import { BenchDataError } from '../errors.js';
import { parseCsv } from '../csv.js';
import { readJsonFile, readTextLimited, RecordReader } from '../util.js';

export interface TEvalApiParam {
  name: string;
  type: string;
  description: string;
}
export interface TEvalApi {
  tool: string;
  name: string;
  description: string;
  required: TEvalApiParam[];
  optional: TEvalApiParam[];
}

/** Read an API description list: [{name, tool_description, api_list: [{name, description, required_parameters, optional_parameters}]}]. */
export async function loadTEvalApiList(file: string): Promise<TEvalApi[]> {
  const data = await readJsonFile(file);
  if (!Array.isArray(data)) throw new BenchDataError(file, 'whole file', '(root)', 'an array of tools', typeof data);
  const out: TEvalApi[] = [];
  data.forEach((t, i) => {
    const r = RecordReader.of(file, `tool ${i}`, t);
    const tool = r.string('name');
    r.array('api_list').forEach((a, j) => {
      const ar = RecordReader.of(file, `tool ${i} (${tool}) api ${j}`, a);
      const params = (field: string) =>
        ar.array(field).map((p, k) => {
          const pr = RecordReader.of(file, `tool ${i} api ${j} ${field}[${k}]`, p);
          return { name: pr.string('name'), type: pr.string('type'), description: pr.optString('description') ?? '' };
        });
      out.push({
        tool,
        name: ar.string('name'),
        description: ar.optString('description') ?? '',
        required: params('required_parameters'),
        optional: ar.has('optional_parameters') ? params('optional_parameters') : [],
      });
    });
  });
  return out;
}

export interface TEvalLeaderboardRow {
  model: string;
  overall: number;
  abilities: Record<'instruct' | 'plan' | 'reason' | 'retrieve' | 'understand' | 'review', number>;
  openSource?: boolean;
}

const ABILITIES = ['instruct', 'plan', 'reason', 'retrieve', 'understand', 'review'] as const;

/** Read the leaderboard CSV (Model, overall, six abilities, …) — reference scores to compare against. */
export async function loadTEvalLeaderboard(file: string): Promise<TEvalLeaderboardRow[]> {
  const rows = parseCsv(await readTextLimited(file, 16 * 1024 * 1024), file);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new BenchDataError(file, 'line 1', name, `a "${name}" column`, header.join(','));
    return i;
  };
  const idx = { model: col('model'), overall: col('overall'), ...Object.fromEntries(ABILITIES.map((a) => [a, col(a)])) } as Record<string, number>;
  const os = header.indexOf('opensourced');
  return rows
    .slice(1)
    .filter((r) => r.some((c) => c.trim()))
    .map((r, k) => {
      const num = (name: string) => {
        const v = Number(r[idx[name]]?.trim());
        if (!Number.isFinite(v)) throw new BenchDataError(file, `line ${k + 2}`, name, 'a number', JSON.stringify(r[idx[name]]));
        return v;
      };
      return {
        model: r[idx.model].trim(),
        overall: num('overall'),
        abilities: Object.fromEntries(ABILITIES.map((a) => [a, num(a)])) as TEvalLeaderboardRow['abilities'],
        openSource: os >= 0 ? r[os].trim().toUpperCase() === 'TRUE' : undefined,
      };
    });
}
