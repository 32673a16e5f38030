import { describe, expect, it } from 'vitest';
import { claimSchema } from './claim';
import type { ListedClaim } from './claims';
import { filterClaimsForPond, groupPonds, manualMember, manualRow, overviewOf, peerRowOf, type PondsSnapshot } from './ponds';
import type { ManualMember } from './settings-store';

function listed(fields: Record<string, unknown>): ListedClaim {
  const claim = claimSchema.parse({ repoRoot: '/r', ...fields });
  return { file: `/claims/${claim.leaseID}.json`, leaseID: claim.leaseID, claim };
}

const manual: ManualMember = {
  id: 'man_000000000001',
  pond: 'alpha',
  slug: 'db',
  host: 'db.lan',
  port: 2022,
  user: 'ops',
  ports: [5432, 8080],
  addedAt: '2026-01-01T00:00:00.000Z',
};

describe('manual members as rows', () => {
  it('are provider ssh, transport ssh, with an ssh:// endpoint and the exposed ports label', () => {
    expect(manualRow(manual)).toEqual({
      slug: 'db',
      leaseID: 'man_000000000001',
      provider: 'ssh',
      pond: 'alpha',
      transport: 'ssh',
      transports: ['ssh'],
      endpoint: 'ssh://db.lan:2022',
      labels: { crabbox_exposed_ports: '5432-8080' },
    });
    expect(manualRow({ ...manual, ports: [] }).labels).toBeUndefined();
  });

  it('carry their id and connection details for editing; an agent member has no identity file', () => {
    const member = manualMember(manual);
    expect(member).toMatchObject({ origin: 'manual', id: 'man_000000000001', manual: { host: 'db.lan', port: 2022, user: 'ops', ports: [5432, 8080] } });
    expect(member.origin === 'manual' && 'identityFile' in member.manual).toBe(false);
    const keyed = manualMember({ ...manual, identityFile: '/k/id' });
    expect(keyed.origin === 'manual' && keyed.manual.identityFile).toBe('/k/id');
  });
});

describe('groupPonds', () => {
  const claims = [
    listed({ leaseID: 'cbx_1', slug: 'web', pond: 'Alpha', provider: 'hetzner', tailscaleIPv4: '100.64.0.1' }),
    listed({ leaseID: 'cbx_2', slug: 'api', pond: ' ALPHA ', provider: 'islo' }),
    listed({ leaseID: 'cbx_3', slug: 'web', pond: 'alpha', provider: 'aws' }),
    listed({ leaseID: 'cbx_4', slug: 'x', pond: '', provider: 'aws' }),
    listed({ leaseID: 'cbx_5', slug: 'y', pond: '!!', provider: 'aws' }),
    listed({ leaseID: 'cbx_6', slug: 'z', pond: 'beta', provider: 'blacksmith' }),
    listed({ leaseID: 'cbx_7', slug: 'k', pond: '\u212Aappa', provider: 'runpod', sshHost: 'h', sshPort: 22 }),
  ];

  it('groups by normalized pond, leaves pond-less claims out, counts transports, sorts like crabbox', () => {
    const { ponds, unassigned } = groupPonds({ claims, manual: [manual, { ...manual, id: 'man_2', pond: 'gamma', slug: 'a' }] });
    expect(unassigned).toBe(2);
    expect(ponds.map((p) => p.name)).toEqual(['alpha', 'beta', 'gamma', 'kappa']);
    const alpha = ponds[0];
    expect(alpha?.members.map((m) => `${m.slug}/${m.leaseID}/${m.origin}`)).toEqual([
      'api/cbx_2/crabbox',
      'db/man_000000000001/manual',
      'web/cbx_1/crabbox',
      'web/cbx_3/crabbox',
    ]);
    expect(alpha?.counts).toEqual({ tailnet: 1, url: 1, ssh: 1, pending: 1, none: 0 });
    expect(alpha?.members[0]).toMatchObject({ origin: 'crabbox', file: '/claims/cbx_2.json', pond: ' ALPHA ' });
    expect(ponds[1]?.counts).toEqual({ tailnet: 0, url: 0, ssh: 0, pending: 0, none: 1 });
    expect(ponds[3]?.members[0]?.endpoint).toBe('ssh://h:22');
  });

  it('is empty for nothing', () => {
    expect(groupPonds({ claims: [], manual: [] })).toEqual({ ponds: [], unassigned: 0 });
  });

  it('summarizes without member rows', () => {
    const { ponds, unassigned } = groupPonds({ claims, manual: [manual] });
    const snapshot: PondsSnapshot = { revision: 3, claimsDir: '/claims', claimsDirState: 'present', ponds, unassigned, problems: [] };
    const overview = overviewOf(snapshot);
    expect(overview.ponds[0]).toEqual({
      name: 'alpha',
      memberCount: 4,
      counts: { tailnet: 1, url: 1, ssh: 1, pending: 1, none: 0 },
      crabbox: 3,
      manual: 1,
    });
    expect(overview).toMatchObject({ revision: 3, claimsDir: '/claims', claimsDirState: 'present', unassigned: 2 });
  });

  it("strips Pond Desktop's fields for crabbox-shaped output", () => {
    const { ponds } = groupPonds({ claims, manual: [manual] });
    for (const member of ponds.flatMap((p) => p.members)) {
      const row = peerRowOf(member);
      expect(Object.keys(row)).not.toContain('origin');
      expect(Object.keys(row)).not.toContain('file');
      expect(Object.keys(row)).not.toContain('manual');
      expect(row.slug).toBe(member.slug);
      expect(row.note).toBe(member.note);
    }
  });
});

describe('filterClaimsForPond (crabbox TestFilterClaimsForPond)', () => {
  const claims = [
    listed({ leaseID: 'a', pond: 'Alpha', provider: 'google' }),
    listed({ leaseID: 'b', pond: 'beta', provider: 'gcp' }),
    listed({ leaseID: 'c', pond: 'alpha', provider: 'aws' }),
    listed({ leaseID: 'd', pond: 'alpha', provider: 'GCP' }),
  ];

  it('matches normalized ponds and keeps input order', () => {
    expect(filterClaimsForPond(claims, ' ALPHA ').map((c) => c.leaseID)).toEqual(['a', 'c', 'd']);
  });

  it('matches canonical providers, aliases included', () => {
    expect(filterClaimsForPond(claims, 'alpha', 'google-cloud').map((c) => c.leaseID)).toEqual(['a', 'd']);
    expect(filterClaimsForPond(claims.map((c) => c.claim), 'alpha', 'aws').map((c) => c.leaseID)).toEqual(['c']);
  });

  it('matches nothing for an empty pond or an unknown one', () => {
    expect(filterClaimsForPond(claims, '')).toEqual([]);
    expect(filterClaimsForPond(claims, '!!')).toEqual([]);
    expect(filterClaimsForPond(claims, 'zeta')).toEqual([]);
  });
});
