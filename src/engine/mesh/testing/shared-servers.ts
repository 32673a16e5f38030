import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startNamedEcho, type TestService } from './services';
import { startSshd, type Sshd } from './sshd';

export interface SharedServers {
  readonly sshd: Sshd;
  /** A service that greets with `web\n`, then echoes. */
  readonly web: TestService;
}

/**
 * One OpenSSH sshd and one `web` service for every test of the calling file: started before
 * its first test, stopped (and the sshd's temp dir removed) after its last. Call at the top of
 * a test file; read the servers only inside tests and hooks.
 */
export function useSshdAndWeb(prefix: string): SharedServers {
  let dir: string | undefined;
  let sshd: Sshd | undefined;
  let web: TestService | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    sshd = await startSshd({ dir });
    web = await startNamedEcho('web');
  });
  afterAll(async () => {
    await sshd?.stop();
    await web?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get sshd() {
      if (!sshd) throw new Error('the shared sshd is only there inside tests');
      return sshd;
    },
    get web() {
      if (!web) throw new Error('the shared web service is only there inside tests');
      return web;
    },
  };
}
