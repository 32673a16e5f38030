import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../providers/lifecycle/run-process';
import { systemCheckDeps } from './system';
import { writeFakeTailscale } from './testing/fake-tailscale';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pond-system-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('systemCheckDeps', () => {
  it("uses the user's known_hosts and the tailscale CLI named by POND_TAILSCALE_CLI, asking it once per run", async () => {
    const fake = writeFakeTailscale(dir);
    let calls = 0;
    const env = { ...fake.env({ status: { BackendState: 'Stopped' } }), POND_TAILSCALE_CLI: fake.command };
    const deps = systemCheckDeps({
      env,
      home: '/home/someone',
      run: (c, a, o) => {
        calls += 1;
        return runProcess(c, a, o);
      },
    });
    expect(deps.knownHostsFile).toBe('/home/someone/.ssh/known_hosts');
    const [a, b] = await Promise.all([deps.tailnetStatus(), deps.tailnetStatus()]);
    expect(a).toEqual({ state: 'not-running', backendState: 'Stopped' });
    expect(b).toBe(a);
    expect(calls).toBe(1);
    expect(deps.localAddresses()).toContain('127.0.0.1');
  });
});
