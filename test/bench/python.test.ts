import { describe, expect, it } from 'vitest';
import { floatRepr, fromJs, jsonLoads, literalEval, npRound, pyRoundTo, PyDict, PyFloat, pyEquals, pyRepr, pyRound, pySplit, pyStr, pyStrip } from '../../main/bench/python.js';

// Expected values: what CPython 3.11 prints for repr(ast.literal_eval(text)) / repr(json.loads(text)) ("FAIL" where it raises).
const LITERALS: [string, string, string][] = [
  ["{'a': 1}", "{'a': 1}", 'FAIL'],
  ['{"a": 1.0}', "{'a': 1.0}", "{'a': 1.0}"],
  ['[1, 2, (3,)]', '[1, 2, (3,)]', 'FAIL'],
  ['(1)', '1', 'FAIL'],
  ['1, 2', '(1, 2)', 'FAIL'],
  ['{1, 2, 2}', '{1, 2}', 'FAIL'],
  ['set()', 'set()', 'FAIL'],
  ['--1', 'FAIL', 'FAIL'],
  ['-True', 'FAIL', 'FAIL'],
  ['01', 'FAIL', 'FAIL'],
  ['0x1F', '31', 'FAIL'],
  ['1_000', '1000', 'FAIL'],
  ["'a' 'b'", "'ab'", 'FAIL'],
  ["{1: 'a', True: 'b'}", "{1: 'b'}", 'FAIL'],
  ['{[1]: 2}', 'FAIL', 'FAIL'],
  ["{'a':1} trailing", 'FAIL', 'FAIL'],
  ["\n{'a': 1}", "{'a': 1}", 'FAIL'],
  ["  {'a': 1}", "{'a': 1}", 'FAIL'],
  ["{'a': 1} # c", "{'a': 1}", 'FAIL'],
  ['true', 'FAIL', 'True'],
  ['NaN', 'FAIL', 'nan'],
  ["'\\x41\\u00e9\\101'", "'AéA'", 'FAIL'],
  ['"it\'s"', '"it\'s"', '"it\'s"'],
  ["{'k': 1e16}", "{'k': 1e+16}", 'FAIL'],
  ["{'k': 0.00001}", "{'k': 1e-05}", 'FAIL'],
  ['123456789012345678901234567890', '123456789012345678901234567890', '123456789012345678901234567890'],
  ["'a\\qb'", "'a\\\\qb'", 'FAIL'],
  ['[1,2,]', '[1, 2]', 'FAIL'],
];

describe('Python semantics', () => {
  it('ast.literal_eval and json.loads accept and reject what CPython does', () => {
    for (const [text, lit, json] of LITERALS) {
      const l = literalEval(text);
      const j = jsonLoads(text);
      expect(l === undefined ? 'FAIL' : pyRepr(l), text).toBe(lit);
      expect(j === undefined ? 'FAIL' : pyRepr(j), text).toBe(json);
    }
  });
  it('== follows Python: True == 1 == 1.0, lists never equal tuples, dict order does not matter', () => {
    expect(pyEquals(true, 1n)).toBe(true);
    expect(pyEquals(1n, new PyFloat(1))).toBe(true);
    expect(pyEquals('1', 1n)).toBe(false);
    expect(pyEquals(literalEval('[1, 2]')!, literalEval('(1, 2)')!)).toBe(false);
    expect(pyEquals(literalEval("{'a': 1, 'b': 2}")!, literalEval("{'b': 2.0, 'a': True}")!)).toBe(true);
    expect(pyEquals(new PyFloat(NaN), new PyFloat(NaN))).toBe(false);
  });
  it('str() and repr() print like Python', () => {
    expect(pyStr(fromJs({ city: 'Oslo', n: 2, ok: true, none: null }))).toBe("{'city': 'Oslo', 'n': 2, 'ok': True, 'none': None}");
    expect(pyStr(new PyFloat(2))).toBe('2.0');
    expect(floatRepr(1e-5)).toBe('1e-05');
    expect(floatRepr(123456789.123)).toBe('123456789.123');
    expect(floatRepr(1e22)).toBe('1e+22');
    expect(pyRepr('it\'s "q"')).toBe("'it\\'s \"q\"'");
    expect(pyRepr('\u2028')).toBe("'\\u2028'");
    expect(jsonLoads('{"a": [1, 2.5]}') instanceof PyDict).toBe(true);
  });
  it('strip, split and rounding follow Python', () => {
    expect(pyStrip('\u0085 x \u001f')).toBe('x');
    expect(pyStrip('\ufeffx')).toBe('\ufeffx');
    expect(pyStrip('``x`', '`')).toBe('x');
    expect(pySplit(' a\tb\u3000c ')).toEqual(['a', 'b', 'c']);
    expect(pyRound(2.5)).toBe(2);
    expect(pyRound(3.5)).toBe(4);
    expect(pyRound(-1.5)).toBe(-2);
    expect(npRound(0.66665, 4)).toBe(0.6666); // 0.66665·10⁴ = 6666.499999… in binary
    expect(npRound(0.83333, 4)).toBe(0.8333);
    // Python's round(x, 2) on the exact binary value: 2.675 is 2.67499…, 0.125 is a tie → even
    expect([2.675, 0.125, 0.375, 48.885, 1.005, 99.995].map((x) => pyRoundTo(x, 2))).toEqual([2.67, 0.12, 0.38, 48.88, 1, 100]);
  });
});
