import { describe, expect, it } from 'vitest';
import type { PeerRow } from '../contract/index';
import { claimSchema, type Claim } from './claim';
import { basePeerRow, compareRows } from './rows';

function claim(fields: Record<string, unknown>): Claim {
  return claimSchema.parse({ leaseID: 'cbx_000000000001', slug: 'web', pond: 'alpha', repoRoot: '/r', ...fields });
}

describe('basePeerRow (spec §3.4)', () => {
  it('tailnet provider with an IPv4: tailnet, the IPv4 wins over the FQDN', () => {
    const row = basePeerRow(claim({ provider: 'hetzner', tailscaleIPv4: '100.64.1.3', tailscaleFQDN: 'web.ts.net', sshHost: '1.2.3.4', sshPort: 22 }));
    expect(row).toEqual({
      slug: 'web',
      leaseID: 'cbx_000000000001',
      provider: 'hetzner',
      pond: 'alpha',
      transport: 'tailnet',
      transports: ['tailnet', 'ssh'],
      endpoint: '100.64.1.3',
    });
  });

  it('tailnet provider with only an FQDN uses it', () => {
    expect(basePeerRow(claim({ provider: 'google', tailscaleFQDN: 'web.tail1.ts.net' }))).toMatchObject({
      provider: 'gcp',
      transport: 'tailnet',
      endpoint: 'web.tail1.ts.net',
    });
  });

  it('tailnet provider without a tailnet endpoint is pending, even with an SSH host recorded', () => {
    const row = basePeerRow(claim({ provider: 'azure', sshHost: '1.2.3.4', sshPort: 22 }));
    expect(row).toMatchObject({ transport: 'pending', endpoint: '', note: 'tailnet endpoint not yet recorded for this lease' });
    expect(row.transports).toEqual(['tailnet', 'ssh']);
  });

  it('ssh provider with host and port: ssh://host:port, host verbatim (no IPv6 brackets)', () => {
    expect(basePeerRow(claim({ provider: 'runpod', sshHost: '1.2.3.4', sshPort: 2200 }))).toMatchObject({
      transport: 'ssh',
      transports: ['ssh'],
      endpoint: 'ssh://1.2.3.4:2200',
    });
    expect(basePeerRow(claim({ provider: 'aws', sshHost: 'fd00::1', sshPort: 22 })).endpoint).toBe('ssh://fd00::1:22');
  });

  it('ssh provider without a host is pending with the host note', () => {
    const row = basePeerRow(claim({ provider: 'aws' }));
    expect(row).toMatchObject({ transport: 'pending', endpoint: '', note: 'ssh endpoint not yet recorded for this lease' });
  });

  it('ssh provider with a host but port 0 is pending with the port note', () => {
    expect(basePeerRow(claim({ provider: 'proxmox', sshHost: 'pve-7' }))).toMatchObject({
      transport: 'pending',
      note: 'ssh port not yet recorded for this lease',
    });
    expect(basePeerRow(claim({ provider: 'proxmox', sshHost: 'pve-7', sshPort: 0 })).note).toBe('ssh port not yet recorded for this lease');
  });

  it('url provider: url with the recorded bridge URL (normally empty)', () => {
    expect(basePeerRow(claim({ provider: 'e2b' }))).toEqual({
      slug: 'web',
      leaseID: 'cbx_000000000001',
      provider: 'e2b',
      pond: 'alpha',
      transport: 'url',
      transports: ['url'],
      endpoint: '',
    });
    expect(basePeerRow(claim({ provider: 'railwayapp', bridgeURL: 'https://x.up.railway.app' }))).toMatchObject({
      provider: 'railway',
      transport: 'url',
      endpoint: 'https://x.up.railway.app',
    });
  });

  it('Islo with tailnet metadata stays url and notes the outbound-only tailnet', () => {
    for (const fields of [
      { tailscaleIPv4: '100.64.0.9' },
      { tailscaleHostname: 'isb-web' },
      { tailscaleTags: ['tag:x'] },
      { tailscaleExitLAN: true },
      { labels: { tailscale: 'TRUE' } },
      { labels: { tailscale_state: 'requested' } },
    ]) {
      expect(basePeerRow(claim({ provider: 'islo', ...fields }))).toMatchObject({
        transport: 'url',
        transports: ['url'],
        note: 'tailnet available for outbound proxy traffic only',
      });
    }
  });

  it('Islo without tailnet metadata has no note', () => {
    const row = basePeerRow(claim({ provider: 'islo', labels: { tailscale: 'false', tailscale_state: '  ' } }));
    expect(row.note).toBeUndefined();
    expect(row.transport).toBe('url');
  });

  it('blacksmith (alias) is none: blacksmith owns connectivity', () => {
    const row = basePeerRow(claim({ provider: 'blacksmith' }));
    expect(row).toEqual({
      slug: 'web',
      leaseID: 'cbx_000000000001',
      provider: 'blacksmith-testbox',
      pond: 'alpha',
      transport: 'none',
      endpoint: '',
      note: 'blacksmith owns connectivity',
    });
  });

  it('other transport-less, unknown and empty providers are none with the provider in the note', () => {
    expect(basePeerRow(claim({ provider: 'modal' })).note).toBe('no advertised pond transport for provider modal');
    expect(basePeerRow(claim({ provider: ' Mystery ' }))).toMatchObject({ provider: 'mystery', transport: 'none', note: 'no advertised pond transport for provider mystery' });
    expect(basePeerRow(claim({ provider: '' })).note).toBe('no advertised pond transport for provider ');
    expect(basePeerRow(claim({ provider: 'modal' })).transports).toBeUndefined();
  });

  it('keeps slug and pond as stored, copies labels, omits empty labels', () => {
    const labels = { role: 'web' };
    const row = basePeerRow(claim({ provider: 'aws', slug: 'Web Server', pond: 'Alpha Pond', labels }));
    expect(row.slug).toBe('Web Server');
    expect(row.pond).toBe('Alpha Pond');
    expect(row.labels).toEqual(labels);
    expect(row.labels).not.toBe(labels);
    expect(basePeerRow(claim({ provider: 'aws', labels: {} })).labels).toBeUndefined();
  });
});

describe('compareRows', () => {
  const row = (slug: string, leaseID: string): PeerRow => ({ slug, leaseID, provider: 'aws', pond: 'a', transport: 'none', endpoint: '' });

  it('orders by slug in byte order, then lease ID', () => {
    const rows = [row('web', 'b'), row('Web', 'z'), row('api', 'x'), row('web', 'a'), row('é', 'a'), row('', 'q')];
    expect(rows.sort(compareRows).map((r) => `${r.slug}/${r.leaseID}`)).toEqual(['/q', 'Web/z', 'api/x', 'web/a', 'web/b', 'é/a']);
  });
});
