import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimSchema, type Claim } from '../claim';
import type { PathEnv } from '../../lib/paths';
import type { ManualMember } from '../settings-store';
import { resolveSshConfig, type CrabboxConfigResult } from './crabbox-config';
import { collectMeshMembers, resolvePondMeshMembers, type TargetsInput } from './targets';

let root: string;
let home: string;

function pe(env: Record<string, string | undefined> = {}): PathEnv {
  return { platform: 'linux', env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...env }, home };
}

function claim(fields: Record<string, unknown>): Claim {
  return claimSchema.parse({ repoRoot: '/repo', claimedAt: '2026-01-01T00:00:00Z', lastUsedAt: '2026-01-01T00:00:00Z', pond: 'alpha', ...fields });
}

function ok(env: Record<string, string | undefined> = {}): CrabboxConfigResult {
  return { ok: true, config: resolveSshConfig(pe(env), [], undefined) };
}

function touch(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'key');
  return file;
}

function leaseDir(leaseID: string): string {
  return path.join(home, '.config', 'crabbox', 'testboxes', leaseID);
}

function collect(partial: Partial<TargetsInput> & { env?: Record<string, string | undefined> }) {
  const { env, ...rest } = partial;
  return collectMeshMembers({ pond: 'alpha', claims: [], manualMembers: [], config: ok(env), pathEnv: pe(env), ...rest });
}

const ported = { labels: { crabbox_exposed_ports: '8080-9090' } };

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pond-targets-'));
  home = path.join(root, 'home');
  mkdirSync(home, { recursive: true });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('eligibility (spec §5.2)', () => {
  it('keeps SSH-mesh providers and reports the others once each, ascending', () => {
    const claims = [
      claim({ leaseID: 'cbx_000000000001', provider: 'Hetzner', slug: 'web', sshHost: '10.0.0.1', sshPort: 2222, ...ported }),
      claim({ leaseID: 'cbx_000000000002', provider: 'aws', slug: 'db', sshHost: 'db.example', sshPort: 22 }),
      claim({ leaseID: 'isb_x', provider: 'islo', slug: 'agent', ...ported }),
      claim({ leaseID: 'modal_1', provider: 'modal', slug: 'gpu' }),
      claim({ leaseID: 'modal_2', provider: 'modal', slug: 'gpu2' }),
      claim({ leaseID: 'e2b_1', provider: 'e2b', slug: 'sbx' }),
      claim({ leaseID: 'x_1', provider: 'mystery-cloud', slug: 'm' }),
      claim({ leaseID: 'cbx_000000000003', provider: 'hetzner', slug: 'other', pond: 'beta', ...ported }),
    ];
    const { members, ineligible } = collect({ claims });
    expect(ineligible).toEqual(['e2b', 'islo', 'modal', 'mystery-cloud']);
    expect(members.map((m) => [m.name, m.provider, m.leaseID])).toEqual([
      ['db', 'aws', 'cbx_000000000002'],
      ['web', 'hetzner', 'cbx_000000000001'],
    ]);
  });

  it('applies --provider after canonicalization, leaving nothing ineligible', () => {
    const claims = [
      claim({ leaseID: 'a', provider: 'docker', slug: 'one', sshHost: 'h', sshPort: 22, ...ported }),
      claim({ leaseID: 'b', provider: 'modal', slug: 'two' }),
    ];
    const { members, ineligible } = collect({ claims, provider: 'local-docker' });
    expect(members.map((m) => [m.name, m.provider])).toEqual([['one', 'local-container']]);
    expect(ineligible).toEqual([]);
  });

  it('matches the pond after normalization and ignores claims without a pond', () => {
    const claims = [
      claim({ leaseID: 'a', provider: 'aws', slug: 'one', pond: ' Alpha ' }),
      claim({ leaseID: 'b', provider: 'aws', slug: 'two', pond: '' }),
    ];
    expect(collect({ claims, pond: 'ALPHA' }).members.map((m) => m.name)).toEqual(['one']);
  });
});

describe('members and ports', () => {
  it('keeps portless members without a target and without a problem', () => {
    const { members } = collect({ claims: [claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'idle', sshHost: 'h', sshPort: 22 })] });
    expect(members).toEqual([{ pond: 'alpha', name: 'idle', leaseID: 'cbx_a', provider: 'aws', origin: 'crabbox', target: null, ports: [] }]);
  });

  it('parses the exposed ports label tolerantly (ascending, garbage skipped)', () => {
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'w', sshHost: 'h', sshPort: 22, labels: { crabbox_exposed_ports: '9090-xyz-80-99999999' } });
    expect(collect({ claims: [c], env: { SSH_AUTH_SOCK: '/agent' } }).members[0]?.ports).toEqual([80, 9090]);
  });

  it('names a member by slug, else by lease ID', () => {
    const claims = [
      claim({ leaseID: 'cbx_aaaaaaaaaaaa', provider: 'aws', slug: '' }),
      claim({ leaseID: 'cbx_bbbbbbbbbbbb', provider: 'aws', slug: 'Web Server' }),
    ];
    expect(collect({ claims }).members.map((m) => m.name)).toEqual(['cbx_aaaaaaaaaaaa', 'web-server']);
  });

  it('explains a member with ports but no recorded host', () => {
    const { members } = collect({ claims: [claim({ leaseID: 'cbx_a', provider: 'hetzner', slug: 'w', ...ported })] });
    expect(members[0]?.target).toBeNull();
    expect(members[0]?.targetProblem).toMatch(/^ssh endpoint not yet recorded for this lease/);
    expect(members[0]?.pending).toBe(true);
  });

  it('disambiguates names across crabbox and hand-added members (spec §5.3)', () => {
    const claims = [
      claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'web' }),
      claim({ leaseID: 'cbx_b', provider: 'gcp', slug: 'web' }),
    ];
    const manual: ManualMember = { id: 'm1', pond: 'alpha', slug: 'web', host: 'h', port: 22, user: 'u', ports: [], addedAt: '' };
    expect(collect({ claims, manualMembers: [manual] }).members.map((m) => `${m.name}:${m.origin}`)).toEqual([
      'web-aws:crabbox',
      'web-gcp:crabbox',
      'web-ssh:manual',
    ]);
  });
});

describe('SSH target of a crabbox member (spec §1.6)', () => {
  it('uses the recorded host and port, the configured user, then the fallback ports', () => {
    const key = touch(path.join(home, '.ssh', 'id_ed25519'));
    const c = claim({ leaseID: 'cbx_a', provider: 'hetzner', slug: 'w', sshHost: '203.0.113.5', sshPort: 2222, ...ported });
    expect(collect({ claims: [c] }).members[0]?.target).toEqual({
      host: '203.0.113.5',
      port: 2222,
      fallbackPorts: [22],
      user: 'crabbox',
      auth: { kind: 'key', keyPath: key },
      knownHostsPath: path.join(home, '.ssh', 'known_hosts'),
    });
  });

  it('uses the configured port when none is recorded, and drops a fallback equal to the port', () => {
    touch(path.join(home, '.ssh', 'id_ed25519'));
    const noPort = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', ...ported });
    const port22 = claim({ leaseID: 'cbx_b', provider: 'aws', slug: 'b', sshHost: 'h', sshPort: 22, ...ported });
    const [a, b] = collect({ claims: [noPort, port22] }).members;
    expect([a?.target?.port, a?.target?.fallbackPorts]).toEqual([2222, [22]]);
    expect([b?.target?.port, b?.target?.fallbackPorts]).toEqual([22, []]);
  });

  it('honours CRABBOX_SSH_USER / _PORT / _FALLBACK_PORTS through the config', () => {
    touch(path.join(home, '.ssh', 'id_ed25519'));
    const env = { CRABBOX_SSH_USER: 'ops', CRABBOX_SSH_PORT: '2200', CRABBOX_SSH_FALLBACK_PORTS: '2022,22' };
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', ...ported });
    const target = collect({ claims: [c], env }).members[0]?.target;
    expect([target?.user, target?.port, target?.fallbackPorts]).toEqual(['ops', 2200, [2022, 22]]);
  });

  it('prefers crabbox\'s per-lease key and its known_hosts', () => {
    touch(path.join(home, '.ssh', 'id_ed25519'));
    const leaseKey = touch(path.join(leaseDir('cbx_a'), 'id_ed25519'));
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    const target = collect({ claims: [c] }).members[0]?.target;
    expect(target?.auth).toEqual({ kind: 'key', keyPath: leaseKey });
    expect(target?.knownHostsPath).toBe(path.join(leaseDir('cbx_a'), 'known_hosts'));
  });

  it('uses a per-lease known_hosts crabbox wrote even when the lease has no key', () => {
    const key = touch(path.join(home, 'keys', 'crab'));
    const knownHosts = touch(path.join(leaseDir('cbx_a'), 'known_hosts'));
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    const target = collect({ claims: [c], env: { CRABBOX_SSH_KEY: key } }).members[0]?.target;
    expect(target?.auth).toEqual({ kind: 'key', keyPath: key });
    expect(target?.knownHostsPath).toBe(knownHosts);
  });

  it('puts known_hosts beside a configured key in another directory', () => {
    const key = touch(path.join(root, 'elsewhere', 'k'));
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    expect(collect({ claims: [c], env: { CRABBOX_SSH_KEY: key } }).members[0]?.target?.knownHostsPath).toBe(path.join(root, 'elsewhere', 'known_hosts'));
  });

  it('falls back to ssh-agent when no key file exists', () => {
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    const target = collect({ claims: [c], env: { SSH_AUTH_SOCK: '/tmp/agent.sock' } }).members[0]?.target;
    expect(target?.auth).toEqual({ kind: 'agent', socket: '/tmp/agent.sock' });
    expect(target?.knownHostsPath).toBe(path.join(home, '.ssh', 'known_hosts'));
  });

  it('says what to do when there is neither a key nor an agent', () => {
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    const m = collect({ claims: [c] }).members[0];
    expect(m?.target).toBeNull();
    expect(m?.targetProblem).toContain(path.join(leaseDir('cbx_a'), 'id_ed25519'));
    expect(m?.targetProblem).toContain(`${path.join(home, '.ssh', 'id_ed25519')} (crabbox default)`);
    expect(m?.targetProblem).toContain('SSH_AUTH_SOCK is not set');
    expect(m?.pending).toBeUndefined();
    expect(m?.targetProblem).toContain('start ssh-agent');
  });

  it('uses the OpenSSH agent pipe on Windows when SSH_AUTH_SOCK is unset', () => {
    const winPe: PathEnv = { platform: 'win32', env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming', USERPROFILE: 'C:\\Users\\a' }, home: 'C:\\Users\\a' };
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    const result = collectMeshMembers({
      pond: 'alpha',
      claims: [c],
      manualMembers: [],
      config: { ok: true, config: resolveSshConfig(winPe, [], undefined) },
      pathEnv: winPe,
      exists: () => false,
    });
    expect(result.members[0]?.target?.auth).toEqual({ kind: 'agent', socket: '\\\\.\\pipe\\openssh-ssh-agent' });
    expect(result.members[0]?.target?.knownHostsPath).toBe('C:\\Users\\a\\.ssh\\known_hosts');
  });

  it('turns an unreadable crabbox config into a per-member problem', () => {
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', sshPort: 22, ...ported });
    const m = collect({ claims: [c], config: { ok: false, error: 'parse config /x/config.yaml: bad' } }).members[0];
    expect(m?.target).toBeNull();
    expect(m?.targetProblem).toBe("crabbox's SSH settings cannot be used: parse config /x/config.yaml: bad. Fix it, then connect again.");
  });
});

describe('static ssh provider claims', () => {
  it('takes host, user and port from the static fields', () => {
    const key = touch(path.join(home, '.ssh', 'id_ed25519'));
    const c = claim({ leaseID: 'static_box', provider: 'static-ssh', slug: 'box', staticHost: 'box.lan', staticUser: 'pi', staticPort: '2022', ...ported });
    expect(collect({ claims: [c] }).members[0]?.target).toEqual({
      host: 'box.lan',
      port: 2022,
      fallbackPorts: [22],
      user: 'pi',
      auth: { kind: 'key', keyPath: key },
      knownHostsPath: path.join(home, '.ssh', 'known_hosts'),
    });
  });

  it('defaults to the configured user and port', () => {
    touch(path.join(home, '.ssh', 'id_ed25519'));
    const c = claim({ leaseID: 'static_box', provider: 'ssh', slug: 'box', staticHost: 'box.lan', ...ported });
    const target = collect({ claims: [c] }).members[0]?.target;
    expect([target?.user, target?.port]).toEqual(['crabbox', 2222]);
  });

  it('reports a static port that is not a port', () => {
    touch(path.join(home, '.ssh', 'id_ed25519'));
    const c = claim({ leaseID: 'static_box', provider: 'ssh', slug: 'box', staticHost: 'box.lan', staticPort: 'ssh', ...ported });
    expect(collect({ claims: [c] }).members[0]?.targetProblem).toBe(
      'the claim\'s staticPort "ssh" is not a TCP port in 1..65535; fix the static host\'s port with crabbox',
    );
  });
});

describe('hand-added members', () => {
  const manual = (fields: Partial<ManualMember>): ManualMember => ({
    id: 'man-1',
    pond: 'Alpha',
    slug: 'Pi Box',
    host: 'pi.lan',
    port: 22,
    user: 'pi',
    ports: [9000, 3000],
    addedAt: '2026-01-01T00:00:00Z',
    ...fields,
  });

  it('uses their own host, port, user and key, with OpenSSH\'s known_hosts', () => {
    const key = touch(path.join(home, '.ssh', 'pi_key'));
    const { members } = collect({ manualMembers: [manual({ identityFile: '~/.ssh/pi_key' })] });
    expect(members).toEqual([
      {
        pond: 'alpha',
        name: 'pi-box',
        leaseID: 'man-1',
        provider: 'ssh',
        origin: 'manual',
        ports: [3000, 9000],
        target: {
          host: 'pi.lan',
          port: 22,
          fallbackPorts: [],
          user: 'pi',
          auth: { kind: 'key', keyPath: key },
          knownHostsPath: path.join(home, '.ssh', 'known_hosts'),
        },
      },
    ]);
  });

  it('uses ssh-agent without an identity file, and says so when there is no agent', () => {
    expect(collect({ manualMembers: [manual({})], env: { SSH_AUTH_SOCK: '/a' } }).members[0]?.target?.auth).toEqual({ kind: 'agent', socket: '/a' });
    expect(collect({ manualMembers: [manual({})] }).members[0]?.targetProblem).toBe(
      'this host uses ssh-agent but SSH_AUTH_SOCK is not set; start ssh-agent, or choose a key file for this host',
    );
  });

  it('names a missing identity file', () => {
    const m = collect({ manualMembers: [manual({ identityFile: '/nope/key' })] }).members[0];
    expect(m?.targetProblem).toBe('identity file /nope/key does not exist; choose another key for this host, or clear it to use ssh-agent');
  });

  it('is excluded by a --provider filter other than ssh, and by other ponds', () => {
    expect(collect({ manualMembers: [manual({})], provider: 'aws' }).members).toEqual([]);
    expect(collect({ manualMembers: [manual({})], provider: 'static' }).members).toHaveLength(1);
    expect(collect({ manualMembers: [manual({ pond: 'beta' })] }).members).toEqual([]);
  });
});

describe('resolvePondMeshMembers', () => {
  it('reads crabbox\'s config from disk on every call and collects the members', async () => {
    touch(path.join(home, '.ssh', 'id_ed25519'));
    const c = claim({ leaseID: 'cbx_a', provider: 'aws', slug: 'a', sshHost: 'h', ...ported });
    const sources = { pathEnv: pe(), claims: async () => [c], manualMembers: async () => [] };
    expect((await resolvePondMeshMembers(sources, 'alpha')).members[0]?.target?.user).toBe('crabbox');
    const file = path.join(home, '.config', 'crabbox', 'config.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'ssh:\n  user: edited\n');
    expect((await resolvePondMeshMembers(sources, 'alpha')).members[0]?.target?.user).toBe('edited');
    expect((await resolvePondMeshMembers(sources, 'alpha', 'gcp')).members).toEqual([]);
  });
});
