import { describe, expect, it } from 'vitest';
import { member } from '../testing/check-deps';
import { parseSshEndpoint, sshAddress } from './endpoint';

describe('parseSshEndpoint', () => {
  it('reads crabbox endpoints, including unbracketed IPv6', () => {
    expect(parseSshEndpoint('ssh://1.2.3.4:2200')).toEqual({ host: '1.2.3.4', port: 2200 });
    expect(parseSshEndpoint('ssh://::1:22')).toEqual({ host: '::1', port: 22 });
    expect(parseSshEndpoint('ssh://[::1]:22')).toEqual({ host: '::1', port: 22 });
    expect(parseSshEndpoint('https://x')).toBeNull();
    expect(parseSshEndpoint('ssh://h:0')).toBeNull();
  });
});

describe('sshAddress', () => {
  it('prefers the SSH target (its ports in order, its known_hosts) over the endpoint', () => {
    const target = { host: 'h', port: 2222, fallbackPorts: [22, 2222], user: 'crabbox', auth: { kind: 'agent' as const, socket: 's' }, knownHostsPath: '/k' };
    expect(sshAddress(member('a', { endpoint: 'ssh://x:1' }, { target }))).toEqual({ host: 'h', ports: [2222, 22], user: 'crabbox', knownHostsFile: '/k' });
    expect(sshAddress(member('a', { endpoint: 'ssh://x:1' }))).toEqual({ host: 'x', ports: [1], user: '' });
    expect(sshAddress(member('a', { endpoint: '' }))).toBeNull();
  });
});
