import { afterAll, describe, expect, it } from 'vitest';
import { startShell, type RunningShell } from './shell.js';

let shell: RunningShell | undefined;
afterAll(async () => shell?.stop());

describe('acbench serve --no-open', () => {
  it('prints the one listening line and answers 401 without the token', async () => {
    shell = await startShell();
    const lines = shell.output().trim().split('\n');
    expect(lines).toContain(shell.url.replace(/^/, 'ACBench Studio listening on '));
    const unauth = await fetch(`${shell.base}/api/info`, { method: 'POST', body: '{}' });
    expect(unauth.status).toBe(401);
    const auth = await fetch(`${shell.base}/api/info`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${shell.token}` } });
    expect(auth.status).toBe(200);
    const info = await auth.json();
    expect(info.shell).toBe('web');
    expect(info.dataDir).toBe(shell.home);
  });
});
