import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../providers/lifecycle/run-process';
import { tempDir } from '../../../lib/testing/temp-dir';
import { recordedSpawn } from './recorded-spawn';

describe('recordedSpawn', () => {
  it('prints the recording with its exit code through real pipes, keeping the calls', async () => {
    const file = path.join(tempDir('recorded-'), 'out.txt');
    fs.writeFileSync(file, 'p1\ncnode\n');
    const fake = recordedSpawn(() => ({ file, code: 3 }));
    const result = await runProcess('lsof', ['-nP'], { env: process.env, timeoutMs: 10_000, spawn: fake.spawn });
    expect(result).toMatchObject({ kind: 'exited', code: 3, stdout: 'p1\ncnode\n' });
    expect(fake.calls).toEqual([{ command: 'lsof', args: ['-nP'] }]);
  });

  it('makes a command missing when told', async () => {
    const fake = recordedSpawn(() => null);
    const result = await runProcess('lsof', [], { env: process.env, timeoutMs: 10_000, spawn: fake.spawn });
    expect(result).toMatchObject({ kind: 'spawn-error', message: expect.stringContaining('ENOENT') });
  });
});
