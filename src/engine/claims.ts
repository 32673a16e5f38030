/**
 * crabbox claim sidecars, listed the way crabbox lists them (spec §1.2) with one
 * difference: crabbox aborts the whole listing on the first bad file, Pond Desktop turns
 * each bad file into a problem and keeps every other claim. Files are only ever read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import { claimSchema, type Claim } from './claim';
import { byteCompare } from '../lib/byte-order';

/** Claims are a few hundred bytes; anything past this was not written by crabbox. */
export const MAX_CLAIM_BYTES = 1024 * 1024;

/**
 * crabbox makes slugs and pond names of at most 41 characters. Past this they cannot be a
 * directory name or a host alias anywhere, and would only flood every table they appear in.
 */
export const MAX_CLAIM_NAME_CHARS = 255;

export type ProblemCode =
  | 'invalid-json'
  | 'invalid-utf8'
  | 'invalid-field'
  | 'misfiled'
  | 'invalid-lease-id'
  | 'empty-lease-id'
  | 'too-large'
  | 'symlink'
  | 'not-a-file'
  | 'unreadable'
  | 'invalid-settings';

export interface ClaimProblem {
  /** Absolute path of the file (or directory) the problem is about. */
  file: string;
  code: ProblemCode;
  message: string;
}

export interface ListedClaim {
  file: string;
  leaseID: string;
  claim: Claim;
}

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  kind: EntryKind;
  /** False when the on-disk name is not valid UTF-8 (`name` is then a lossy rendering). */
  utf8?: boolean;
}

export interface FileStat {
  kind: EntryKind;
  size: number;
  /** Changes whenever the file is replaced or rewritten (inode, size, times). */
  signature: string;
}

export type FileRead = FileStat & {
  /** At most `limit + 1` bytes; only for regular files. */
  bytes?: Uint8Array;
};

/** The filesystem calls the reader needs; tests inject failures through this. */
export interface ClaimsFs {
  readdir(dir: string): Promise<DirEntry[]>;
  lstat(file: string): Promise<FileStat>;
  /** Reads without following a symbolic link; errors carry Node's `code` (ENOENT …). */
  read(file: string, limit: number): Promise<FileRead>;
}

function kindOf(s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryKind {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  return 'other';
}

function signatureOf(s: fs.Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function decodeName(raw: Buffer): { name: string; utf8: boolean } {
  try {
    return { name: strictUtf8.decode(raw), utf8: true };
  } catch {
    return { name: lossyUtf8.decode(raw), utf8: false };
  }
}

/**
 * O_NOFOLLOW refuses a symlink atomically where it exists; O_NONBLOCK keeps a FIFO
 * dropped into the directory from hanging the read.
 */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Synchronous calls behind an async interface: for thousands of tiny files the thread
 * pool's round trips cost several times the work itself, so the work is done inline and
 * callers yield to the event loop between slices (see `mapYielding`).
 */
export const nodeClaimsFs: ClaimsFs = {
  async readdir(dir) {
    const entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    return entries.map((e) => ({ ...decodeName(e.name), kind: kindOf(e) }));
  },
  async lstat(file) {
    const s = fs.lstatSync(file);
    return { kind: kindOf(s), size: s.size, signature: signatureOf(s) };
  },
  async read(file, limit) {
    if (fs.constants.O_NOFOLLOW === undefined) {
      const link = fs.lstatSync(file);
      if (link.isSymbolicLink()) return { kind: 'symlink', size: link.size, signature: signatureOf(link) };
    }
    let fd: number;
    try {
      fd = fs.openSync(file, OPEN_FLAGS);
    } catch (error) {
      // ELOOP: a symlink refused by O_NOFOLLOW; EISDIR/EPERM: Windows will not open a directory.
      if (!['ELOOP', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      const link = fs.lstatSync(file);
      if (kindOf(link) === 'file') throw error;
      return { kind: kindOf(link), size: link.size, signature: signatureOf(link) };
    }
    try {
      const s = fs.fstatSync(fd);
      const stat: FileStat = { kind: kindOf(s), size: s.size, signature: signatureOf(s) };
      if (stat.kind !== 'file' || s.size > limit) return stat;
      // Read up to limit + 1 so a file that grew after the stat is still caught as too large.
      const buffer = Buffer.alloc(Math.min(s.size, limit) + 1);
      let length = 0;
      while (length < buffer.length) {
        const bytesRead = fs.readSync(fd, buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      return { ...stat, bytes: buffer.subarray(0, length) };
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** Go's unicode.IsSpace, which strings.TrimSpace uses (differs from JS trim on U+0085 and U+FEFF). */
function isGoSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

function goTrimSpace(s: string): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start] ?? '')) start++;
  while (end > start && isGoSpace(chars[end - 1] ?? '')) end--;
  return chars.slice(start, end).join('');
}

const RESERVED_DEVICE_NAMES = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
]);

/** crabbox's validLeaseClaimID: a name that is a safe file name on every OS. */
export function validLeaseClaimID(id: string): boolean {
  if (id === '' || id === '.' || id === '..') return false;
  if (/[<>:"/\\|?*]/.test(id)) return false;
  for (const ch of id) if ((ch.codePointAt(0) ?? 0) < 0x20) return false;
  if (id.endsWith('.')) return false;
  if (goTrimSpace(id) !== id) return false;
  const base = (id.split('.')[0] ?? '').replace(/[a-z]/g, (c) => c.toUpperCase());
  return !RESERVED_DEVICE_NAMES.has(base);
}

/** What one directory entry turned out to be. */
export type ClaimEntry =
  | { kind: 'claim'; name: string; signature: string; text: string; claim: ListedClaim }
  | { kind: 'problem'; name: string; signature: string; problem: ClaimProblem }
  /** Not a claim file at all (directory, other extension, temp file): ignored as crabbox does. */
  | { kind: 'ignored'; name: string }
  /** Vanished between the directory listing and the read (crabbox deleted it). */
  | { kind: 'gone'; name: string };

const CRABBOX_STOPS = 'crabbox itself refuses to run pond commands while this file is there';

function problem(name: string, signature: string, file: string, code: ProblemCode, message: string): ClaimEntry {
  return { kind: 'problem', name, signature, problem: { file, code, message } };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the top level';
  return `${where}: ${issue.message}`;
}

function tooLarge(name: string, signature: string, file: string): ClaimEntry {
  return problem(name, signature, file, 'too-large',
    `claim file ${file} is larger than 1 MiB; crabbox writes claims of a few hundred bytes, so this is not one of its claims. Move it out of the claims directory.`);
}

/** Turns the bytes of `<dir>/<name>` into a claim or a problem (spec §1.2 order of checks). */
export function parseClaimBytes(file: string, name: string, signature: string, bytes: Uint8Array): ClaimEntry {
  const leaseID = name.slice(0, -'.json'.length);
  if (bytes.length > MAX_CLAIM_BYTES) return tooLarge(name, signature, file);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return problem(name, signature, file, 'invalid-utf8',
      `claim file ${file} is not valid UTF-8 text; ${CRABBOX_STOPS}. Fix the text or move the file out of the claims directory.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return problem(name, signature, file, 'invalid-json',
      `claim file ${file} is not valid JSON (${(error as Error).message}); ${CRABBOX_STOPS}. Fix the JSON or move the file out of the claims directory.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return problem(name, signature, file, 'invalid-json',
      `claim file ${file} does not hold a JSON object; ${CRABBOX_STOPS}. Fix it or move it out of the claims directory.`);
  }
  const parsed = claimSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map(describeIssue).join('; ');
    return problem(name, signature, file, 'invalid-field',
      `claim file ${file} has a field of the wrong type (${details}); ${CRABBOX_STOPS}. Fix the field or move the file out of the claims directory.`);
  }
  const claim = parsed.data;
  if (claim.leaseID === '') {
    return problem(name, signature, file, 'empty-lease-id',
      `claim file ${file} has no leaseID, so crabbox ignores it and it belongs to no pond. Add "leaseID": "${leaseID}" if it is a real lease, or remove the file.`);
  }
  if (claim.leaseID !== leaseID) {
    return problem(name, signature, file, 'misfiled',
      `claim file ${file} contains lease id ${JSON.stringify(claim.leaseID)} but is named for ${JSON.stringify(leaseID)}; crabbox refuses misfiled claims and stops its pond commands. Rename it to ${claim.leaseID}.json or move it out of the claims directory.`);
  }
  for (const field of ['slug', 'pond'] as const) {
    const length = [...claim[field]].length;
    if (length > MAX_CLAIM_NAME_CHARS) {
      return problem(name, signature, file, 'invalid-field',
        `claim file ${file} has a ${field} ${length} characters long (crabbox makes them at most 41), so it is not shown. Shorten the ${field} or move the file out of the claims directory.`);
    }
  }
  return { kind: 'claim', name, signature, text, claim: { file, leaseID, claim } };
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Checks that need only the name, in crabbox's order; undefined when the name passes. */
function checkName(dir: string, entry: DirEntry): ClaimEntry | undefined {
  const file = path.join(dir, entry.name);
  if (entry.kind === 'directory' || !entry.name.endsWith('.json')) return { kind: 'ignored', name: entry.name };
  const leaseID = entry.name.slice(0, -'.json'.length);
  if (entry.utf8 === false) {
    return problem(entry.name, '', file, 'invalid-lease-id',
      `claim file ${file} has a name that is not valid UTF-8, so no lease ID can be read from it. Rename it to <leaseID>.json or move it out of the claims directory.`);
  }
  if (!validLeaseClaimID(leaseID)) {
    return problem(entry.name, '', file, 'invalid-lease-id',
      `claim file ${file} is named for ${JSON.stringify(leaseID)}, which is not a valid lease ID, so crabbox skips it. Rename it to <leaseID>.json or move it out of the claims directory.`);
  }
  return undefined;
}

function kindProblem(dir: string, name: string, stat: FileStat): ClaimEntry | undefined {
  const file = path.join(dir, name);
  switch (stat.kind) {
    case 'file':
      return undefined;
    case 'directory':
      return { kind: 'ignored', name };
    case 'symlink':
      return problem(name, stat.signature, file, 'symlink',
        `claim file ${file} is a symbolic link; crabbox writes claims as regular files and Pond Desktop does not follow links here. Replace the link with the file it points to, or remove it.`);
    case 'other':
      return problem(name, stat.signature, file, 'not-a-file',
        `claim file ${file} is not a regular file (a pipe, socket or device). Remove it from the claims directory.`);
  }
}

/** Reads and classifies one directory entry. `entry.kind` may be a guess; the read decides. */
export async function readClaimEntry(dir: string, entry: DirEntry, claimsFs: ClaimsFs = nodeClaimsFs): Promise<ClaimEntry> {
  const named = checkName(dir, entry);
  if (named) return named;
  if (entry.kind !== 'file') {
    const early = kindProblem(dir, entry.name, { kind: entry.kind, size: 0, signature: '' });
    if (early) return early;
  }
  const file = path.join(dir, entry.name);
  let read: FileRead;
  try {
    read = await claimsFs.read(file, MAX_CLAIM_BYTES);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'gone', name: entry.name };
    return problem(entry.name, '', file, 'unreadable',
      `claim file ${file} cannot be read (${code ?? (error as Error).message}); ${CRABBOX_STOPS}. Give your user read permission on it or move it out of the claims directory.`);
  }
  const wrongKind = kindProblem(dir, entry.name, read);
  if (wrongKind) return wrongKind;
  if (read.size > MAX_CLAIM_BYTES || !read.bytes) return tooLarge(entry.name, read.signature, file);
  return parseClaimBytes(file, entry.name, read.signature, read.bytes);
}

export type DirState = 'present' | 'absent' | 'unreadable';

export interface ClaimsListing {
  dir: string;
  state: DirState;
  claims: ListedClaim[];
  problems: ClaimProblem[];
}

/** Reads the directory; `absent` and `unreadable` come back as states, never as throws. */
export async function readClaimsDir(
  dir: string,
  claimsFs: ClaimsFs = nodeClaimsFs,
): Promise<{ state: 'present'; entries: DirEntry[] } | { state: 'absent' } | { state: 'unreadable'; problem: ClaimProblem }> {
  try {
    const entries = await claimsFs.readdir(dir);
    return { state: 'present', entries: entries.sort((a, b) => byteCompare(a.name, b.name)) };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { state: 'absent' };
    const reason = code === 'ENOTDIR' ? 'it is not a directory' : `${code ?? (error as Error).message}`;
    return {
      state: 'unreadable',
      problem: {
        file: dir,
        code: 'unreadable',
        message: `the crabbox claims directory ${dir} cannot be read (${reason}), so no crabbox pond members can be shown. Give your user access to it, or move the file that is in its place aside.`,
      },
    };
  }
}

/** Longest stretch of inline file work before the event loop gets a turn. */
const SLICE_MS = 8;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `fn` over `items` in order, yielding to the event loop every few milliseconds. */
export async function mapYielding<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    out.push(await fn(item));
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  return out;
}

/** Collects the claims and problems of classified entries, in file-name order. */
export function collectEntries(dir: string, state: DirState, entries: Iterable<ClaimEntry>, extra: ClaimProblem[] = []): ClaimsListing {
  const claims: ListedClaim[] = [];
  const problems: ClaimProblem[] = [...extra];
  for (const entry of entries) {
    if (entry.kind === 'claim') claims.push(entry.claim);
    else if (entry.kind === 'problem') problems.push(entry.problem);
  }
  return { dir, state, claims, problems };
}

/** Lists every claim in `dir`, one problem per bad file, never throwing for a bad file. */
export async function listClaims(dir: string, claimsFs: ClaimsFs = nodeClaimsFs): Promise<ClaimsListing> {
  const listed = await readClaimsDir(dir, claimsFs);
  if (listed.state === 'absent') return { dir, state: 'absent', claims: [], problems: [] };
  if (listed.state === 'unreadable') return { dir, state: 'unreadable', claims: [], problems: [listed.problem] };
  const entries = await mapYielding(listed.entries, (e) => readClaimEntry(dir, e, claimsFs));
  return collectEntries(dir, 'present', entries);
}
