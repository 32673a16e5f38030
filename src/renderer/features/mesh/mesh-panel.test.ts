import { describe, expect, it } from 'vitest';
import { forwardShape as forward, memberShape as member } from '../../../contract/testing/mesh-shapes';
import { formatBytes, hostKeyConfirmation, isConnected, mergeHealth, pondOf } from './mesh-panel';

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

describe('words', () => {
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
