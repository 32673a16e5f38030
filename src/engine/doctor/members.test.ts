import { describe, expect, it } from 'vitest';
import type { PeerRow } from '../../contract/index';
import { doctorMembers } from './members';

const row = (slug: string, leaseID: string, transport: PeerRow['transport'] = 'ssh'): PeerRow => ({ slug, leaseID, provider: 'aws', pond: 'p', transport, endpoint: '' });

describe('doctorMembers', () => {
  it('names members by slug, adding the lease ID only where slugs repeat', () => {
    const members = doctorMembers([row('web', 'cbx_1'), row('web', 'cbx_2'), row('db', 'cbx_3'), row('', 'cbx_4')]);
    expect(members.map((m) => m.name)).toEqual(['web (cbx_1)', 'web (cbx_2)', 'db', 'cbx_4']);
  });

  it('attaches SSH targets and live forwards by lease ID', () => {
    const target = { host: 'h', port: 22, fallbackPorts: [], user: 'u', auth: { kind: 'agent' as const, socket: 's' }, knownHostsPath: 'k' };
    const forwards = [
      { peer: 'web', remotePort: 80, localPort: 51820, leaseID: 'cbx_1' },
      { peer: 'db', remotePort: 5432, localPort: 51821, leaseID: 'cbx_3' },
    ];
    const [web, db] = doctorMembers([row('web', 'cbx_1'), row('db', 'cbx_3')], new Map([['cbx_1', target]]), forwards);
    expect(web?.target).toBe(target);
    expect(web?.forwards.map((f) => f.remotePort)).toEqual([80]);
    expect(db?.target).toBeUndefined();
    expect(db?.forwards.map((f) => f.remotePort)).toEqual([5432]);
  });
});
