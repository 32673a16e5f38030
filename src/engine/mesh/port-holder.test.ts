import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeHolder, findPortHolder, parseLsofFields, parseNetstat, parseProcNetTcp, parseTasklist, systemPortHolderDeps, type PortHolder } from './port-holder';
import { otherUser, startForeignListener, type ForeignListener } from './testing/listeners';
import { freePort } from './testing/ports';
import { recordedSpawn, type Recording } from './testing/recorded-spawn';

const OUTPUTS = path.join(import.meta.dirname, 'testing/port-holder-outputs');
const recorded = (name: string) => path.join(OUTPUTS, name);
const read = (name: string) => fs.readFileSync(recorded(name), 'utf8');

const listeners: ForeignListener[] = [];
afterEach(async () => {
  while (listeners.length > 0) await listeners.pop()?.stop();
});

async function listen(port: number, options: Parameters<typeof startForeignListener>[1] = {}): Promise<ForeignListener> {
  const listener = await startForeignListener(port, options);
  listeners.push(listener);
  return listener;
}

const linux = process.platform === 'linux';

describe('findPortHolder on Linux (/proc)', () => {
  it.runIf(linux)('names the process listening on 127.0.0.1', async () => {
    const listener = await listen(0);
    const holder = await findPortHolder(listener.port, systemPortHolderDeps('linux'));
    expect(holder).toEqual({ kind: 'process', processes: [{ pid: listener.pid, name: 'node' }] });
    expect(describeHolder(listener.port, holder)).toBe(`port ${listener.port} is held by node (pid ${listener.pid})`);
  });

  it.runIf(linux)('names listeners on the wildcard addresses 0.0.0.0 and ::, which keep 127.0.0.1 taken too', async () => {
    const v4 = await listen(0, { host: '0.0.0.0' });
    const v6 = await listen(0, { host: '::' });
    expect(await findPortHolder(v4.port, systemPortHolderDeps('linux'))).toEqual({ kind: 'process', processes: [{ pid: v4.pid, name: 'node' }] });
    expect(await findPortHolder(v6.port, systemPortHolderDeps('linux'))).toEqual({ kind: 'process', processes: [{ pid: v6.pid, name: 'node' }] });
  });

  it.runIf(linux)('blames nobody for a listener on another address, which does not keep 127.0.0.1 taken', async () => {
    const elsewhere = await listen(0, { host: '127.0.0.2' });
    const holder = await findPortHolder(elsewhere.port, systemPortHolderDeps('linux'));
    expect(holder.kind).toBe('unknown');
    expect(describeHolder(elsewhere.port, holder)).toBe(
      `port ${elsewhere.port} is in use by a program that cannot be identified (no listening socket on port ${elsewhere.port} shows in /proc/net/tcp; it may have just closed)`,
    );
  });

  it.runIf(linux && otherUser() !== null)("names another user's listener when this user may read every process (root)", async () => {
    const theirs = await listen(0, { user: otherUser()! });
    expect(await findPortHolder(theirs.port, systemPortHolderDeps('linux'))).toEqual({ kind: 'process', processes: [{ pid: theirs.pid, name: 'node' }] });
  });

  it.runIf(linux && otherUser() !== null)("tells another user only whose the listener is, since its process cannot be read", async () => {
    const roots = await listen(0);
    const user = otherUser()!;
    const answer = await new Promise<string>((resolve, reject) => {
      // findPortHolder as that user runs it: this module, loaded by tsx in a process of its own.
      const script = `const { findPortHolder, systemPortHolderDeps } = await import(${JSON.stringify(path.join(import.meta.dirname, 'port-holder.ts'))});
        process.stdout.write(JSON.stringify(await findPortHolder(${roots.port}, systemPortHolderDeps())));`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        uid: user.uid,
        gid: user.gid,
        cwd: path.resolve(import.meta.dirname, '../../..'),
        // No tsx compile cache: it would outlive the test in the run's temp directory.
        env: { PATH: process.env.PATH, TSX_DISABLE_CACHE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`find-port-holder exited with ${code}: ${err}`))));
    });
    const holder = JSON.parse(answer) as PortHolder;
    expect(holder).toEqual({ kind: 'other-user', uid: 0, user: 'root' });
    expect(describeHolder(roots.port, holder)).toBe(`port ${roots.port} is held by a program of user root (uid 0)`);
  });

  it('reads recorded /proc/net/tcp and tcp6 tables: listeners on 127.0.0.1 and the wildcards, not 127.0.0.2, ::1 or connections', () => {
    const tcp = read('proc-net-tcp.txt');
    const tcp6 = read('proc-net-tcp6.txt');
    expect(parseProcNetTcp(tcp, 51824, 'LE')).toEqual([{ inode: 691426, uid: 0 }]);
    expect(parseProcNetTcp(tcp, 51825, 'LE')).toEqual([]);
    expect(parseProcNetTcp(tcp6, 51826, 'LE')).toEqual([{ inode: 691428, uid: 0 }]);
    expect(parseProcNetTcp(tcp6, 51827, 'LE')).toEqual([]);
    expect(parseProcNetTcp(tcp, 51828, 'LE')).toEqual([{ inode: 691430, uid: 0 }]);
    expect(parseProcNetTcp(tcp, 50100, 'LE')).toEqual([]);
  });

  it('reads addresses in the host byte order (a big-endian machine writes 127.0.0.1 as 7F000001)', () => {
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const line = (address: string) => `   0: ${address}:CA70 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4711 1 0000000000000000 100 0 0 10 0\n`;
    expect(parseProcNetTcp(header + line('7F000001'), 51824, 'BE')).toEqual([{ inode: 4711, uid: 1000 }]);
    expect(parseProcNetTcp(header + line('7F000001'), 51824, 'LE')).toEqual([]);
    const mapped = '0000000000000000FFFF00000100007F';
    expect(parseProcNetTcp(header + line(mapped), 51824, 'LE')).toEqual([{ inode: 4711, uid: 1000 }]);
  });
});

function macDeps(answer: (args: readonly string[]) => Recording | null) {
  const fake = recordedSpawn((_command, args) => answer(args));
  return { deps: systemPortHolderDeps('darwin', fake.spawn), calls: fake.calls };
}

describe('findPortHolder on macOS (lsof)', () => {
  it('asks lsof for the listeners of the port and names the one that keeps 127.0.0.1 taken', async () => {
    const { deps, calls } = macDeps(() => ({ file: recorded('lsof-fpcn.txt') }));
    const holder = await findPortHolder(51824, deps);
    expect(calls).toEqual([{ command: 'lsof', args: ['-nP', '-iTCP:51824', '-sTCP:LISTEN', '-Fpcn'] }]);
    // Google Chrome Helper listens on [::1]:51824, which does not block 127.0.0.1.
    expect(holder).toEqual({ kind: 'process', processes: [{ pid: 4242, name: 'node' }] });
  });

  it('reads wildcard listeners and names with spaces from the field output', () => {
    expect(parseLsofFields(read('lsof-fpcn.txt'), 51826)).toEqual([{ pid: 6001, name: 'postgres' }]);
    expect(parseLsofFields('p77\ncGoogle Chrome Helper\nf3\nn127.0.0.1:9000\nf4\nn127.0.0.1:9000->127.0.0.1:61000\n', 9000)).toEqual([{ pid: 77, name: 'Google Chrome Helper' }]);
  });

  it("says the holder cannot be seen when lsof lists nothing (another user's program), and when lsof is missing", async () => {
    const hidden = await findPortHolder(51824, macDeps(() => ({ code: 1 })).deps);
    expect(describeHolder(51824, hidden)).toBe('port 51824 is in use by a program that cannot be identified (lsof shows no listener this user may see; it may belong to another user)');
    const missing = await findPortHolder(51824, macDeps(() => null).deps);
    expect(missing.kind).toBe('unknown');
    expect(describeHolder(51824, missing)).toMatch(/^port 51824 is in use by a program that cannot be identified \(lsof could not run: .*ENOENT/);
  });
});

function windowsDeps(tasklist: string) {
  const fake = recordedSpawn((command) => ({ file: recorded(command === 'netstat' ? 'netstat-ano.txt' : tasklist) }));
  return { deps: systemPortHolderDeps('win32', fake.spawn), calls: fake.calls };
}

describe('findPortHolder on Windows (netstat, tasklist)', () => {
  it('finds the listening process id with netstat -ano and its name with tasklist', async () => {
    const { deps, calls } = windowsDeps('tasklist-node.csv');
    const holder = await findPortHolder(51824, deps);
    expect(calls).toEqual([
      { command: 'netstat', args: ['-ano'] },
      { command: 'tasklist', args: ['/FI', 'PID eq 4242', '/FO', 'CSV', '/NH'] },
    ]);
    expect(holder).toEqual({ kind: 'process', processes: [{ pid: 4242, name: 'node.exe' }] });
    expect(describeHolder(51824, holder)).toBe('port 51824 is held by node.exe (pid 4242)');
  });

  it('gives the process id alone when tasklist does not know it any more', async () => {
    const holder = await findPortHolder(51824, windowsDeps('tasklist-none.txt').deps);
    expect(holder).toEqual({ kind: 'process', processes: [{ pid: 4242, name: null }] });
    expect(describeHolder(51824, holder)).toBe('port 51824 is held by process 4242');
  });

  it('tells listeners by their foreign address, so translated states read the same', () => {
    expect(parseNetstat(read('netstat-ano.txt'), 51824)).toEqual([4242]);
    expect(parseNetstat(read('netstat-ano-de.txt'), 51824)).toEqual([4242]);
    // [::]:51826 is a dual-stack listener; 192.168.1.20:51825 and [::1]:51827 leave 127.0.0.1 free.
    expect(parseNetstat(read('netstat-ano.txt'), 51826)).toEqual([5120]);
    expect(parseNetstat(read('netstat-ano.txt'), 51825)).toEqual([]);
    expect(parseNetstat(read('netstat-ano.txt'), 51827)).toEqual([]);
    expect(parseTasklist(read('tasklist-node.csv'), 4242)).toBe('node.exe');
    expect(parseTasklist(read('tasklist-none.txt'), 4242)).toBeNull();
  });
});

describe('describeHolder', () => {
  it('groups processes sharing one listening socket by name', () => {
    const holder: PortHolder = { kind: 'process', processes: [{ pid: 100, name: 'nginx' }, { pid: 101, name: 'nginx' }, { pid: 7, name: 'sshd' }] };
    expect(describeHolder(8080, holder)).toBe('port 8080 is held by nginx (pids 100, 101) and sshd (pid 7)');
    expect(describeHolder(8080, { kind: 'other-user', uid: 1001, user: null })).toBe('port 8080 is held by a program of another user (uid 1001)');
  });

  it('says a system without a way to tell is unknown', async () => {
    const holder = await findPortHolder(await freePort(), { ...systemPortHolderDeps('linux'), platform: 'freebsd' });
    expect(holder).toEqual({ kind: 'unknown', why: 'this system (freebsd) does not say which program listens on a port' });
  });
});
