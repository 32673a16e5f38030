import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { greeting } from './services';
import { useSshdAndWeb, useTwoSshds } from './shared-servers';

const servers = useSshdAndWeb('shared-servers-');
const two = useTwoSshds('shared-two-', { services: ['api-1', 'db-1'], rangeSize: 4 });
const run = promisify(execFile);

describe('useSshdAndWeb', () => {
  it('starts an sshd that accepts its client key and a web service that greets', async () => {
    const { sshd } = servers;
    const { stdout } = await run('ssh', [
      '-i', sshd.clientKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'echo shared',
    ]);
    expect(stdout.trim()).toBe('shared');
    expect(await greeting(servers.web.port)).toBe('web');
  });

  it("useTwoSshds: the second sshd accepts the first one's client key; services are found by name and by port", async () => {
    for (const sshd of [two.sshdA, two.sshdB]) {
      const { stdout } = await run('ssh', [
        '-i', two.sshdA.clientKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
        '-o', 'UserKnownHostsFile=/dev/null', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'echo two',
      ]);
      expect(stdout.trim()).toBe('two');
    }
    expect(await greeting(two.servicePort('db-1'))).toBe('db-1');
    expect(two.serviceName(two.servicePort('api-1'))).toBe('api-1');
    expect(two.range.max - two.range.min).toBe(3);
    expect(() => two.servicePort('nope')).toThrow('no service nope');
  });
});
