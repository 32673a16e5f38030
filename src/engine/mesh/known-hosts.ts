/**
 * OpenSSH known_hosts, as crabbox uses it with `StrictHostKeyChecking=accept-new` (spec
 * §1.6): a key already listed for the host is accepted, an unknown host is trusted on first
 * use and appended, a different key for a listed host is refused, and `@revoked` keys are
 * refused everywhere. Hashed entries (`|1|salt|hash`, what Debian's ssh writes by default),
 * `[host]:port` names for ports other than 22, comma lists, wildcards and negation are read
 * the way OpenSSH reads them; `@cert-authority` lines are ignored (no certificate support).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import PQueue from 'p-queue';
import { replaceFile } from '../../lib/atomic-file';

export type HostKeyVerdict =
  | { verdict: 'known' }
  | { verdict: 'unknown' }
  | {
      verdict: 'changed';
      /** Fingerprints the file holds for this host, preferring keys of the presented type. */
      knownFingerprints: string[];
      presentedFingerprint: string;
      presentedType: string;
    }
  | { verdict: 'revoked'; presentedFingerprint: string; presentedType: string };

type HostMatcher = { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };

interface KeyEntry {
  marker: 'revoked' | 'cert-authority' | null;
  hosts: HostMatcher;
  keyType: string;
  key: Buffer;
}

/** The ssh2 host key algorithms, in ssh2's default order; known types get moved first. */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH wire-format public key blob (its first string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const length = key.readUInt32BE(0);
  if (length > key.length - 4 || length > 64) return '';
  return key.subarray(4, 4 + length).toString('latin1');
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

function parseHosts(field: string): HostMatcher | null {
  if (field.startsWith('|1|')) {
    const [, , salt64, hash64] = field.split('|');
    if (!salt64 || !hash64) return null;
    const salt = Buffer.from(salt64, 'base64');
    const hash = Buffer.from(hash64, 'base64');
    if (salt.length === 0 || hash.length !== 20) return null;
    return { kind: 'hashed', salt, hash };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  return patterns.length > 0 ? { kind: 'patterns', patterns } : null;
}

/** One known_hosts line, or null for blanks, comments and lines OpenSSH would skip too. */
function parseLine(line: string): KeyEntry | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const fields = trimmed.split(/[ \t]+/);
  let marker: KeyEntry['marker'] = null;
  if (fields[0]?.startsWith('@')) {
    const m = fields.shift();
    if (m === '@revoked') marker = 'revoked';
    else if (m === '@cert-authority') marker = 'cert-authority';
    else return null;
  }
  const [hostField, keyType, key64] = fields;
  if (!hostField || !keyType || !key64) return null;
  const hosts = parseHosts(hostField);
  if (!hosts) return null;
  const key = Buffer.from(key64, 'base64');
  if (keyTypeOf(key) !== keyType) return null;
  return { marker, hosts, keyType, key };
}

/** OpenSSH's match_pattern: `*` any run, `?` one character. */
function globMatch(pattern: string, text: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's').test(text);
}

function hostsMatch(hosts: HostMatcher, token: string): boolean {
  if (hosts.kind === 'hashed') {
    const digest = createHmac('sha1', hosts.salt).update(token).digest();
    return timingSafeEqual(digest, hosts.hash);
  }
  let positive = false;
  for (const raw of hosts.patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (globMatch(pattern, token)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

function entriesFor(text: string, host: string, port: number): KeyEntry[] {
  const token = hostToken(host, port);
  const found: KeyEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const entry = parseLine(line);
    if (entry && hostsMatch(entry.hosts, token)) found.push(entry);
  }
  return found;
}

/**
 * The verdict for `key` presented by `host:port`. Any listed key that differs makes it
 * `changed`: the session asks for known key types first (see `hostKeyAlgorithmsFor`), so a
 * genuine server always presents a listed key.
 */
export function checkHostKey(text: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const entries = entriesFor(text, host, port);
  const presentedType = keyTypeOf(key);
  if (entries.some((e) => e.marker === 'revoked' && e.key.equals(key))) {
    return { verdict: 'revoked', presentedFingerprint: fingerprint(key), presentedType };
  }
  const plain = entries.filter((e) => e.marker === null);
  if (plain.some((e) => e.key.equals(key))) return { verdict: 'known' };
  if (plain.length === 0) return { verdict: 'unknown' };
  const sameTypeFirst = [...plain.filter((e) => e.keyType === presentedType), ...plain.filter((e) => e.keyType !== presentedType)];
  return {
    verdict: 'changed',
    knownFingerprints: [...new Set(sameTypeFirst.map((e) => fingerprint(e.key)))],
    presentedFingerprint: fingerprint(key),
    presentedType,
  };
}

function algorithmsForKeyType(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** ssh2 `serverHostKey` order: the types listed for this host first, like OpenSSH does. */
export function hostKeyAlgorithmsFor(text: string, host: string, port: number): string[] {
  const known = entriesFor(text, host, port)
    .filter((e) => e.marker === null)
    .flatMap((e) => algorithmsForKeyType(e.keyType))
    .filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...known, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

export async function readKnownHosts(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new Error(`cannot read known_hosts file ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * known_hosts edits run one at a time (all files share the queue; edits are rare), so two
 * first connections never interleave a read with the other's write.
 */
const edits = new PQueue({ concurrency: 1 });

/** Trust on first use: appends `<host token> <type> <base64>` (dir 0700, file 0600 when created). */
export function trustHostKey(file: string, host: string, port: number, key: Buffer): Promise<void> {
  return edits.add(async () => {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const existing = await readKnownHosts(file);
    if (checkHostKey(existing, host, port, key).verdict === 'known') return;
    const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
    const line = `${hostToken(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
    // Appended, as OpenSSH does: ssh processes add to the same file, and a rewrite would drop their lines.
    await fs.appendFile(file, separator + line, { mode: 0o600 });
  });
}

/**
 * Removes the entries for `host:port` (what `ssh-keygen -R` does) so the next connection
 * trusts the host's new key. A plain line listing other hosts too keeps them. `@revoked`
 * lines stay. Returns how many entries were removed.
 */
export function forgetHostKey(file: string, host: string, port: number): Promise<number> {
  return edits.add(async () => {
    const text = await readKnownHosts(file);
    if (text === '') return 0;
    const token = hostToken(host, port);
    let removed = 0;
    const kept: string[] = [];
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry || entry.marker !== null || !hostsMatch(entry.hosts, token)) {
        kept.push(line);
        continue;
      }
      removed += 1;
      if (entry.hosts.kind === 'patterns') {
        const others = entry.hosts.patterns.filter((p) => !p.startsWith('!') && !globMatch(p.toLowerCase(), token));
        const negations = entry.hosts.patterns.filter((p) => p.startsWith('!'));
        if (others.length > 0) {
          const rest = line.trim().split(/[ \t]+/).slice(1).join(' ');
          kept.push(`${[...others, ...negations].join(',')} ${rest}`);
        }
      }
    }
    if (removed === 0) return 0;
    await replaceFile(file, kept.join('\n'));
    return removed;
  });
}
