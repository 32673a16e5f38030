/**
 * Claim files as crabbox writes them (2-space JSON + newline, atomic rename), plus one
 * broken file of every kind the reader must survive. Shared by the tests and the bench.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ProblemCode } from '../claims';

export interface ClaimFields {
  leaseID: string;
  [key: string]: unknown;
}

const PROVIDERS = ['hetzner', 'aws', 'islo', 'e2b', 'runpod', 'modal', 'blacksmith', 'gcp'];

/** A realistic claim for lease number `i`, spread over a few ponds and providers. */
export function sampleClaim(i: number, ponds = ['alpha', 'beta', 'gamma']): ClaimFields {
  const provider = PROVIDERS[i % PROVIDERS.length] as string;
  const leaseID = `cbx_${i.toString(16).padStart(12, '0')}`;
  const fields: ClaimFields = {
    leaseID,
    revision: i.toString(16).padStart(32, '0'),
    slug: `member-${i}`,
    provider,
    pond: ponds[i % ponds.length] ?? '',
    repoRoot: `/home/dev/repo-${i % 7}`,
    claimedAt: '2026-06-10T12:00:00Z',
    lastUsedAt: '2026-06-10T12:30:00Z',
    idleTimeoutSeconds: 1800,
    labels: { crabbox: 'true', provider, crabbox_exposed_ports: '8080-9090' },
  };
  if (provider === 'hetzner' || provider === 'gcp') fields.tailscaleIPv4 = `100.64.${(i >> 8) & 255}.${i & 255}`;
  if (provider === 'aws' || provider === 'runpod') {
    fields.sshHost = `10.0.${(i >> 8) & 255}.${i & 255}`;
    fields.sshPort = 2222;
  }
  return fields;
}

export function claimText(fields: ClaimFields): string {
  return `${JSON.stringify(fields, null, 2)}\n`;
}

/** Writes like crabbox: a `.<id>.json.tmp-*` file renamed over the target. */
export function writeClaimAtomic(dir: string, fields: ClaimFields, name = `${fields.leaseID}.json`): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`);
  fs.writeFileSync(tmp, claimText(fields), { mode: 0o600 });
  fs.renameSync(tmp, target);
  return target;
}

export function writeClaims(dir: string, count: number, start = 0): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let i = start; i < start + count; i++) {
    const fields = sampleClaim(i);
    fs.writeFileSync(path.join(dir, `${fields.leaseID}.json`), claimText(fields), { mode: 0o600 });
  }
}

export interface BrokenFile {
  name: string;
  code: ProblemCode;
}

const valid = (leaseID: string) => claimText({ ...sampleClaim(0), leaseID });

/**
 * Writes broken files of every kind (50 in all) and returns what each must be reported
 * as. `unreadable` files are ordinary valid claims; the caller makes reading them fail.
 */
export function writeBrokenClaims(dir: string): { broken: BrokenFile[]; unreadable: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  const broken: BrokenFile[] = [];
  const put = (name: string | Buffer, code: ProblemCode, content: string | Buffer) => {
    const target = Buffer.isBuffer(name) ? Buffer.concat([Buffer.from(`${dir}/`), name]) : path.join(dir, name);
    fs.writeFileSync(target, content);
    broken.push({ name: Buffer.isBuffer(name) ? new TextDecoder().decode(name) : name, code });
  };
  // invalid-json (8)
  put('bad_json_1.json', 'invalid-json', '{');
  put('bad_json_2.json', 'invalid-json', 'not json at all');
  put('bad_json_3.json', 'invalid-json', `\uFEFF${valid('bad_json_3')}`);
  put('bad_json_4.json', 'invalid-json', `${valid('bad_json_4')}}`);
  put('bad_json_5.json', 'invalid-json', '');
  put('bad_json_6.json', 'invalid-json', '[]');
  put('bad_json_7.json', 'invalid-json', 'null');
  put('bad_json_8.json', 'invalid-json', '"cbx"');
  // invalid-utf8 (3)
  for (let i = 1; i <= 3; i++) {
    put(`bad_utf8_${i}.json`, 'invalid-utf8', Buffer.concat([Buffer.from(`{"leaseID":"bad_utf8_${i}","slug":"`), Buffer.from([0xff, 0xfe - i]), Buffer.from('"}')]));
  }
  // invalid-field (7)
  const fieldCases: Record<string, unknown>[] = [
    { sshPort: '22' },
    { sshPort: 22.5 },
    { slug: 5 },
    { labels: { role: 1 } },
    { tailscaleTags: 'tag:a' },
    { tailscaleExitLAN: 'yes' },
    { pond: ['alpha'] },
  ];
  fieldCases.forEach((extra, i) => put(`bad_field_${i + 1}.json`, 'invalid-field', claimText({ ...sampleClaim(i), leaseID: `bad_field_${i + 1}`, ...extra })));
  // misfiled (4)
  for (let i = 1; i <= 4; i++) put(`misfiled_${i}.json`, 'misfiled', valid(`someone_else_${i}`));
  // empty-lease-id (3)
  put('empty_id_1.json', 'empty-lease-id', valid(''));
  put('empty_id_2.json', 'empty-lease-id', '{"slug":"web","pond":"alpha"}\n');
  put('empty_id_3.json', 'empty-lease-id', '{"leaseID":null,"pond":"alpha"}\n');
  // invalid-lease-id (10): names crabbox's validLeaseClaimID refuses
  for (const name of ['CON.json', 'con.backup.json', 'LPT9.json', 'x..json', ' padded.json', 'a:b.json', 'a|b.json', 'a?b.json', 'tab\there.json']) {
    put(name, 'invalid-lease-id', valid(name.slice(0, -5)));
  }
  put(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]), 'invalid-lease-id', valid('bad'));
  // too-large (2)
  put('too_large_1.json', 'too-large', valid('too_large_1').padEnd(1024 * 1024 + 1, ' '));
  put('too_large_2.json', 'too-large', `{"leaseID":"too_large_2","slug":"${'x'.repeat(2 * 1024 * 1024)}"}`);
  // symlink (4): to a valid claim, to a device, dangling, to a directory
  fs.writeFileSync(path.join(dir, 'real_target.txt'), valid('link_1'));
  const link = (name: string, to: string) => {
    fs.symlinkSync(to, path.join(dir, name));
    broken.push({ name, code: 'symlink' });
  };
  link('link_1.json', path.join(dir, 'real_target.txt'));
  link('link_2.json', '/dev/zero');
  link('link_3.json', path.join(dir, 'does-not-exist'));
  link('link_4.json', dir);
  // not-a-file (2): FIFOs, which would hang a naive read
  for (const name of ['fifo_1.json', 'fifo_2.json']) {
    execFileSync('mkfifo', [path.join(dir, name)]);
    broken.push({ name, code: 'not-a-file' });
  }
  // unreadable (7): valid files whose read the caller makes fail
  const unreadable: string[] = [];
  for (let i = 1; i <= 7; i++) {
    const name = `unreadable_${i}.json`;
    fs.writeFileSync(path.join(dir, name), valid(`unreadable_${i}`));
    broken.push({ name, code: 'unreadable' });
    unreadable.push(name);
  }
  // Not claims at all, ignored silently like crabbox does.
  fs.mkdirSync(path.join(dir, 'subdir.json'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  fs.writeFileSync(path.join(dir, '.cbx_000000000001.json.tmp-99'), '{');
  return { broken, unreadable };
}
