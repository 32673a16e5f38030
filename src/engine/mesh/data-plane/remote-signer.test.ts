import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey } from '../testing/keys';
import { RemoteSigner } from './remote-signer';

const dir = mkdtempSync(path.join(os.tmpdir(), 'remote-signer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function privateKey(type: 'ed25519' | 'rsa'): ParsedKey {
  const parsed = ssh2.utils.parseKey(readFileSync(generateKey(dir, type, { type }).privatePath));
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('unreadable test key');
  return parsed;
}

function sign(signer: RemoteSigner, key: ParsedKey, data: Buffer, options: { hash?: 'sha512' }): Promise<Buffer> {
  return new Promise((resolve, reject) => signer.sign(key, data, options, (error, signature) => (error ? reject(error) : resolve(signature!))));
}

describe('RemoteSigner', () => {
  it('offers the public key only and has every signature made elsewhere, with the hash ssh2 asks for', async () => {
    const key = privateKey('rsa');
    const asked: Array<string | null> = [];
    const signer = new RemoteSigner(key.getPublicSSH(), async (data, hash) => {
      asked.push(hash);
      return key.sign(data, hash ?? undefined);
    });
    const identities = await new Promise<ParsedKey[]>((resolve) => signer.getIdentities((_e, keys) => resolve(keys!)));
    expect(identities.map((k) => [k.isPrivateKey(), k.getPublicSSH().equals(key.getPublicSSH())])).toEqual([[false, true]]);
    const data = Buffer.from('session id and request');
    const signature = await sign(signer, identities[0]!, data, { hash: 'sha512' });
    expect(key.verify(data, signature, 'sha512')).toBe(true);
    expect(asked).toEqual(['sha512']);
  });

  it('passes on why the signature could not be made', async () => {
    const key = privateKey('ed25519');
    const signer = new RemoteSigner(key.getPublicSSH(), async () => {
      throw new Error('the key was dropped');
    });
    await expect(sign(signer, key, Buffer.from('x'), {})).rejects.toThrow('the key was dropped');
  });
});
