import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { findFreePortRange } from './ports';
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

export interface TwoSshds {
  /** The file's temp dir (removed after its last test), for known_hosts files and keys. */
  readonly dir: string;
  readonly sshdA: Sshd;
  /** A second sshd that also accepts sshdA's client key. */
  readonly sshdB: Sshd;
  /** Free loopback ports for the file's allocators. */
  readonly range: { min: number; max: number };
  /** The port of the named service (each greets with its name, then echoes). */
  servicePort(name: string): number;
  /** The name of the service on `port`. */
  serviceName(port: number): string;
}

/**
 * Two sshds that accept one client key, named services and a free port range for every test
 * of the calling file, started before its first test and removed after its last.
 */
export function useTwoSshds(prefix: string, options: { services: string[]; portCount?: number; rangeSize: number }): TwoSshds {
  let state: { dir: string; sshdA: Sshd; sshdB: Sshd; range: { min: number; max: number } } | undefined;
  let dir: string | undefined;
  const started: Sshd[] = [];
  const services = new Map<string, TestService>();
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    const [sshdA, sshdB] = await Promise.all([
      startSshd({ dir: path.join(dir, 'a'), ...(options.portCount ? { portCount: options.portCount } : {}) }),
      startSshd({ dir: path.join(dir, 'b') }),
    ]);
    started.push(sshdA, sshdB);
    sshdB.authorize(sshdA.clientKey);
    for (const name of options.services) services.set(name, await startNamedEcho(name));
    state = { dir, sshdA, sshdB, range: await findFreePortRange(options.rangeSize) };
  });
  afterAll(async () => {
    await Promise.all([...started.map((s) => s.stop()), ...[...services.values()].map((s) => s.stop())]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const ready = () => {
    if (!state) throw new Error('the shared sshds are only there inside tests');
    return state;
  };
  return {
    get dir() {
      return ready().dir;
    },
    get sshdA() {
      return ready().sshdA;
    },
    get sshdB() {
      return ready().sshdB;
    },
    get range() {
      return ready().range;
    },
    servicePort(name) {
      const service = services.get(name);
      if (!service) throw new Error(`no service ${name}`);
      return service.port;
    },
    serviceName(port) {
      const found = [...services.entries()].find(([, s]) => s.port === port);
      if (!found) throw new Error(`no service on ${port}`);
      return found[0];
    },
  };
}
