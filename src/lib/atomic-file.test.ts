import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceFile } from './atomic-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pond-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

describe('replaceFile', () => {
  it('creates a new file 0600 and replaces an existing one, leaving nothing else behind', async () => {
    const file = path.join(dir, 'env');
    await replaceFile(file, 'one\n');
    expect(readFileSync(file, 'utf8')).toBe('one\n');
    expect(mode(file)).toBe(0o600);
    await replaceFile(file, 'two\n');
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['env']);
  });

  it('keeps the mode of the file it replaces unless told one', async () => {
    const file = path.join(dir, 'known_hosts');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    await replaceFile(file, 'new\n');
    expect(mode(file)).toBe(0o640);
    await replaceFile(file, 'newer\n', 0o600);
    expect(mode(file)).toBe(0o600);
  });

  it('leaves no temp file and the old content when the write fails', async () => {
    const target = path.join(dir, 'hosts');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'kept');
    await expect(replaceFile(target, 'body')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['hosts']);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
  });
});
