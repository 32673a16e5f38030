import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  forgetHostKey,
  hostKeyAlgorithmsFor,
  hostToken,
  keyTypeOf,
  readKnownHosts,
  trustHostKey,
} from './known-hosts';

let dir: string;
const keys: Record<string, { blob: Buffer; line: string; sshKeygenFingerprint: string }> = {};

function makeKey(name: string, type: string): void {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  const blob = Buffer.from(line.split(' ')[1]!, 'base64');
  const sshKeygenFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  keys[name] = { blob, line: line.split(' ').slice(0, 2).join(' '), sshKeygenFingerprint };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'known-hosts-'));
  makeKey('a', 'ed25519');
  makeKey('b', 'ed25519');
  makeKey('c', 'ecdsa');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function key(name: string) {
  const k = keys[name];
  if (!k) throw new Error(`no key ${name}`);
  return k;
}

describe('fingerprints and names', () => {
  it('matches ssh-keygen -l SHA256 fingerprints', () => {
    expect(fingerprint(key('a').blob)).toBe(key('a').sshKeygenFingerprint);
    expect(fingerprint(key('c').blob)).toBe(key('c').sshKeygenFingerprint);
    expect(fingerprint(key('a').blob)).not.toMatch(/=$/);
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(key('a').blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(key('c').blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('');
  });

  it('uses [host]:port for ports other than 22', () => {
    expect(hostToken('Example.COM', 22)).toBe('example.com');
    expect(hostToken('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });
});

describe('checkHostKey', () => {
  it('finds plain, comma-list and bracketed entries', () => {
    const text = `# comment\n\nweb,10.0.0.5 ${key('a').line}\n[10.0.0.5]:2222 ${key('b').line} a comment\n`;
    expect(checkHostKey(text, 'web', 22, key('a').blob)).toEqual({ verdict: 'known' });
    expect(checkHostKey(text, '10.0.0.5', 22, key('a').blob)).toEqual({ verdict: 'known' });
    expect(checkHostKey(text, '10.0.0.5', 2222, key('b').blob)).toEqual({ verdict: 'known' });
    expect(checkHostKey(text, 'other', 22, key('a').blob)).toEqual({ verdict: 'unknown' });
    expect(checkHostKey(text, '10.0.0.5', 2200, key('a').blob)).toEqual({ verdict: 'unknown' });
  });

  it('reports a changed key with both fingerprints, known ones of the same type first', () => {
    const text = `[h]:2222 ${key('c').line}\n[h]:2222 ${key('a').line}\n`;
    const verdict = checkHostKey(text, 'h', 2222, key('b').blob);
    expect(verdict).toEqual({
      verdict: 'changed',
      knownFingerprints: [key('a').sshKeygenFingerprint, key('c').sshKeygenFingerprint],
      presentedFingerprint: key('b').sshKeygenFingerprint,
      presentedType: 'ssh-ed25519',
    });
  });

  it('honours wildcards and negation', () => {
    const text = `*.pond,!secret.pond ${key('a').line}\n10.1.?.1 ${key('a').line}\n`;
    expect(checkHostKey(text, 'web.pond', 22, key('a').blob).verdict).toBe('known');
    expect(checkHostKey(text, 'secret.pond', 22, key('a').blob).verdict).toBe('unknown');
    expect(checkHostKey(text, '10.1.7.1', 22, key('a').blob).verdict).toBe('known');
    expect(checkHostKey(text, '10.1.77.1', 22, key('a').blob).verdict).toBe('unknown');
  });

  it('refuses @revoked keys and ignores @cert-authority lines', () => {
    const text = `@revoked * ${key('b').line}\n@cert-authority * ${key('c').line}\nweb ${key('b').line}\n`;
    expect(checkHostKey(text, 'web', 22, key('b').blob)).toEqual({
      verdict: 'revoked',
      presentedFingerprint: key('b').sshKeygenFingerprint,
      presentedType: 'ssh-ed25519',
    });
    expect(checkHostKey(text, 'other', 22, key('c').blob).verdict).toBe('unknown');
  });

  it('skips malformed lines instead of failing', () => {
    const text = `garbage\n@bogus web ${key('a').line}\nweb ssh-ed25519 !!notbase64\nweb ssh-rsa ${key('a').line.split(' ')[1]}\n`;
    expect(checkHostKey(text, 'web', 22, key('a').blob).verdict).toBe('unknown');
  });

  it('reads entries hashed by ssh-keygen -H', () => {
    const file = path.join(dir, 'hashed_known_hosts');
    writeFileSync(file, `[127.0.0.1]:2222 ${key('a').line}\nweb.example ${key('c').line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    expect(text).not.toContain('127.0.0.1');
    expect(checkHostKey(text, '127.0.0.1', 2222, key('a').blob).verdict).toBe('known');
    expect(checkHostKey(text, 'WEB.example', 22, key('c').blob).verdict).toBe('known');
    expect(checkHostKey(text, '127.0.0.1', 2222, key('b').blob).verdict).toBe('changed');
    expect(checkHostKey(text, '127.0.0.1', 22, key('b').blob).verdict).toBe('unknown');
  });
});

describe('hostKeyAlgorithmsFor', () => {
  it('puts the types known for the host first', () => {
    const text = `[h]:2222 ${key('c').line}\n`;
    const algorithms = hostKeyAlgorithmsFor(text, 'h', 2222);
    expect(algorithms[0]).toBe('ecdsa-sha2-nistp256');
    expect(algorithms).toContain('ssh-ed25519');
    expect(new Set(algorithms).size).toBe(algorithms.length);
    expect(hostKeyAlgorithmsFor('', 'h', 2222)[0]).toBe('ssh-ed25519');
  });
});

describe('trust on first use and forgetting', () => {
  it('creates the directory 0700 and the file 0600, and ssh-keygen -F finds the entry', async () => {
    const file = path.join(dir, 'fresh', 'nested', 'known_hosts');
    await trustHostKey(file, '127.0.0.1', 2222, key('a').blob);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(key('a').line);
    expect(checkHostKey(await readKnownHosts(file), '127.0.0.1', 2222, key('a').blob).verdict).toBe('known');
  });

  it('appends on a new line, once, even when called concurrently', async () => {
    const file = path.join(dir, 'concurrent_known_hosts');
    writeFileSync(file, `web ${key('c').line}`);
    await Promise.all([
      trustHostKey(file, 'a.host', 22, key('a').blob),
      trustHostKey(file, 'a.host', 22, key('a').blob),
      trustHostKey(file, 'b.host', 2200, key('b').blob),
    ]);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toEqual([`web ${key('c').line}`, `a.host ${key('a').line}`, `[b.host]:2200 ${key('b').line}`]);
  });

  it('forgets hashed and plain entries for one host and keeps everything else', async () => {
    const file = path.join(dir, 'forget_known_hosts');
    writeFileSync(
      file,
      `# keep me\n[127.0.0.1]:2222 ${key('a').line}\nweb,[127.0.0.1]:2222 ${key('c').line}\n@revoked [127.0.0.1]:2222 ${key('b').line}\nother ${key('a').line}\n`,
      { mode: 0o600 },
    );
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    writeFileSync(file, readFileSync(file, 'utf8') + `web,[127.0.0.1]:2222 ${key('c').line}\n`);
    const removed = await forgetHostKey(file, '127.0.0.1', 2222);
    expect(removed).toBe(3);
    const text = readFileSync(file, 'utf8');
    expect(checkHostKey(text, '127.0.0.1', 2222, key('b').blob).verdict).toBe('revoked');
    expect(checkHostKey(text, '127.0.0.1', 2222, key('a').blob).verdict).toBe('unknown');
    expect(checkHostKey(text, 'other', 22, key('a').blob).verdict).toBe('known');
    expect(checkHostKey(text, 'web', 22, key('c').blob).verdict).toBe('known');
    expect(text).toContain('# keep me');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await forgetHostKey(file, '127.0.0.1', 2222)).toBe(0);
    expect(await forgetHostKey(path.join(dir, 'missing'), 'x', 22)).toBe(0);
  });
});
