/**
 * Private keys for SSH sessions. Encrypted keys are decrypted once with a passphrase the
 * user types (asked through a callback, never written anywhere) and the decrypted key is
 * kept in memory only, so reconnects do not ask again. Members that share a key share one
 * prompt. A key file that changes on disk is read again.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

const { utils } = ssh2;

/** Asks the user for a key's passphrase; null means they cancelled. */
export type AskPassphrase = (keyPath: string, problem: string | null) => Promise<string | null>;

export type KeyResult = { ok: true; key: ParsedKey } | { ok: false; error: string };

const MAX_PASSPHRASE_TRIES = 3;

function parse(data: Buffer, passphrase?: string): ParsedKey | Error {
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) return parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key ?? new Error('the file holds no key');
}

function isEncryptedWithoutPassphrase(error: Error): boolean {
  return /no passphrase given/i.test(error.message);
}

export class KeyRing {
  private readonly keys = new Map<string, { digest: string; key: ParsedKey }>();
  private readonly prompts = new Map<string, Promise<KeyResult>>();

  async load(keyPath: string, ask: AskPassphrase): Promise<KeyResult> {
    let data: Buffer;
    try {
      data = await fs.readFile(keyPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      return { ok: false, error: `cannot read SSH key ${keyPath}: ${why}` };
    }
    const digest = createHash('sha256').update(data).digest('hex');
    const cached = this.keys.get(keyPath);
    if (cached?.digest === digest) return { ok: true, key: cached.key };

    const plain = parse(data);
    if (!(plain instanceof Error)) return this.remember(keyPath, digest, plain);
    if (!isEncryptedWithoutPassphrase(plain)) {
      return { ok: false, error: `${keyPath} is not a private key that can be used (${plain.message})` };
    }
    const promptKey = `${keyPath}\0${digest}`;
    const pending = this.prompts.get(promptKey);
    if (pending) return pending;
    const prompt = this.decrypt(keyPath, digest, data, ask).finally(() => this.prompts.delete(promptKey));
    this.prompts.set(promptKey, prompt);
    return prompt;
  }

  /** Drops every decrypted key (the next connection asks again). */
  clear(): void {
    this.keys.clear();
  }

  private async decrypt(keyPath: string, digest: string, data: Buffer, ask: AskPassphrase): Promise<KeyResult> {
    let problem: string | null = null;
    for (let attempt = 1; attempt <= MAX_PASSPHRASE_TRIES; attempt += 1) {
      const passphrase = await ask(keyPath, problem);
      if (passphrase === null) {
        return { ok: false, error: `no passphrase was given for ${keyPath}` };
      }
      const key = parse(data, passphrase);
      if (!(key instanceof Error)) return this.remember(keyPath, digest, key);
      problem = `wrong passphrase for ${keyPath} (attempt ${attempt} of ${MAX_PASSPHRASE_TRIES})`;
    }
    return { ok: false, error: `wrong passphrase for ${keyPath} (${MAX_PASSPHRASE_TRIES} tries)` };
  }

  private remember(keyPath: string, digest: string, key: ParsedKey): KeyResult {
    this.keys.set(keyPath, { digest, key });
    return { ok: true, key };
  }
}
