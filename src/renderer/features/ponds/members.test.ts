import { describe, expect, it } from 'vitest';
import type { BridgeMembersShape, PondMemberShape } from '../../../contract/index';
import { exposedPorts, hasUrlMembers, providerName, reachOf, resolveMembers } from './members';

const crabbox = (fields: Partial<Extract<PondMemberShape, { origin: 'crabbox' }>>): PondMemberShape => ({
  origin: 'crabbox',
  file: '/c/x.json',
  slug: 'web',
  leaseID: 'cbx_web',
  provider: 'hetzner',
  pond: 'demo',
  transport: 'ssh',
  endpoint: 'ssh://10.0.0.5:22',
  ...fields,
});

describe('reachOf', () => {
  it('describes every transport in words, never painting "none" as an error', () => {
    expect(reachOf({ transport: 'ssh', provider: 'aws' })).toEqual({ label: 'SSH', tone: 'info' });
    expect(reachOf({ transport: 'pending', provider: 'aws' })).toMatchObject({ label: 'Address pending', tone: 'warn' });
    expect(reachOf({ transport: 'none', provider: 'blacksmith', note: 'blacksmith owns connectivity' })).toEqual({
      label: 'No pond connection',
      tone: 'neutral',
      detail: 'Blacksmith handles its own connectivity.',
    });
    expect(reachOf({ transport: 'none', provider: 'e2b', bridgeState: 'error' })).toMatchObject({ tone: 'warn', detail: expect.stringContaining('E2B credentials in Settings') });
    expect(reachOf({ transport: 'tailnet', provider: 'aws', note: 'tailnet available for outbound proxy traffic only' }).detail).toBe('Tailnet available for outbound proxy traffic only.');
  });

  it('names providers as people write them', () => {
    expect([providerName('e2b'), providerName('islo'), providerName('ssh'), providerName('blacksmith-testbox'), providerName('vast')]).toEqual(['E2B', 'Islo', 'SSH host', 'Blacksmith Testbox', 'vast']);
  });
});

describe('resolveMembers', () => {
  it('lays what the provider said over the claim, so a member reads the same in every tab', () => {
    const members = [crabbox({ leaseID: 'e2b_1', provider: 'e2b', transport: 'url', endpoint: '' }), crabbox({})];
    const resolved: BridgeMembersShape = {
      pond: 'demo',
      problems: [],
      members: [{ slug: 'web', leaseID: 'e2b_1', provider: 'e2b', pond: 'demo', transport: 'none', endpoint: '', bridgeState: 'error', note: 'E2B_API_KEY is not set', targets: [], ports: [], publishable: false }],
    };
    const out = resolveMembers(members, resolved);
    expect(out[0]).toMatchObject({ transport: 'none', bridgeState: 'error', note: 'E2B_API_KEY is not set' });
    expect(out[1]).toBe(members[1]);
    expect(resolveMembers(members, undefined)).toEqual(members);
    expect(hasUrlMembers(members)).toBe(true);
    expect(hasUrlMembers([members[1]!])).toBe(false);
  });
});

describe('exposedPorts', () => {
  it('reads crabbox’s label and a hand-added host’s list', () => {
    expect(exposedPorts(crabbox({ labels: { crabbox_exposed_ports: '9090-8080-x-8080' } }))).toEqual([8080, 9090]);
    expect(exposedPorts(crabbox({}))).toEqual([]);
    const manual: PondMemberShape = { ...crabbox({}), origin: 'manual', id: 'man_1', manual: { host: 'h', port: 22, user: 'u', ports: [5432] } } as PondMemberShape;
    expect(exposedPorts(manual)).toEqual([5432]);
  });
});
