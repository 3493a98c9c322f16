// Python semantics the reference scorers rely on: whitespace, strip/split, round, values with
// Python's == and str(), ast.literal_eval and json.loads. One place for all of them.

/** The characters Python's str.isspace() accepts (JS \s adds U+FEFF and lacks U+001C–U+001F, U+0085). */
export const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${PY_SPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`);
const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`);

function escapeClass(chars: string): string {
  return chars.replace(/[\]\\^-]/g, '\\$&');
}

/** str.strip(chars): without chars, Python whitespace. */
export function pyStrip(s: string, chars?: string): string {
  if (chars === undefined) return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
  if (chars === '') return s;
  const c = escapeClass(chars);
  return s.replace(new RegExp(`^[${c}]+`, 'u'), '').replace(new RegExp(`[${c}]+$`, 'u'), '');
}

/** str.lstrip() (whitespace). */
export function pyLstrip(s: string): string {
  return s.replace(LEADING_SPACE, '');
}

/** str.split() without arguments: runs of whitespace, no empty pieces. */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(SPACE_RUN);
}

/** Python's round(x) / numpy's rint: halves go to the even neighbour, exactly. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d === 0.5) return f % 2 === 0 ? f : f + 1;
  return d < 0.5 ? f : f + 1;
}

/** numpy's np.round(x, decimals) and Python's round(x, n) for n ≥ 0 as numpy does it: rint(x·10ⁿ)/10ⁿ. */
export function npRound(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return pyRound(x * f) / f;
}

/** Python's round(x, n) on a float: the exact binary value rounded to n decimals, halves to even. */
export function pyRoundTo(x: number, n: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = e === 0 ? frac : frac | (1n << 52n);
  const shift = BigInt(1075 - (e === 0 ? 1 : e)); // |x| = mant / 2^shift
  const num = mant * 10n ** BigInt(n);
  const den = 1n << shift;
  let q = num / den;
  const r2 = 2n * (num % den);
  if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  const v = Number(`${q}e-${n}`);
  return x < 0 ? -v : v;
}

// ---------- values ----------

/** A Python float (kept apart from int: str(1.0) is "1.0", str(1) is "1"). */
export class PyFloat {
  constructor(readonly value: number) {}
}
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
export class PySet {
  constructor(readonly items: PyValue[]) {}
}
/** A dict in insertion order; keys compare with Python's == (True and 1 are the same key). */
export class PyDict {
  readonly keys: PyValue[] = [];
  readonly values: PyValue[] = [];
  indexOf(key: PyValue): number {
    return this.keys.findIndex((k) => pyEquals(k, key));
  }
  has(key: PyValue): boolean {
    return this.indexOf(key) >= 0;
  }
  get(key: PyValue): PyValue | undefined {
    const i = this.indexOf(key);
    return i >= 0 ? this.values[i] : undefined;
  }
  set(key: PyValue, value: PyValue): void {
    const i = this.indexOf(key);
    if (i >= 0) this.values[i] = value;
    else {
      this.keys.push(key);
      this.values.push(value);
    }
  }
  get size(): number {
    return this.keys.length;
  }
}
/** int is bigint (arbitrary precision, as in Python); list is a JS array. */
export type PyValue = null | boolean | bigint | PyFloat | string | PyValue[] | PyTuple | PySet | PyDict;

function numeric(v: PyValue): { int?: bigint; float?: number } | undefined {
  if (typeof v === 'boolean') return { int: v ? 1n : 0n };
  if (typeof v === 'bigint') return { int: v };
  if (v instanceof PyFloat) return { float: v.value };
  return undefined;
}

/** Python's a == b for literal values (True == 1 == 1.0; a list never equals a tuple). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na || nb) {
    if (!na || !nb) return false;
    if (na.int !== undefined && nb.int !== undefined) return na.int === nb.int;
    if (na.float !== undefined && nb.float !== undefined) return na.float === nb.float;
    const f = (na.float ?? nb.float)!;
    const i = (na.int ?? nb.int)!;
    return Number.isInteger(f) && BigInt(f) === i;
  }
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && seqEquals(a, b);
  if (a instanceof PyTuple || b instanceof PyTuple) return a instanceof PyTuple && b instanceof PyTuple && seqEquals(a.items, b.items);
  if (a instanceof PySet || b instanceof PySet) {
    return a instanceof PySet && b instanceof PySet && a.items.length === b.items.length && a.items.every((x) => b.items.some((y) => pyEquals(x, y)));
  }
  if (!(a instanceof PyDict) || !(b instanceof PyDict)) return false;
  const bd = b;
  return (
    a.size === bd.size &&
    a.keys.every((k, i) => {
      const j = bd.indexOf(k);
      return j >= 0 && pyEquals(a.values[i], bd.values[j]);
    })
  );
}

function seqEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
}

/** repr() of a float: the shortest round-trip digits, fixed notation for 1e-4 ≤ |x| < 1e16, else "1e+16". */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? `-${out}` : out;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** repr() of a str: single quotes unless the text has ' and no ", escapes for non-printables. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const c = ch.codePointAt(0)!;
      out += c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** repr() of a value. */
export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'string') return strRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  if (v instanceof PySet) return v.items.length === 0 ? 'set()' : `{${v.items.map(pyRepr).join(', ')}}`;
  return `{${v.keys.map((k, i) => `${pyRepr(k)}: ${pyRepr(v.values[i])}`).join(', ')}}`;
}

/** str() of a value: a str is itself, everything else its repr. */
export function pyStr(v: PyValue): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** A value read by JSON.parse as the Python value json.load would give (numbers: integral → int). */
export function fromJs(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? BigInt(v) : new PyFloat(v);
  if (Array.isArray(v)) return v.map(fromJs);
  const d = new PyDict();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, fromJs(x));
  return d;
}

/** A Python value as plain JS data (dict keys by str(), ints and floats as numbers, tuples and sets as arrays). */
export function toJs(v: PyValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof PyTuple || v instanceof PySet) return v.items.map(toJs);
  if (v instanceof PyDict) return Object.fromEntries(v.keys.map((k, i) => [pyStr(k), toJs(v.values[i])]));
  return v;
}

// ---------- ast.literal_eval ----------

class ParseError extends Error {}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/**
 * ast.literal_eval(text) (Python 3.11): str, int, float, True/False/None, list, tuple, dict, set,
 * set(), a sign on a number, implicit string concatenation, comments and line continuations.
 * Returns undefined where Python raises (including bytes, complex and f-string literals, which
 * the scorers never accept anyway).
 */
export function literalEval(text: string): PyValue | undefined {
  const s = text.replace(/^[ \t]+/, '');
  let i = 0;
  let depth = 0;
  const fail = (): never => {
    throw new ParseError();
  };
  // skip blanks, comments, continuations; newlines only inside brackets or at the very end
  const blank = (): void => {
    for (;;) {
      const c = s[i];
      if (c === ' ' || c === '\t' || c === '\f') i++;
      else if (c === '#') while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++;
      else if (c === '\\' && (s[i + 1] === '\n' || s[i + 1] === '\r')) {
        i += s[i + 1] === '\r' && s[i + 2] === '\n' ? 3 : 2;
        if (i >= s.length) fail(); // a continuation needs a next line
      } else if ((c === '\n' || c === '\r') && depth > 0) i++;
      else return;
    }
  };
  const readString = (): string => {
    const m = /^([rRuUbBfF]{0,2})('''|"""|'|")/.exec(s.slice(i));
    if (!m) return fail();
    const prefix = m[1].toLowerCase();
    if (!['', 'r', 'u'].includes(prefix)) fail(); // bytes and f-strings are not literals here
    const raw = prefix.includes('r');
    const q = m[2];
    i += m[0].length;
    let out = '';
    for (;;) {
      if (i >= s.length) fail();
      if (s.startsWith(q, i)) {
        i += q.length;
        return out;
      }
      const c = s[i];
      if ((c === '\n' || c === '\r') && q.length === 1) fail();
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === undefined) fail();
      if (raw) {
        out += c + e;
        i += 2;
        continue;
      }
      if (e in ESCAPES) {
        out += ESCAPES[e];
        i += 2;
      } else if (e === '\r') {
        i += s[i + 2] === '\n' ? 3 : 2;
      } else if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
        out += String.fromCodePoint(parseInt(oct, 8));
        i += 1 + oct.length;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(i + 2, i + 2 + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail();
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) fail();
        out += String.fromCodePoint(cp);
        i += 2 + n;
      } else if (e === 'N') {
        return fail();
      } else {
        out += c + e; // unknown escapes keep their backslash
        i += 2;
      }
    }
  };
  const readNumber = (): PyValue => {
    const rest = s.slice(i);
    const radix = /^0([xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)(?![\w.])/.exec(rest);
    if (radix) {
      i += radix[0].length;
      return BigInt(radix[0].replace(/_/g, '').toLowerCase().replace(/^0o/, '0o'));
    }
    const m = /^(?:(\d(?:_?\d)*)?(\.(?:\d(?:_?\d)*)?)?)([eE][+-]?\d(?:_?\d)*)?/.exec(rest);
    const body = m ? m[0] : '';
    if (!body || body === '.' || !/\d/.test(body.split(/[eE]/)[0])) return fail();
    if (/^[jJ\w]/.test(rest.slice(body.length))) fail(); // complex literals or trailing letters
    i += body.length;
    const clean = body.replace(/_/g, '');
    if (!m![2] && !m![3]) {
      if (/^0\d/.test(clean) && /[1-9]/.test(clean)) fail(); // leading zeros are a SyntaxError
      return BigInt(clean);
    }
    return new PyFloat(Number(clean));
  };
  const hashable = (v: PyValue): PyValue => (Array.isArray(v) || v instanceof PyDict || v instanceof PySet || (v instanceof PyTuple && !v.items.every((x) => hashable(x) !== undefined)) ? fail() : v);
  const atom = (): PyValue => {
    blank();
    const c = s[i];
    if (c === undefined) return fail();
    if (c === '+' || c === '-') {
      i++;
      blank();
      if (s[i] === '+' || s[i] === '-') fail(); // a sign applies to a number only, once
      const v = atom();
      if (typeof v === 'bigint') return c === '-' ? -v : v;
      if (v instanceof PyFloat) return c === '-' ? new PyFloat(-v.value) : v;
      return fail();
    }
    if (/[rRuUbBfF'"]/.test(c) && /^[rRuUbBfF]{0,2}['"]/.test(s.slice(i))) {
      let out = readString();
      for (;;) {
        const save = i;
        blank();
        if (/^[rRuUbBfF]{0,2}['"]/.test(s.slice(i))) out += readString();
        else {
          i = save;
          return out;
        }
      }
    }
    if (/[0-9.]/.test(c)) return readNumber();
    const name = /^[A-Za-z_]\w*/.exec(s.slice(i));
    if (name) {
      i += name[0].length;
      if (name[0] === 'True') return true;
      if (name[0] === 'False') return false;
      if (name[0] === 'None') return null;
      if (name[0] === 'set') {
        blank();
        if (s[i] !== '(') fail();
        i++;
        depth++;
        blank();
        if (s[i] !== ')') fail();
        i++;
        depth--;
        return new PySet([]);
      }
      return fail();
    }
    if (c === '(' || c === '[' || c === '{') {
      const close = c === '(' ? ')' : c === '[' ? ']' : '}';
      i++;
      depth++;
      const items: PyValue[] = [];
      const values: PyValue[] = [];
      let kind: 'seq' | 'dict' | 'set' = c === '{' ? 'set' : 'seq';
      let trailingComma = false;
      blank();
      while (s[i] !== close) {
        const v = expr();
        blank();
        if (c === '{' && (items.length === 0 ? s[i] === ':' : kind === 'dict')) {
          kind = 'dict';
          if (s[i] !== ':') fail();
          i++;
          items.push(hashable(v));
          values.push(expr());
          blank();
        } else items.push(c === '{' ? hashable(v) : v);
        trailingComma = false;
        if (s[i] === ',') {
          i++;
          trailingComma = true;
          blank();
        } else if (s[i] !== close) fail();
      }
      i++;
      depth--;
      if (c === '[') return items;
      if (c === '(') return items.length === 1 && !trailingComma ? items[0] : new PyTuple(items);
      if (items.length === 0) return new PyDict();
      if (kind === 'set') return new PySet(items.filter((x, k) => items.findIndex((y) => pyEquals(x, y)) === k));
      const d = new PyDict();
      items.forEach((k, n) => d.set(k, values[n]));
      return d;
    }
    return fail();
  };
  const expr = (): PyValue => atom();
  try {
    // blank and comment lines may come first; the first code line must not be indented
    let lineStart = -1;
    for (;;) {
      blank();
      if (s[i] !== '\n' && s[i] !== '\r') break;
      i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
      lineStart = i;
    }
    if (lineStart >= 0 && i > lineStart && s[lineStart] !== '#') fail();
    // the top level may be a bare tuple: "1, 2"
    const first = expr();
    blank();
    let result: PyValue = first;
    if (s[i] === ',') {
      const items = [first];
      while (s[i] === ',') {
        i++;
        blank();
        if (i >= s.length || s[i] === '\n' || s[i] === '\r') break;
        items.push(expr());
        blank();
      }
      result = new PyTuple(items);
    }
    while (i < s.length && /[\n\r]/.test(s[i])) {
      i++;
      blank();
    }
    return i === s.length ? result : undefined;
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

// ---------- json.loads ----------

/** json.loads(text) as Python's json module reads it (NaN/Infinity allowed, ints kept apart from floats). */
export function jsonLoads(text: string): PyValue | undefined {
  let i = 0;
  const fail = (): never => {
    throw new ParseError();
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) fail();
      if (c === '"') {
        i++;
        return out;
      }
      if (c < ' ') fail();
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) {
        out += simple[e];
        i += 2;
      } else if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else fail();
    }
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === '{') {
      i++;
      const d = new PyDict();
      ws();
      if (text[i] === '}') {
        i++;
        return d;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        d.set(k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return d;
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const out: PyValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail();
      }
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as [string, PyValue][]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return m[2] || m[3] ? new PyFloat(Number(m[0])) : BigInt(m[1]);
  };
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}
