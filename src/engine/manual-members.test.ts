import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PondError } from '../lib/errors';
import { ManualMembers, validateManualMember, type ManualMemberInput } from './manual-members';
import { openConfBackend, SettingsStore } from './settings-store';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-manual-'));
  fs.mkdirSync(path.join(root, 'home', '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(root, 'home', '.ssh', 'id_ed25519'), 'key');
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const base: ManualMemberInput = { pond: 'Alpha Pond', slug: 'DB', host: 'db.lan', user: 'ops' };

function members(ids = ['man_a', 'man_b', 'man_c', 'man_d']): ManualMembers {
  let n = 0;
  const store = new SettingsStore(openConfBackend(path.join(root, 'settings')));
  return new ManualMembers(store, {
    now: () => new Date('2026-06-10T12:00:00Z'),
    newId: () => ids[n++] ?? `man_${n}`,
    home: path.join(root, 'home'),
    fileExists: (f) => fs.existsSync(f),
  });
}

describe('validateManualMember', () => {
  it('normalizes names, defaults the port to 22 and the key to the agent', () => {
    expect(validateManualMember(base)).toEqual({
      ok: true,
      value: { pond: 'alpha-pond', slug: 'db', host: 'db.lan', port: 22, user: 'ops', ports: [] },
    });
  });

  it('accepts IPv6 (brackets dropped), a string port, ~/ keys and crabbox-style --expose values', () => {
    const result = validateManualMember(
      { ...base, host: '[fd00::5]', port: ' 2222 ', identityFile: '~/.ssh/id_ed25519', expose: ['8080,9090', '80'] },
      { home: path.join(root, 'home'), fileExists: fs.existsSync },
    );
    expect(result).toEqual({
      ok: true,
      value: { pond: 'alpha-pond', slug: 'db', host: 'fd00::5', port: 2222, user: 'ops', identityFile: path.join(root, 'home', '.ssh', 'id_ed25519'), ports: [80, 8080, 9090] },
    });
  });

  it('names every bad field, using crabbox messages for pond, slug and expose', () => {
    const result = validateManualMember({ pond: '!!', slug: 'x'.repeat(42), host: 'bad host', port: '70000', user: '-oProxyCommand=x', identityFile: 'relative/key', expose: ['80 90'] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { field: 'pond', message: '--pond must contain at least one letter or digit', form: '"!!" has no letter or digit; a pond name needs one.' },
      {
        field: 'slug',
        message: '--slug must be 41 characters or fewer after normalization',
        form: 'A member name can be at most 41 characters long (spaces and symbols count as one dash).',
      },
      { field: 'host', message: expect.stringContaining('host "bad host" must be a host name or IP address'), form: expect.stringMatching(/^"bad host" is not a host name or IP address: /) },
      { field: 'port', message: 'port "70000" must be a TCP port in 1..65535 (SSH is usually 22)', form: '"70000" is not a port: use a number from 1 to 65535 (SSH is usually 22).' },
      { field: 'user', message: expect.stringContaining('user "-oProxyCommand=x" must be a login name'), form: expect.stringMatching(/^"-oProxyCommand=x" is not a login name: /) },
      {
        field: 'identityFile',
        message: expect.stringContaining('identityFile "relative/key" must be an absolute path'),
        form: 'Give the full path of a private key, e.g. ~/.ssh/id_ed25519, or leave this empty to use the SSH agent.',
      },
      { field: 'expose', message: '--expose "80 90" must be a TCP port in 1..65535', form: '"80 90" is not a port: use numbers from 1 to 65535, separated by commas.' },
    ]);
    // The form's words name no flag and no field.
    for (const error of result.errors) expect(error.form).not.toMatch(/--|identityFile/);
  });

  const refusals: [Partial<ManualMemberInput>, string, string, string][] = [
    [{ pond: '' }, 'pond', '--pond is required', 'Enter the pond this host belongs to, e.g. alpha.'],
    [{ slug: ' ' }, 'slug', '--slug is required', 'Enter a name for this member, e.g. web.'],
    [{ host: '' }, 'host', 'host is required', 'Enter the name or IP address of the SSH server'],
    [{ host: 'ops@db' }, 'host', 'put the login name in user', 'put the login name under User'],
    [{ host: '-oProxyCommand=x' }, 'host', 'must be a host name', 'is not a host name or IP address'],
    [{ user: '' }, 'user', 'user is required', 'Enter the login name on the host'],
    [{ port: 0 }, 'port', 'must be a TCP port', '"0" is not a port'],
    [{ port: '22x' }, 'port', 'must be a TCP port', '"22x" is not a port'],
    [{ expose: [''] }, 'expose', '--expose value must not be empty', 'Enter ports separated by commas'],
    [{ expose: Array.from({ length: 11 }, (_, i) => String(i + 1)) }, 'expose', '--expose accepts at most 10 distinct ports per lease', 'At most 10 different ports.'],
    [{ identityFile: '/nope/key' }, 'identityFile', 'does not exist', 'There is no file at /nope/key'],
  ];
  it.each(refusals)('%j is refused on %s', (patch, field, text, form) => {
    const result = validateManualMember({ ...base, ...patch }, { fileExists: fs.existsSync });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field)).toEqual([field]);
      expect(result.errors[0]?.message).toContain(text);
      expect(result.errors[0]?.form).toContain(form);
    }
  });
});

describe('ManualMembers over the settings file', () => {
  it('adds, lists, edits and removes', () => {
    const m = members();
    const added = m.add({ ...base, expose: ['5432'] });
    expect(added).toEqual({
      ok: true,
      member: { id: 'man_a', pond: 'alpha-pond', slug: 'db', host: 'db.lan', port: 22, user: 'ops', ports: [5432], addedAt: '2026-06-10T12:00:00.000Z' },
    });
    expect(m.list()).toHaveLength(1);

    const edited = m.update('man_a', { port: 2200, identityFile: '~/.ssh/id_ed25519', expose: [] });
    expect(edited.ok && edited.member).toMatchObject({ id: 'man_a', port: 2200, ports: [], identityFile: path.join(root, 'home', '.ssh', 'id_ed25519'), addedAt: '2026-06-10T12:00:00.000Z' });
    const agent = m.update('man_a', { identityFile: '' });
    expect(agent.ok && 'identityFile' in agent.member).toBe(false);

    expect(m.find('man_a')?.slug).toBe('db');
    expect(m.find('Alpha Pond/DB')?.id).toBe('man_a');
    expect(m.find('alpha-pond/nope')).toBeUndefined();

    expect(m.remove('man_a').id).toBe('man_a');
    expect(m.list()).toEqual([]);
  });

  it('keeps the data in the settings file, readable by a second store (the CLI and the app)', () => {
    members().add(base);
    const again = new SettingsStore(openConfBackend(path.join(root, 'settings')));
    expect(again.get('manualMembers').map((x) => x.slug)).toEqual(['db']);
    const raw = JSON.parse(fs.readFileSync(path.join(root, 'settings', 'config.json'), 'utf8')) as { manualMembers: unknown[] };
    expect(raw.manualMembers).toHaveLength(1);
  });

  it('refuses a duplicate pond + slug, on add and on edit, and keeps the list unchanged', () => {
    const m = members();
    m.add(base);
    const dup = m.add({ ...base, pond: 'alpha-pond', slug: 'db', host: 'other' });
    expect(dup).toEqual({
      ok: false,
      errors: [
        {
          field: 'slug',
          message: 'pond "alpha-pond" already has a hand-added member "db" (ops@db.lan:22); choose another slug or edit that member',
          form: 'Pond alpha-pond already has a hand-added member "db" (ops@db.lan:22): choose another name, or edit that member.',
        },
      ],
    });
    m.add({ ...base, slug: 'web' });
    const clash = m.update('man_b', { slug: 'DB' });
    expect(clash.ok).toBe(false);
    expect(m.list().map((x) => x.slug)).toEqual(['db', 'web']);
    // The same slug in another pond is fine; editing a member without renaming it is fine.
    expect(m.add({ ...base, pond: 'beta' }).ok).toBe(true);
    expect(m.update('man_a', { host: 'db2.lan' }).ok).toBe(true);
  });

  it('does not store invalid input', () => {
    const m = members();
    expect(m.add({ ...base, host: '' }).ok).toBe(false);
    expect(m.list()).toEqual([]);
  });

  it('says NOT_FOUND for an unknown id', () => {
    const m = members();
    expect(() => m.update('man_x', { host: 'a' })).toThrow(PondError);
    const error = (() => {
      try {
        m.remove('man_x');
      } catch (e) {
        return e as PondError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('NOT_FOUND');
    expect(error?.message).toContain('man_x');
  });

  it('never reuses an id', () => {
    const m = members(['man_a', 'man_a', 'man_b']);
    expect(m.add(base).ok && m.list()[0]?.id).toBe('man_a');
    const second = m.add({ ...base, slug: 'web' });
    expect(second.ok && second.member.id).toBe('man_b');
  });
});
