import { describe, expect, it } from 'vitest';
import { forwardShape as forward, memberShape as member } from '../../../contract/testing/mesh-shapes';
import type { MeshForwardShape } from '../../../contract/index';
import { allForwards, browserAddress, formatBytes, hasCountdown, hostKeyConfirmation, isConnected, mergeHealth, mergeStatus, pondOf, replacePond } from './mesh-panel';

const ready = { state: 'ready', port: 2222, since: 0 } as const;

describe('mergeHealth', () => {
  it('replaces the member by name and keeps members sorted', () => {
    const start = mergeHealth(undefined, member('web', ready));
    const both = mergeHealth(start, member('api', ready));
    expect(both.members.map((m) => m.member)).toEqual(['api', 'web']);
    const updated = mergeHealth(both, member('web', { state: 'stopped' }, []));
    expect(updated.members.map((m) => [m.member, m.session.state])).toEqual([
      ['api', 'ready'],
      ['web', 'stopped'],
    ]);
  });

  it('finds a pond in a status answer and tells connected from disconnected', () => {
    const pond = pondOf({ ponds: [{ pond: 'alpha', members: [member('web', ready)] }] }, 'alpha');
    expect(isConnected(pond)).toBe(true);
    expect(pondOf(undefined, 'beta')).toEqual({ pond: 'beta', members: [] });
    expect(isConnected({ pond: 'alpha', members: [member('web', { state: 'stopped' }, [forward({ state: 'stopped' })])] })).toBe(false);
  });
});

describe('the whole status', () => {
  it('folds events and answers into one status, ponds in name order, a pond with nothing left gone', () => {
    let status = mergeStatus(undefined, member('web', ready));
    status = replacePond(status, { pond: 'beta', members: [{ ...member('db', ready), pond: 'beta' }] });
    expect(status.ponds.map((p) => p.pond)).toEqual(['alpha', 'beta']);
    status = mergeStatus(status, member('api', ready));
    expect(pondOf(status, 'alpha').members.map((m) => m.member)).toEqual(['api', 'web']);
    expect(replacePond(status, { pond: 'alpha', members: [] }).ponds.map((p) => p.pond)).toEqual(['beta']);
  });

  it('lists every forward across ponds in pond, member and port order', () => {
    const status = {
      ponds: [
        { pond: 'beta', members: [{ ...member('db', ready, [forward({ pond: 'beta', member: 'db', remotePort: 5432 })]), pond: 'beta' }] },
        { pond: 'alpha', members: [member('web', ready, [forward({ member: 'web', remotePort: 9090 }), forward({ member: 'web', remotePort: 8080 })]), member('api', ready)] },
      ],
    };
    expect(allForwards(status).map((f) => `${f.pond}/${f.member}:${f.remotePort}`)).toEqual(['alpha/api:8080', 'alpha/web:8080', 'alpha/web:9090', 'beta/db:5432']);
    expect(allForwards(undefined)).toEqual([]);
  });

  it('knows when a countdown is on screen', () => {
    expect(hasCountdown([{ pond: 'alpha', members: [member('web', ready)] }])).toBe(false);
    expect(hasCountdown([{ pond: 'alpha', members: [member('web', { state: 'reconnecting', attempt: 2, retryAt: 5_000, lastError: 'reset' })] }])).toBe(true);
    expect(hasCountdown([{ pond: 'alpha', members: [member('web', { state: 'connecting', attempt: 1, retryAt: null, lastError: null })] }])).toBe(false);
  });
});

describe('words', () => {
  it('offers a browser address only for a forward that is up to a port web servers use', () => {
    expect(browserAddress(forward({ remotePort: 8080, localPort: 51820 }))).toBe('http://127.0.0.1:51820/');
    expect(browserAddress(forward({ remotePort: 5432 }))).toBeNull();
    expect(browserAddress(forward({ remotePort: 8080, remote: 'closed' }))).toBeNull();
    expect(browserAddress(forward({ remotePort: 8080, state: 'reconnecting', retryAt: null } as Partial<MeshForwardShape>))).toBeNull();
  });

  it('formats bytes', () => {
    expect([0, 1536, 12 * 1024 * 1024, 3.25 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1.5 KiB', '12 MiB', '3.3 GiB']);
  });

  it('spells out the host key being trusted', () => {
    const text = hostKeyConfirmation('web', {
      host: '10.0.0.5',
      port: 2222,
      knownHostsPath: '/home/u/.ssh/known_hosts',
      knownFingerprints: ['SHA256:old'],
      presentedFingerprint: 'SHA256:new',
      presentedType: 'ssh-ed25519',
    });
    expect(text).toBe(
      'Remove the recorded key of 10.0.0.5:2222 from /home/u/.ssh/known_hosts and trust SHA256:new for web? Only do this if you know the machine was re-created or re-keyed.',
    );
  });
});
