/** SSH keys for tests, made with the real `ssh-keygen`. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fingerprint } from '../known-hosts';

export interface TestKey {
  privatePath: string;
  publicPath: string;
  /** `<type> <base64>` as in authorized_keys / known_hosts. */
  publicLine: string;
  /** SSH wire-format public key. */
  blob: Buffer;
  fingerprint: string;
}

export function readPublicKey(privatePath: string): TestKey {
  const publicPath = `${privatePath}.pub`;
  const [type, base64] = readFileSync(publicPath, 'utf8').trim().split(/\s+/);
  if (!type || !base64) throw new Error(`${publicPath} is not an OpenSSH public key`);
  const blob = Buffer.from(base64, 'base64');
  return { privatePath, publicPath, publicLine: `${type} ${base64}`, blob, fingerprint: fingerprint(blob) };
}

/** `ssh-keygen -t <type> -N <passphrase> -f <dir>/<name>` (ed25519, no passphrase by default). */
export function generateKey(dir: string, name: string, options: { type?: 'ed25519' | 'ecdsa' | 'rsa'; passphrase?: string } = {}): TestKey {
  const privatePath = path.join(dir, name);
  const args = ['-q', '-t', options.type ?? 'ed25519', '-N', options.passphrase ?? '', '-C', name, '-f', privatePath];
  if (options.type === 'rsa') args.push('-b', '2048');
  execFileSync('ssh-keygen', args);
  return readPublicKey(privatePath);
}
