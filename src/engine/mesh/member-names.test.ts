import { describe, expect, it } from 'vitest';
import { disambiguatePondMemberNames, orderForDisambiguation, type NamedMember } from './member-names';

const m = (name: string, provider: string, leaseID = `cbx_${name}${provider}`): NamedMember => ({ name, provider, leaseID });

describe('disambiguatePondMemberNames (spec §5.3)', () => {
  it('reproduces TestDisambiguatePondMemberNamesAvoidsShellExportCollisions', () => {
    const input = [m('web', 'aws'), m('web', 'gcp'), m('web-aws', 'hetzner'), m('api-a', 'runpod'), m('api_a', 'proxmox')];
    const names = disambiguatePondMemberNames(input).map((x) => x.name);
    expect(new Set(names)).toEqual(new Set(['web-aws', 'web-gcp', 'web-aws-hetzner', 'api-a-runpod', 'api-a-proxmox']));
    expect(names).toEqual(['api-a-proxmox', 'api-a-runpod', 'web-aws', 'web-aws-hetzner', 'web-gcp']);
  });

  it('repeats the provider for same-provider duplicates (crabbox quirk) and adds the short lease', () => {
    const out = disambiguatePondMemberNames([
      m('web', 'hetzner', 'cbx_0a1b2c3d4e5f'),
      m('web', 'hetzner', 'cbx_aaaaaa123456'),
    ]);
    expect(out.map((x) => x.name)).toEqual(['web-hetzner', 'web-hetzner-hetzner-123456']);
  });

  it('leaves unique names alone and keeps the other fields', () => {
    const input = [{ ...m('db', 'aws'), extra: 1 }, { ...m('cache', 'aws'), extra: 2 }];
    const out = disambiguatePondMemberNames(input);
    expect(out).toEqual([
      { name: 'cache', provider: 'aws', leaseID: 'cbx_cacheaws', extra: 2 },
      { name: 'db', provider: 'aws', leaseID: 'cbx_dbaws', extra: 1 },
    ]);
    expect(input[0]?.name).toBe('db');
  });

  it('falls back to the short lease ID, then "peer", when the provider normalizes to nothing', () => {
    const out = disambiguatePondMemberNames([m('web', '', 'isb_sandbox42'), m('web', '!!', '')]);
    expect(out.map((x) => x.name).sort()).toEqual(['web-dbox42', 'web-peer']);
  });

  it('uses "peer" for a name that normalizes to nothing', () => {
    const out = disambiguatePondMemberNames([m('__', 'aws'), m('..', 'gcp')]);
    expect(out.map((x) => x.name)).toEqual(['peer-aws', 'peer-gcp']);
  });

  it('collides on the env-safe key, not the raw name', () => {
    const out = disambiguatePondMemberNames([m('a.b', 'aws'), m('a-b', 'aws', 'cbx_000000ffffff')]);
    expect(out.map((x) => x.name)).toEqual(['a-b-aws', 'a-b-aws-aws-ffffff']);
  });
});

describe('ordering', () => {
  it('orders by provider then name before disambiguation', () => {
    const ordered = orderForDisambiguation([m('b', 'gcp'), m('z', 'aws'), m('a', 'gcp')]);
    expect(ordered.map((x) => `${x.provider}/${x.name}`)).toEqual(['aws/z', 'gcp/a', 'gcp/b']);
  });
});
