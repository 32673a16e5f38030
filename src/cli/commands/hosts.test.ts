import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDataDir } from '../../lib/paths';
import { run } from '../main';
import { testIO, type TestIO } from '../testing/test-io';

const newIO = (): TestIO => testIO();

async function cli(io: TestIO, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const [o, e] = [io.stdout().length, io.stderr().length];
  const code = await run(['hosts', ...argv], io);
  return { code, out: io.stdout().slice(o), err: io.stderr().slice(e) };
}

describe('pond hosts', () => {
  it('adds, lists, edits and removes hand-added hosts in the app settings file', async () => {
    const io = newIO();
    const key = path.join(io.root, 'home', 'id_test');
    fs.mkdirSync(path.dirname(key), { recursive: true });
    fs.writeFileSync(key, 'k');

    const added = await cli(io, 'add', '--expose', '8080,9090', '--pond', 'Alpha', '--slug', 'Web', '--host', 'web.lan', '--user', 'ops', '--port', '2222');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^added alpha\/web\tman_[0-9a-f]{12}\tssh:\/\/ops@web\.lan:2222\tssh-agent\tports 8080,9090\n$/);
    const settings = JSON.parse(fs.readFileSync(path.join(appDataDir(io.pathEnv), 'config.json'), 'utf8'));
    expect(settings.manualMembers).toHaveLength(1);
    const id = settings.manualMembers[0].id as string;

    const listed = await cli(io, 'list');
    expect(listed.out).toBe(`alpha/web\t${id}\tssh://ops@web.lan:2222\tssh-agent\tports 8080,9090\n`);
    const json = JSON.parse((await cli(io, 'list', '--json')).out);
    expect(json.hosts[0]).toMatchObject({ id, pond: 'alpha', slug: 'web', host: 'web.lan', port: 2222, user: 'ops', ports: [8080, 9090] });

    const edited = await cli(io, 'edit', 'alpha/web', '--identity-file', key, '--no-expose');
    expect(edited.code).toBe(0);
    expect(edited.out).toBe(`updated alpha/web\t${id}\tssh://ops@web.lan:2222\tkey ${key}\tno exposed ports\n`);
    expect((await cli(io, 'edit', id, '--agent')).out).toContain('ssh-agent');

    const removed = await cli(io, 'remove', id);
    expect(removed.out).toBe(`removed alpha/web\t${id}\tssh://ops@web.lan:2222\tssh-agent\tno exposed ports\n`);
    expect((await cli(io, 'list')).out).toBe('no hand-added hosts; add one with `pond hosts add`\n');
  });

  it('refuses invalid input naming every bad field, exit 2, storing nothing', async () => {
    const io = newIO();
    const result = await cli(io, 'add', '--pond', '!!', '--host', 'a b', '--expose', '0', '--port', 'x');
    expect(result.code).toBe(2);
    expect(result.err.split('\n').filter(Boolean)).toEqual([
      'pond hosts add: --pond must contain at least one letter or digit',
      'pond hosts add: --slug is required: the member name shown in the pond, e.g. web',
      'pond hosts add: host "a b" must be a host name or IP address (letters, digits, ".", "-", ":"), e.g. build-1.example.com or 10.0.0.5',
      'pond hosts add: port "x" must be a TCP port in 1..65535 (SSH is usually 22)',
      'pond hosts add: user is required: the login name on the host',
      'pond hosts add: --expose "0" must be a TCP port in 1..65535',
    ]);
    expect((await cli(io, 'list', '--json')).out).toBe('{"hosts":[]}\n');
  });

  it('refuses a duplicate pond + slug', async () => {
    const io = newIO();
    expect((await cli(io, 'add', '--pond', 'a', '--slug', 'web', '--host', 'h1', '--user', 'u')).code).toBe(0);
    const dup = await cli(io, 'add', '--pond', 'A', '--slug', 'WEB', '--host', 'h2', '--user', 'u');
    expect(dup.code).toBe(2);
    expect(dup.err).toContain('pond "a" already has a hand-added member "web" (u@h1:22)');
  });

  it('resolves a relative identity file against the working directory', async () => {
    const io = newIO();
    fs.writeFileSync(path.join(io.cwd, 'key'), 'k');
    const added = await cli(io, 'add', '--pond', 'a', '--slug', 'web', '--host', 'h', '--user', 'u', '--identity-file', 'key');
    expect(added.code).toBe(0);
    expect(added.out).toContain(`key ${path.join(io.cwd, 'key')}`);
  });

  it('explains usage mistakes and unknown hosts', async () => {
    const io = newIO();
    expect((await cli(io)).err).toContain('pond hosts needs a subcommand: list, add, edit or remove');
    expect((await cli(io, 'frob')).err).toContain('unknown subcommand "frob"');
    expect((await cli(io, 'remove')).code).toBe(2);
    const missing = await cli(io, 'remove', 'man_nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no hand-added host "man_nope"');
    expect((await cli(io, 'edit', 'x/y', '--agent', '--identity-file', '/k')).err).toContain('either --identity-file or --agent');
  });
});
