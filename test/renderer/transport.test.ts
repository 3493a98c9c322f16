import { describe, expect, it } from 'vitest';
import { ApiCallError, backoffMs, errorFromResponse, NotAvailableYetError, takeToken, TOKEN_KEY } from '../../renderer/api/transport.js';

function env(href: string, stored: string | null = null) {
  const store = new Map<string, string>(stored ? [[TOKEN_KEY, stored]] : []);
  const replaced: string[] = [];
  return {
    env: { href, storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) }, replaceUrl: (u: string) => void replaced.push(u) },
    store,
    replaced,
  };
}

describe('takeToken', () => {
  it('stores the token from the address and strips it, keeping other parameters and the hash', () => {
    const e = env('http://127.0.0.1:4321/?token=abc123&x=1#/history');
    expect(takeToken(e.env)).toBe('abc123');
    expect(e.store.get(TOKEN_KEY)).toBe('abc123');
    expect(e.replaced).toEqual(['/?x=1#/history']);
  });
  it('strips the query entirely when the token was its only parameter', () => {
    const e = env('http://127.0.0.1:4321/?token=t#/new');
    takeToken(e.env);
    expect(e.replaced).toEqual(['/#/new']);
  });
  it('falls back to the stored token after a reload, leaving the address alone', () => {
    const e = env('http://127.0.0.1:4321/#/runs', 'saved');
    expect(takeToken(e.env)).toBe('saved');
    expect(e.replaced).toEqual([]);
  });
  it('returns null when there is none', () => {
    expect(takeToken(env('http://127.0.0.1:1/').env)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles from 0.5 s and stops at 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });
});

describe('errorFromResponse', () => {
  it('keeps the service message and code', () => {
    const e = errorFromResponse('startRun', 409, { code: 'conflict', message: 'run r1 is already running' });
    expect(e).toBeInstanceOf(ApiCallError);
    expect([e.code, e.message, e.call]).toEqual(['conflict', 'run r1 is already running', 'startRun']);
  });
  it('explains a 401 in words', () => {
    expect(errorFromResponse('info', 401, { code: 'unauthorized', message: 'no token' }).message).toMatch(/access token/);
  });
  it('treats an unknown call as not available yet', () => {
    const e = errorFromResponse('updateExperiment', 404, { code: 'not_found', message: 'unknown call "updateExperiment"; expected one of info' });
    expect(e).toBeInstanceOf(NotAvailableYetError);
    expect(e.message).toBe('"updateExperiment" is not available yet: this version of the service has no updateExperiment call.');
    expect(errorFromResponse('listTasks', 404, null)).toBeInstanceOf(NotAvailableYetError);
  });
  it('still says something when the body is not an error object', () => {
    expect(errorFromResponse('info', 502, '<html>').message).toBe('The service answered info with HTTP 502 and no explanation.');
  });
});
