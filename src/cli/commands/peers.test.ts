import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimText } from '../../engine/testing/claims-fixtures';
import { run } from '../main';
import { testIO, writeClaims, type TestIO } from '../testing/test-io';

const newIO = (): TestIO => testIO();

/** Members whose rows need no provider API call, so crabbox prints exactly these. */
const FIXTURE = [
  { leaseID: 'cbx_000000000001', slug: 'web', provider: 'hetzner', pond: 'Alpha', tailscaleIPv4: '100.64.1.3', tailscaleFQDN: 'web.tail.ts.net', labels: { role: 'a<b>&c', crabbox: 'true' } },
  { leaseID: 'cbx_000000000003', slug: 'db', provider: 'RunPod', pond: 'alpha', sshHost: '1.2.3.4', sshPort: 2200 },
  { leaseID: 'cbx_000000000002', slug: 'db', provider: 'aws-fixed-v1', pond: 'alpha' },
  { leaseID: 'cbx_000000000005', slug: 'what', provider: 'blacksmith', pond: 'alpha', labels: { role: 'isolated' } },
  { leaseID: 'cbx_000000000006', slug: 'Zed', provider: 'modal', pond: ' ALPHA ' },
  { leaseID: 'cbx_000000000007', slug: 'other', provider: 'aws', pond: 'beta', sshHost: 'x', sshPort: 22 },
  { leaseID: 'cbx_000000000008', slug: '', provider: 'gcp', pond: 'alpha', tailscaleFQDN: 'h.ts.net' },
  { leaseID: 'cbx_000000000009', slug: 'loose', provider: 'aws', pond: '' },
];

/** Built by hand from spec §3.4 and §8.1: slug byte order, then lease ID; Go escaping. */
const EXPECTED_JSON =
  '{"members":[' +
  '{"slug":"","leaseID":"cbx_000000000008","provider":"gcp","pond":"alpha","transport":"tailnet","transports":["tailnet","ssh"],"endpoint":"h.ts.net"},' +
  '{"slug":"Zed","leaseID":"cbx_000000000006","provider":"modal","pond":" ALPHA ","transport":"none","endpoint":"","note":"no advertised pond transport for provider modal"},' +
  '{"slug":"db","leaseID":"cbx_000000000002","provider":"aws","pond":"alpha","transport":"pending","transports":["ssh"],"endpoint":"","note":"ssh endpoint not yet recorded for this lease"},' +
  '{"slug":"db","leaseID":"cbx_000000000003","provider":"runpod","pond":"alpha","transport":"ssh","transports":["ssh"],"endpoint":"ssh://1.2.3.4:2200"},' +
  '{"slug":"web","leaseID":"cbx_000000000001","provider":"hetzner","pond":"Alpha","transport":"tailnet","transports":["tailnet","ssh"],"endpoint":"100.64.1.3","labels":{"crabbox":"true","role":"a\\u003cb\\u003e\\u0026c"}},' +
  '{"slug":"what","leaseID":"cbx_000000000005","provider":"blacksmith-testbox","pond":"alpha","transport":"none","endpoint":"","labels":{"role":"isolated"},"note":"blacksmith owns connectivity"}' +
  ']}\n';

const EXPECTED_TEXT =
  '\tlease=cbx_000000000008\tprovider=gcp\tpond=alpha\ttransport=tailnet\tendpoint=h.ts.net\n' +
  'Zed\tlease=cbx_000000000006\tprovider=modal\tpond= ALPHA \ttransport=none\tnote="no advertised pond transport for provider modal"\n' +
  'db\tlease=cbx_000000000002\tprovider=aws\tpond=alpha\ttransport=pending\tnote="ssh endpoint not yet recorded for this lease"\n' +
  'db\tlease=cbx_000000000003\tprovider=runpod\tpond=alpha\ttransport=ssh\tendpoint=ssh://1.2.3.4:2200\n' +
  'web\tlease=cbx_000000000001\tprovider=hetzner\tpond=Alpha\ttransport=tailnet\tendpoint=100.64.1.3\n' +
  'what\tlease=cbx_000000000005\tprovider=blacksmith-testbox\tpond=alpha\ttransport=none\tnote="blacksmith owns connectivity"\n';

describe('pond peers', () => {
  it("--json prints crabbox's bytes for the same claim files", async () => {
    const io = newIO();
    writeClaims(io, FIXTURE);
    expect(await run(['peers', '--pond', 'alpha', '--json'], io)).toBe(0);
    expect(io.stdout()).toBe(EXPECTED_JSON);
    expect(io.stderr()).toBe('');
  });

  it('honours flags anywhere and normalizes the pond', async () => {
    const io = newIO();
    writeClaims(io, FIXTURE);
    expect(await run(['peers', '--json', '--pond', ' ALPHA! '], io)).toBe(0);
    expect(io.stdout()).toBe(EXPECTED_JSON);
  });

  it("prints crabbox's text lines", async () => {
    const io = newIO();
    writeClaims(io, FIXTURE);
    expect(await run(['peers', '--pond', 'alpha'], io)).toBe(0);
    expect(io.stdout()).toBe(EXPECTED_TEXT);
  });

  it('filters by canonical provider, aliases included', async () => {
    const io = newIO();
    writeClaims(io, FIXTURE);
    expect(await run(['peers', '--pond', 'alpha', '--provider', 'Google', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).members.map((m: { leaseID: string }) => m.leaseID)).toEqual(['cbx_000000000008']);
  });

  it('prints members [] and "no peers found" for an empty or unknown pond, and without a claims directory', async () => {
    const io = newIO();
    expect(await run(['peers', '--pond', 'ghost', '--json'], io)).toBe(0);
    expect(io.stdout()).toBe('{"members":[]}\n');
    const text = newIO();
    expect(await run(['peers', '--pond', 'ghost'], text)).toBe(0);
    expect(text.stdout()).toBe('no peers found\n');
  });

  it("uses crabbox's messages for missing and bad pond names, exit 2", async () => {
    const cases: [string[], string][] = [
      [['peers'], '--pond is required'],
      [['peers', '--pond', '  '], '--pond is required'],
      [['peers', '--pond', '!!'], '--pond must contain at least one letter or digit'],
      [['peers', '--pond', 'a'.repeat(42)], '--pond must be 41 characters or fewer after normalization'],
      [['peers', 'alpha'], 'unexpected argument "alpha"; give the pond as --pond alpha'],
    ];
    for (const [argv, message] of cases) {
      const io = newIO();
      expect(await run(argv, io)).toBe(2);
      expect(io.stderr()).toContain(`pond peers: ${message}`);
      expect(io.stdout()).toBe('');
    }
  });

  it('still lists every good member when claim files are broken, warning on stderr', async () => {
    const io = newIO();
    const dir = writeClaims(io, FIXTURE);
    fs.writeFileSync(path.join(dir, 'cbx_broken.json'), '{"leaseID":');
    fs.writeFileSync(path.join(dir, 'cbx_misfiled.json'), claimText({ leaseID: 'cbx_other', pond: 'alpha' }));
    expect(await run(['peers', '--pond', 'alpha', '--json'], io)).toBe(0);
    expect(io.stdout()).toBe(EXPECTED_JSON);
    expect(io.stderr()).toContain(`warning: claim file ${path.join(dir, 'cbx_broken.json')} is not valid JSON`);
    expect(io.stderr()).toContain(`warning: claim file ${path.join(dir, 'cbx_misfiled.json')} contains lease id "cbx_other"`);
  });

  it('lists hand-added hosts as provider ssh', async () => {
    const io = newIO();
    writeClaims(io, FIXTURE);
    expect(await run(['hosts', 'add', '--pond', 'alpha', '--slug', 'cache', '--host', '10.0.0.9', '--user', 'ops', '--expose', '6379'], io)).toBe(0);
    const before = io.stdout().length;
    expect(await run(['peers', '--pond', 'alpha', '--provider', 'ssh', '--json'], io)).toBe(0);
    const members = JSON.parse(io.stdout().slice(before)).members as { slug: string; provider: string; transport: string; endpoint: string; labels: Record<string, string> }[];
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ slug: 'cache', provider: 'ssh', transport: 'ssh', endpoint: 'ssh://10.0.0.9:22', labels: { crabbox_exposed_ports: '6379' } });
  });

  it('filters by the normalized pond and the canonical provider', async () => {
    const io = newIO();
    writeClaims(io, FIXTURE);
    expect(await run(['peers', '--pond', 'Alpha', '--provider', 'aws-fixed-v1'], io)).toBe(0);
    expect(io.stdout()).toBe('db\tlease=cbx_000000000002\tprovider=aws\tpond=alpha\ttransport=pending\tnote="ssh endpoint not yet recorded for this lease"\n');
  });
});
