import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { base32NoPad, ownerIdentity, pondTagOwner, pondTailscaleTag } from './owner-tag';
import { systemGitEmail } from './system';

describe('pondTagOwner / pondTailscaleTag (spec §7.1)', () => {
  it('matches the spec examples', () => {
    expect(pondTailscaleTag('alice@example.com', 'pr-42')).toBe('tag:cbx-pond-alice-pr-42');
    expect(pondTailscaleTag('yossi.eliaz@incredibuild.com', 'Alpha Pond')).toBe('tag:cbx-pond-xyuoqa6-alpha-pond');
    expect(pondTailscaleTag('', 'alpha')).toBe('tag:cbx-pond-user-alpha');
    expect(pondTagOwner('a@b')).toBe('a');
  });

  it('normalizes and truncates owners like crabbox (TestPondTagOwnerTruncatesAndNormalizes)', () => {
    expect(pondTagOwner('   ')).toBe('');
    expect(pondTagOwner('!!')).toBe('');
    expect(pondTagOwner(' Bob.Smith@x ')).toMatch(/^[a-z2-7]{7}$/);
    const a = pondTagOwner('alexander.hamilton@example.com');
    const b = pondTagOwner('alexander.hamiltom@example.com');
    expect(a).toMatch(/^[a-z2-7]{7}$/);
    expect(a).toBe(pondTagOwner('alexander.hamilton@example.com'));
    expect(a).not.toBe(b);
    expect(pondTagOwner('Carol_Q@x')).toBe('carol-q');
    expect(pondTagOwner('@lead')).toBe('lead');
  });

  it('leaves the tag out for a blank pond and keeps within 62 characters', () => {
    expect(pondTailscaleTag('alice', '  ')).toBe('');
    expect(pondTailscaleTag('someone.with.a.long.name@example.com', 'a'.repeat(41)).length).toBeLessThanOrEqual(62);
  });

  it('encodes base32 with the RFC 4648 alphabet and no padding', () => {
    expect(base32NoPad(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32NoPad(Buffer.from('f'))).toBe('MY');
    expect(base32NoPad(Buffer.alloc(0))).toBe('');
  });
});

describe('ownerIdentity', () => {
  const noGit = async () => {
    throw new Error('git must not be asked');
  };

  it('takes the first non-blank of CRABBOX_OWNER, GIT_AUTHOR_EMAIL, GIT_COMMITTER_EMAIL', async () => {
    expect(await ownerIdentity({ env: { CRABBOX_OWNER: ' o@x ', GIT_AUTHOR_EMAIL: 'a@x' }, gitEmail: noGit })).toBe('o@x');
    expect(await ownerIdentity({ env: { CRABBOX_OWNER: ' ', GIT_AUTHOR_EMAIL: 'a@x' }, gitEmail: noGit })).toBe('a@x');
    expect(await ownerIdentity({ env: { GIT_COMMITTER_EMAIL: 'c@x' }, gitEmail: noGit })).toBe('c@x');
  });

  const home = mkdtempSync(path.join(os.tmpdir(), 'pond-owner-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };

  it('falls back to `git config --get user.email` in the repository', async () => {
    const repo = path.join(home, 'repo');
    execFileSync('git', ['init', '-q', repo], { env });
    execFileSync('git', ['-C', repo, 'config', 'user.email', '  dev@example.com '], { env });
    const identity = await ownerIdentity({ env, gitEmail: systemGitEmail({ env, home, cwd: repo }) });
    expect(identity).toBe('dev@example.com');
    expect(pondTailscaleTag(identity, 'alpha')).toBe('tag:cbx-pond-dev-alpha');
  });

  it('is empty when git has no email (the tag owner becomes "user")', async () => {
    const empty = path.join(home, 'empty');
    execFileSync('git', ['init', '-q', empty], { env });
    const identity = await ownerIdentity({ env, gitEmail: systemGitEmail({ env, home, cwd: empty }) });
    expect(identity).toBe('');
    expect(pondTailscaleTag(identity, 'alpha')).toBe('tag:cbx-pond-user-alpha');
  });
});
