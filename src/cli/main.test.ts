import { describe, expect, it } from 'vitest';
import { helpText, run } from './main';
import { testIO } from './testing/test-io';
import { VERSION } from './version';

describe('pond CLI dispatcher', () => {
  it('lists every command in --help and exits 0', async () => {
    const io = testIO();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.stdout()).toBe(helpText());
    expect(io.stdout()).toMatch(/^\s+serve\s+serve the Pond Desktop UI/m);
  });

  it('prints usage and exits 2 without a command', async () => {
    const io = testIO();
    expect(await run([], io)).toBe(2);
    expect(io.stdout()).toContain('usage: pond <command>');
  });

  it('prints the version', async () => {
    const io = testIO();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.stdout()).toBe(`${VERSION}\n`);
  });

  it('names an unknown command', async () => {
    const io = testIO();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(io.stderr()).toContain('pond: unknown command "frobnicate"');
  });

  it('shows a command usage for --help anywhere on the line', async () => {
    const io = testIO();
    expect(await run(['serve', '--port', '1', '--help'], io)).toBe(0);
    expect(io.stdout()).toContain('usage: pond serve [--port N]');
  });

  it('turns a bad flag into a usage error naming it, exit 2', async () => {
    const io = testIO();
    expect(await run(['serve', '--bogus'], io)).toBe(2);
    expect(io.stderr()).toContain("pond serve: Unknown option '--bogus'");
    const port = testIO();
    expect(await run(['serve', '--port', '70000'], port)).toBe(2);
    expect(port.stderr()).toContain('--port must be between 1 and 65535');
  });
});
