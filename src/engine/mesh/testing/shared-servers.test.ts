import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { greeting } from './services';
import { useSshdAndWeb } from './shared-servers';

const servers = useSshdAndWeb('shared-servers-');

describe('useSshdAndWeb', () => {
  it('starts an sshd that accepts its client key and a web service that greets', async () => {
    const { sshd } = servers;
    const { stdout } = await promisify(execFile)('ssh', [
      '-i', sshd.clientKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'echo shared',
    ]);
    expect(stdout.trim()).toBe('shared');
    expect(await greeting(servers.web.port)).toBe('web');
  });
});
