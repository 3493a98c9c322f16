// Deterministic offline tools for AgentBoard's Tool-query and Tool-operation, with the original
// call shape (`Action: name with Action Input: {dict}`) and observation shapes. The originals call
// live web services; ours read a small world stored in the record (deviation `offline-tools`).
import { literalEval, toJs } from '../python.js';
import type { Environment, StepResult } from '../types.js';
import { isRecord } from '../util.js';

export interface Paper {
  title: string;
  authors: string[];
  year: number;
  venue: string;
  n_citation: number;
  keywords: string[];
  cites: string[];
}
export interface Author {
  name: string;
  org: string;
  interests: string[];
}
export interface AcademiaWorld {
  kind: 'academia';
  papers: Paper[];
  authors: Author[];
}

export interface TodoTask {
  id: string;
  content: string;
  due_date: string;
  duration: number;
  completed: boolean;
}
export interface TodoProject {
  id: string;
  name: string;
  tasks: TodoTask[];
}
export interface TodoWorld {
  kind: 'todo';
  current_date: string;
  location: string;
  projects: TodoProject[];
}

export type ToolWorld = AcademiaWorld | TodoWorld;

/** The canonical text of a tool output: subgoals are stored in this form. */
export function toolOutputText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Parse `Action: X with Action Input: {dict}` (the input may also be "{}" or missing). */
export function parseToolCall(text: string): { name: string; args: Record<string, unknown> } | undefined {
  const m =
    /Action:\s*([A-Za-z_][\w.]*)\s*(?:with\s*Action\s*Input:\s*([\s\S]*))?$/i.exec(text.trim().split('\n')[0].trim()) ??
    /^([A-Za-z_][\w.]*)\s*with\s*Action\s*Input:\s*([\s\S]*)$/i.exec(text.trim().split('\n')[0].trim());
  if (!m) return undefined;
  const raw = (m[2] ?? '{}').trim();
  // the reference eval()s the input: Python literals, so JSON's true/false/null do not parse
  const parsed = literalEval(raw);
  const args = parsed === undefined ? undefined : toJs(parsed);
  if (!isRecord(args)) return undefined;
  return { name: m[1], args };
}

type ToolFn = (args: Record<string, unknown>) => unknown;

class ToolError extends Error {}

function str(args: Record<string, unknown>, k: string): string {
  const v = args[k];
  if (typeof v !== 'string' && typeof v !== 'number') throw new ToolError(`missing argument "${k}"`);
  return String(v);
}

export function academiaTools(w: AcademiaWorld, state: { loaded: Set<string> }): Record<string, ToolFn> {
  const paper = (t: string) => w.papers.find((p) => p.title.toLowerCase() === t.toLowerCase());
  const author = (n: string) => w.authors.find((a) => a.name.toLowerCase() === n.toLowerCase());
  const needNet = (g: string) => {
    if (!state.loaded.has(g)) throw new ToolError(`${g} is not loaded`);
  };
  return {
    loadPaperNet: () => {
      state.loaded.add('PaperNet');
      return 'PaperNet is loaded.';
    },
    loadAuthorNet: () => {
      state.loaded.add('AuthorNet');
      return 'AuthorNet is loaded.';
    },
    neighbourCheck: (a) => {
      const g = str(a, 'graph');
      const node = str(a, 'node');
      needNet(g);
      if (g === 'PaperNet') {
        const p = paper(node);
        if (!p) throw new ToolError(`There is no node named "${node}" in PaperNet`);
        return p.cites;
      }
      const au = author(node);
      if (!au) throw new ToolError(`There is no node named "${node}" in AuthorNet`);
      const co = new Set<string>();
      for (const p of w.papers) if (p.authors.includes(au.name)) for (const x of p.authors) if (x !== au.name) co.add(x);
      return [...co].sort();
    },
    paperNodeCheck: (a) => {
      needNet('PaperNet');
      const p = paper(str(a, 'node'));
      if (!p) throw new ToolError(`There is no node named "${str(a, 'node')}" in PaperNet`);
      return { authors: p.authors, year: p.year, venue: p.venue, n_citation: p.n_citation, keywords: p.keywords, doc_type: 'Conference' };
    },
    authorNodeCheck: (a) => {
      needNet('AuthorNet');
      const au = author(str(a, 'node'));
      if (!au) throw new ToolError(`There is no node named "${str(a, 'node')}" in AuthorNet`);
      return { name: au.name, org: au.org, interests: au.interests };
    },
    authorEdgeCheck: (a) => {
      needNet('AuthorNet');
      const n1 = str(a, 'node1');
      const n2 = str(a, 'node2');
      const shared = w.papers.filter((p) => p.authors.includes(n1) && p.authors.includes(n2)).map((p) => ({ title: p.title, year: p.year, venue: p.venue }));
      return { collaborative_papers: shared };
    },
  };
}

export function todoTools(w: TodoWorld): Record<string, ToolFn> {
  const task = (id: string) => {
    for (const p of w.projects) for (const t of p.tasks) if (t.id === id) return t;
    throw new ToolError(`task ${id} not found`);
  };
  return {
    get_user_current_date: () => w.current_date,
    get_user_current_location: () => w.location,
    get_projects: () => w.projects.map((p) => ({ id: p.id, name: p.name, order: w.projects.indexOf(p) + 1 })),
    get_tasks: (a) => {
      const p = w.projects.find((x) => x.id === str(a, 'project_id'));
      if (!p) throw new ToolError(`project ${str(a, 'project_id')} not found`);
      return p.tasks.filter((t) => !t.completed).map((t) => ({ id: t.id, content: t.content, due_date: t.due_date }));
    },
    get_task_description: (a) => ({ id: str(a, 'task_id'), content: task(str(a, 'task_id')).content }),
    get_task_duration: (a) => ({ id: str(a, 'task_id'), duration: `${task(str(a, 'task_id')).duration} minutes` }),
    complete_task: (a) => {
      task(str(a, 'task_id')).completed = true;
      return { message: 'success' };
    },
    update_task: (a) => {
      const t = task(str(a, 'task_id'));
      t.due_date = str(a, 'due_date');
      return { message: 'success' };
    },
  };
}

/**
 * A tool episode: each successful call's output is recorded; `finish` records its answer;
 * progress = fraction of gold subgoals equal to some recorded output.
 */
export class ToolEnvironment implements Environment {
  readonly initialObservation: string;
  private readonly tools: Record<string, ToolFn>;
  private readonly recorded = new Set<string>();
  private finished = false;
  constructor(
    readonly goal: string,
    readonly subgoals: readonly string[],
    world: ToolWorld,
  ) {
    const copy = structuredClone(world);
    this.tools = copy.kind === 'academia' ? academiaTools(copy, { loaded: new Set() }) : todoTools(copy);
    this.initialObservation = `You can use the tools: ${Object.keys(this.tools).join(', ')}, finish.`;
  }
  progress(): number {
    if (this.subgoals.length === 0) return 0;
    return this.subgoals.filter((g) => this.recorded.has(g)).length / this.subgoals.length;
  }
  /** academia_env/todo_env.step: after a call that raised no error, an action mentioning "finish" or "Finish" ends the episode. */
  step(action: string): StepResult {
    if (this.finished) return { observation: 'The task is finished.', progress: this.progress(), done: true };
    const call = parseToolCall(action);
    if (!call) return { observation: 'ERROR | Invalid action format. Use: Action: tool_name with Action Input: {"arg": value}', progress: this.progress(), done: false };
    const finishing = action.includes('Finish') || action.includes('finish');
    if (call.name === 'finish') {
      const ans = call.args.answer;
      this.recorded.add(toolOutputText(ans === undefined ? '' : ans));
      this.finished = true;
      return { observation: 'The task is finished.', progress: this.progress(), done: true };
    }
    const fn = this.tools[call.name];
    if (!fn) {
      this.finished = finishing;
      return { observation: `ERROR | There is no tool named ${call.name}.`, progress: this.progress(), done: finishing };
    }
    try {
      const out = toolOutputText(fn(call.args));
      this.recorded.add(out);
      this.finished = finishing;
      return { observation: out, progress: this.progress(), done: finishing };
    } catch (e) {
      if (e instanceof ToolError) return { observation: `ERROR | ${e.message}`, progress: this.progress(), done: false };
      throw e;
    }
  }
}
