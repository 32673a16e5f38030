import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir';

let fromHook = '';
const made: string[] = [];

describe('tempDir', () => {
  beforeEach(() => {
    fromHook = tempDir('pond-temp-hook-');
    made.push(fromHook);
  });

  it('makes a directory in a test and in a beforeEach', () => {
    const dir = tempDir('pond-temp-');
    made.push(dir);
    fs.writeFileSync(`${dir}/file`, 'x');
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(fs.statSync(fromHook).isDirectory()).toBe(true);
  });

  it('has removed both once that test finished', () => {
    expect(made.slice(0, 2).map((d) => fs.existsSync(d))).toEqual([false, false]);
  });
});
