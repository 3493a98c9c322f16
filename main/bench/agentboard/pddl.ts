// PDDL (STRIPS with types, negative preconditions and equality): parser and simulator for AgentBoard.
import { BenchDataError } from '../errors.js';

export type SExpr = string | SExpr[];

/** Tokenise and read s-expressions; `;` starts a comment. */
export function parseSExpr(text: string, file = '(pddl)'): SExpr[] {
  const tokens = text.replace(/;[^\n]*/g, ' ').match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const read = (): SExpr => {
    const t = tokens[i++];
    if (t === '(') {
      const list: SExpr[] = [];
      while (i < tokens.length && tokens[i] !== ')') list.push(read());
      if (tokens[i] !== ')') throw new BenchDataError(file, 'whole file', '(parentheses)', 'balanced parentheses', 'an unclosed "("');
      i++;
      return list;
    }
    if (t === ')') throw new BenchDataError(file, 'whole file', '(parentheses)', 'balanced parentheses', 'an extra ")"');
    return t.toLowerCase();
  };
  const out: SExpr[] = [];
  while (i < tokens.length) out.push(read());
  return out;
}

export interface Literal {
  predicate: string; // "=" for equality
  args: string[]; // variables start with "?"
  negated: boolean;
}

export interface ActionSchema {
  name: string;
  params: { name: string; type: string }[];
  precondition: Literal[];
  effect: Literal[];
}

export interface Domain {
  name: string;
  /** type → parent type */
  types: Map<string, string>;
  constants: Map<string, string>;
  predicates: Map<string, number>;
  actions: ActionSchema[];
}

export interface Problem {
  name: string;
  domain: string;
  objects: Map<string, string>;
  init: string[];
  goal: Literal[];
}

function isList(x: SExpr | undefined): x is SExpr[] {
  return Array.isArray(x);
}

/** "a b - t c - u d" → [[a,t],[b,t],[c,u],[d,object]] */
function typedList(xs: SExpr[], file: string, where: string): [string, string][] {
  const out: [string, string][] = [];
  let pending: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x !== 'string') throw new BenchDataError(file, where, '(typed list)', 'names and "- type"', 'a nested list');
    if (x === '-') {
      const t = xs[++i];
      if (typeof t !== 'string') throw new BenchDataError(file, where, '(typed list)', 'a type name after "-"', 'nothing usable');
      for (const p of pending) out.push([p, t]);
      pending = [];
    } else pending.push(x);
  }
  for (const p of pending) out.push([p, 'object']);
  return out;
}

function literals(e: SExpr | undefined, file: string, where: string): Literal[] {
  if (e === undefined) return [];
  if (!isList(e)) throw new BenchDataError(file, where, '(formula)', 'a list', e);
  if (e.length === 0) return [];
  const head = e[0];
  if (head === 'and') return e.slice(1).flatMap((x) => literals(x, file, where));
  if (head === 'not') {
    const inner = literals(e[1], file, where);
    if (inner.length !== 1) throw new BenchDataError(file, where, '(not)', 'one literal inside "not"', `${inner.length}`);
    return [{ ...inner[0], negated: !inner[0].negated }];
  }
  if (head === 'forall' || head === 'when' || head === 'or' || head === 'exists' || head === 'imply') {
    throw new BenchDataError(file, where, String(head), 'STRIPS literals (and, not, =)', `"${head}", which this simulator does not support`);
  }
  if (typeof head !== 'string' || e.slice(1).some((x) => typeof x !== 'string')) throw new BenchDataError(file, where, '(literal)', '(predicate arg…)', JSON.stringify(e).slice(0, 60));
  return [{ predicate: head, args: e.slice(1) as string[], negated: false }];
}

export function parseDomain(text: string, file = '(domain)'): Domain {
  const top = parseSExpr(text, file)[0];
  if (!isList(top) || top[0] !== 'define') throw new BenchDataError(file, 'whole file', '(define)', '(define (domain …) …)', 'something else');
  const d: Domain = { name: '', types: new Map(), constants: new Map(), predicates: new Map(), actions: [] };
  for (const part of top.slice(1)) {
    if (!isList(part)) continue;
    const key = part[0];
    if (key === 'domain') d.name = String(part[1]);
    else if (key === ':types') for (const [t, p] of typedList(part.slice(1), file, ':types')) d.types.set(t, p);
    else if (key === ':constants') for (const [o, t] of typedList(part.slice(1), file, ':constants')) d.constants.set(o, t);
    else if (key === ':predicates') {
      for (const p of part.slice(1)) if (isList(p) && typeof p[0] === 'string') d.predicates.set(p[0], typedList(p.slice(1), file, `predicate ${p[0]}`).length);
    } else if (key === ':action') {
      const name = String(part[1]);
      const where = `action ${name}`;
      const a: ActionSchema = { name, params: [], precondition: [], effect: [] };
      for (let i = 2; i < part.length; i += 2) {
        const k = part[i];
        const v = part[i + 1];
        if (k === ':parameters') a.params = typedList(isList(v) ? v : [], file, where).map(([n, t]) => ({ name: n, type: t }));
        else if (k === ':precondition') a.precondition = literals(v, file, where);
        else if (k === ':effect') a.effect = literals(v, file, where);
      }
      d.actions.push(a);
    }
  }
  if (!d.name) throw new BenchDataError(file, 'whole file', '(domain)', 'a domain name', 'none');
  if (d.actions.length === 0) throw new BenchDataError(file, 'whole file', ':action', 'at least one action', 'none');
  return d;
}

export function parseProblem(text: string, file = '(problem)'): Problem {
  const top = parseSExpr(text, file)[0];
  if (!isList(top) || top[0] !== 'define') throw new BenchDataError(file, 'whole file', '(define)', '(define (problem …) …)', 'something else');
  const p: Problem = { name: '', domain: '', objects: new Map(), init: [], goal: [] };
  for (const part of top.slice(1)) {
    if (!isList(part)) continue;
    const key = part[0];
    if (key === 'problem') p.name = String(part[1]);
    else if (key === ':domain') p.domain = String(part[1]);
    else if (key === ':objects') for (const [o, t] of typedList(part.slice(1), file, ':objects')) p.objects.set(o, t);
    else if (key === ':init') {
      for (const f of part.slice(1)) {
        const l = literals(f, file, ':init');
        for (const x of l) if (!x.negated) p.init.push(atom(x.predicate, x.args));
      }
    } else if (key === ':goal') p.goal = literals(part[1], file, ':goal');
  }
  if (p.goal.length === 0) throw new BenchDataError(file, 'whole file', ':goal', 'at least one goal literal', 'none');
  return p;
}

export function atom(pred: string, args: readonly string[]): string {
  return [pred, ...args].join(' ');
}

export interface GroundAction {
  name: string;
  args: string[];
}

export function actionText(a: GroundAction): string {
  return [a.name, ...a.args].join(' ');
}

/** A running STRIPS world: state as a set of ground atoms. */
export class StripsWorld {
  readonly objects: Map<string, string>;
  state: Set<string>;
  constructor(
    readonly domain: Domain,
    readonly problem: Problem,
  ) {
    this.objects = new Map([...domain.constants, ...problem.objects]);
    this.state = new Set(problem.init);
  }

  isSubtype(t: string, want: string): boolean {
    let cur: string | undefined = t;
    for (let guard = 0; cur && guard < 50; guard++) {
      if (cur === want) return true;
      cur = this.domain.types.get(cur);
    }
    return want === 'object';
  }

  holds(l: Literal, binding: Map<string, string>): boolean {
    const args = l.args.map((a) => (a.startsWith('?') ? binding.get(a)! : a));
    const v = l.predicate === '=' ? args[0] === args[1] : this.state.has(atom(l.predicate, args));
    return l.negated ? !v : v;
  }

  goalReached(l: Literal): boolean {
    return this.holds(l, new Map());
  }

  /** fraction of goal literals true now */
  progress(): number {
    const g = this.problem.goal;
    return g.filter((l) => this.goalReached(l)).length / g.length;
  }

  /** Every applicable grounding, by backtracking with early precondition checks. */
  validActions(): GroundAction[] {
    const out: GroundAction[] = [];
    const objs = [...this.objects];
    for (const a of this.domain.actions) {
      const binding = new Map<string, string>();
      const rec = (k: number): void => {
        if (k === a.params.length) {
          out.push({ name: a.name, args: a.params.map((p) => binding.get(p.name)!) });
          return;
        }
        const p = a.params[k];
        for (const [o, t] of objs) {
          if (!this.isSubtype(t, p.type)) continue;
          binding.set(p.name, o);
          const bound = new Set(a.params.slice(0, k + 1).map((x) => x.name));
          const ok = a.precondition.every((l) => !l.args.every((x) => !x.startsWith('?') || bound.has(x)) || !l.args.some((x) => x === p.name) || this.holds(l, binding));
          if (ok) rec(k + 1);
          binding.delete(p.name);
        }
      };
      if (a.params.length === 0) {
        if (a.precondition.every((l) => this.holds(l, binding))) out.push({ name: a.name, args: [] });
      } else rec(0);
    }
    return out;
  }

  schema(name: string): ActionSchema | undefined {
    return this.domain.actions.find((a) => a.name === name);
  }

  /** Apply if applicable: deletes first, then adds (STRIPS). Returns false when not applicable. */
  apply(g: GroundAction): boolean {
    const a = this.schema(g.name);
    if (!a || a.params.length !== g.args.length) return false;
    const binding = new Map<string, string>();
    for (let i = 0; i < a.params.length; i++) {
      const t = this.objects.get(g.args[i]);
      if (t === undefined || !this.isSubtype(t, a.params[i].type)) return false;
      binding.set(a.params[i].name, g.args[i]);
    }
    if (!a.precondition.every((l) => this.holds(l, binding))) return false;
    const ground = (l: Literal) =>
      atom(
        l.predicate,
        l.args.map((x) => (x.startsWith('?') ? binding.get(x)! : x)),
      );
    for (const l of a.effect) if (l.negated) this.state.delete(ground(l));
    for (const l of a.effect) if (!l.negated) this.state.add(ground(l));
    return true;
  }
}
