import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimText, sampleClaim, writeBrokenClaims, writeClaims } from './testing/claims-fixtures';
import { listClaims, nodeClaimsFs, parseClaimBytes, readClaimEntry, validLeaseClaimID, type ClaimsFs } from './claims';
import { claimsDir } from '../lib/paths';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-claims-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** As root, chmod 000 does not stop a read, so unreadable files are made so by injection. */
function failingReads(names: readonly string[], code = 'EACCES'): ClaimsFs {
  return {
    ...nodeClaimsFs,
    read: async (file, limit) => {
      if (names.includes(path.basename(file))) throw Object.assign(new Error(`${code}: permission denied, open '${file}'`), { code });
      return nodeClaimsFs.read(file, limit);
    },
  };
}

function digestTree(dir: string): string {
  const hash = createHash('sha256');
  // Buffer names: one fixture name is not valid UTF-8.
  for (const name of fs.readdirSync(dir, { encoding: 'buffer' }).sort(Buffer.compare)) {
    const file = Buffer.concat([Buffer.from(`${dir}/`), name]);
    const st = fs.lstatSync(file);
    hash.update(`${name}:${st.mode}:${st.size}:${st.mtimeMs}\n`);
    if (st.isFile()) hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

describe('validLeaseClaimID (crabbox rules)', () => {
  it.each(['cbx_0a1b2c3d4e5f', 'isb_abc', 'e2b_sbx-1', 'static_10-0-0-5', 'a.b', 'console', 'COM10', 'LPT0', 'CONX', 'x y', 'é'])('accepts %j', (id) => {
    expect(validLeaseClaimID(id)).toBe(true);
  });

  it.each([
    '', '.', '..', 'a<b', 'a>b', 'a:b', 'a"b', 'a/b', 'a\\b', 'a|b', 'a?b', 'a*b', 'a\u0000b', 'a\u001fb', 'a\tb',
    'trailing.', ' lead', 'trail ', 'nbsp\u00a0', '\u0085nel', '\u3000wide',
    'CON', 'con', 'Prn', 'aux.json', 'NUL.x', 'COM1', 'com9.tar', 'LPT1', 'lpt9',
  ])('refuses %j', (id) => {
    expect(validLeaseClaimID(id)).toBe(false);
  });

  it('trims like Go (U+FEFF is not space in Go), not like JS', () => {
    expect(validLeaseClaimID('\ufeffid')).toBe(true);
  });
});

describe('parseClaimBytes order of checks', () => {
  const parse = (text: string, name = 'cbx_1.json') => parseClaimBytes(`/c/${name}`, name, 'sig', Buffer.from(text));

  it('parses a claim crabbox wrote', () => {
    const entry = parse(claimText({ ...sampleClaim(1), leaseID: 'cbx_1' }));
    expect(entry.kind).toBe('claim');
    if (entry.kind === 'claim') {
      expect(entry.claim.leaseID).toBe('cbx_1');
      expect(entry.claim.claim.provider).toBe('aws');
      expect(entry.claim.claim.sshPort).toBe(2222);
    }
  });

  it('ignores unknown keys and treats null as absent, like Go', () => {
    const entry = parse('{"leaseID":"cbx_1","future":{"x":1},"slug":null,"sshPort":null,"labels":null}');
    expect(entry.kind).toBe('claim');
    if (entry.kind === 'claim') expect(entry.claim.claim.slug).toBe('');
  });

  it('reports a wrong type before an empty lease ID, and an empty lease ID before a misfiled one', () => {
    expect(parse('{"leaseID":"","sshPort":"x"}')).toMatchObject({ kind: 'problem', problem: { code: 'invalid-field' } });
    expect(parse('{"leaseID":""}')).toMatchObject({ kind: 'problem', problem: { code: 'empty-lease-id' } });
    expect(parse('{"leaseID":"other"}')).toMatchObject({ kind: 'problem', problem: { code: 'misfiled' } });
  });

  it('names the file, the field and what to do', () => {
    const entry = parse('{"leaseID":"cbx_1","sshPort":"22"}');
    if (entry.kind !== 'problem') throw new Error('expected a problem');
    expect(entry.problem.file).toBe('/c/cbx_1.json');
    expect(entry.problem.message).toContain('/c/cbx_1.json');
    expect(entry.problem.message).toContain('sshPort');
    expect(entry.problem.message).toMatch(/move the file out of the claims directory/);
    const misfiled = parse('{"leaseID":"cbx_2"}');
    if (misfiled.kind !== 'problem') throw new Error('expected a problem');
    expect(misfiled.problem.message).toContain('contains lease id "cbx_2"');
    expect(misfiled.problem.message).toContain('cbx_2.json');
  });

  it('reports a claim with an absurdly long slug or pond as a problem naming the file, never as a member', () => {
    const slug = parse(JSON.stringify({ leaseID: 'cbx_1', slug: 'a'.repeat(800_000), pond: 'alpha' }));
    expect(slug).toMatchObject({
      kind: 'problem',
      problem: {
        file: '/c/cbx_1.json',
        code: 'invalid-field',
        message: 'claim file /c/cbx_1.json has a slug 800000 characters long (crabbox makes them at most 41), so it is not shown. Shorten the slug or move the file out of the claims directory.',
      },
    });
    expect(parse(JSON.stringify({ leaseID: 'cbx_1', pond: 'p'.repeat(256) }))).toMatchObject({ kind: 'problem', problem: { message: expect.stringContaining('has a pond 256 characters long') } });
    expect(parse(JSON.stringify({ leaseID: 'cbx_1', slug: 'a'.repeat(255), pond: 'alpha' }))).toMatchObject({ kind: 'claim' });
  });

  it('refuses a byte-order mark like Go does', () => {
    expect(parse(`\uFEFF{"leaseID":"cbx_1"}`)).toMatchObject({ kind: 'problem', problem: { code: 'invalid-json' } });
  });
});

describe('listClaims', () => {
  it('finds the claims directory where crabbox keeps it', () => {
    const env = { HOME: '/h', XDG_STATE_HOME: '' };
    expect(claimsDir({ platform: 'linux', env, home: '/h' })).toBe('/h/.config/crabbox/state/claims');
    expect(claimsDir({ platform: 'linux', env: { ...env, XDG_CONFIG_HOME: '/x' }, home: '/h' })).toBe('/x/crabbox/state/claims');
    expect(claimsDir({ platform: 'linux', env: { ...env, XDG_STATE_HOME: '/s' }, home: '/h' })).toBe('/s/crabbox/claims');
    expect(claimsDir({ platform: 'darwin', env: { ...env, XDG_CONFIG_HOME: '/x' }, home: '/h' })).toBe('/h/Library/Application Support/crabbox/state/claims');
    expect(claimsDir({ platform: 'darwin', env: { XDG_STATE_HOME: '/s' }, home: '/h' })).toBe('/s/crabbox/claims');
    expect(claimsDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\crabbox\\state\\claims',
    );
  });

  it('reports an absent directory as a state, not a problem', async () => {
    const listing = await listClaims(path.join(root, 'nope'));
    expect(listing).toEqual({ dir: path.join(root, 'nope'), state: 'absent', claims: [], problems: [] });
  });

  it('reports a file in place of the directory as a problem naming it', async () => {
    const file = path.join(root, 'claims');
    fs.writeFileSync(file, 'x');
    const listing = await listClaims(file);
    expect(listing.state).toBe('unreadable');
    expect(listing.problems).toEqual([expect.objectContaining({ file, code: 'unreadable' })]);
    expect(listing.problems[0]?.message).toContain('not a directory');
  });

  it('treats a file that vanished after the listing as gone, not as a problem', async () => {
    const fsGone: ClaimsFs = { ...nodeClaimsFs, read: async () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })) };
    expect(await readClaimEntry(root, { name: 'cbx_1.json', kind: 'file' }, fsGone)).toEqual({ kind: 'gone', name: 'cbx_1.json' });
  });

  it('lists claims sorted by file name (byte order)', async () => {
    const dir = path.join(root, 'claims');
    fs.mkdirSync(dir);
    for (const id of ['b', 'B', 'a', 'é', '_x']) fs.writeFileSync(path.join(dir, `${id}.json`), claimText({ leaseID: id, pond: 'p' }));
    const listing = await listClaims(dir);
    expect(listing.claims.map((c) => c.leaseID)).toEqual(['B', '_x', 'a', 'b', 'é']);
    expect(listing.problems).toEqual([]);
  });

  it('integration: 1,000 valid claims and 50 broken files of every kind', async () => {
    const dir = path.join(root, 'state', 'crabbox', 'claims');
    writeClaims(dir, 1000);
    const { broken, unreadable } = writeBrokenClaims(dir);
    expect(broken).toHaveLength(50);
    const before = digestTree(dir);

    const listing = await listClaims(dir, failingReads(unreadable));

    expect(listing.state).toBe('present');
    expect(listing.claims).toHaveLength(1000);
    expect(listing.claims.map((c) => c.leaseID)).toEqual(
      Array.from({ length: 1000 }, (_, i) => sampleClaim(i).leaseID),
    );
    const byName = new Map(listing.problems.map((p) => [path.basename(p.file), p]));
    expect(listing.problems).toHaveLength(50);
    for (const { name, code } of broken) {
      const problem = byName.get(name);
      expect(problem, name).toBeDefined();
      expect(problem?.code, name).toBe(code);
      expect(problem?.message, name).toContain(path.join(dir, name));
    }
    const codes = new Set(listing.problems.map((p) => p.code));
    expect([...codes].sort()).toEqual(
      ['empty-lease-id', 'invalid-field', 'invalid-json', 'invalid-lease-id', 'invalid-utf8', 'misfiled', 'not-a-file', 'symlink', 'too-large', 'unreadable'],
    );
    // Directories, other extensions and crabbox's temp files are not claims and not problems.
    for (const name of ['subdir.json', 'notes.txt', '.cbx_000000000001.json.tmp-99', 'real_target.txt']) expect(byName.has(name)).toBe(false);
    // We only ever read crabbox's files.
    expect(digestTree(dir)).toBe(before);
  });

  it('says which read failed for an unreadable file', async () => {
    const dir = path.join(root, 'claims');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cbx_1.json'), claimText({ leaseID: 'cbx_1' }));
    fs.writeFileSync(path.join(dir, 'cbx_2.json'), claimText({ leaseID: 'cbx_2' }));
    const listing = await listClaims(dir, failingReads(['cbx_1.json'], 'EIO'));
    expect(listing.claims.map((c) => c.leaseID)).toEqual(['cbx_2']);
    expect(listing.problems[0]).toMatchObject({ code: 'unreadable', file: path.join(dir, 'cbx_1.json') });
    expect(listing.problems[0]?.message).toContain('EIO');
  });
});
