import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../providers/lifecycle/run-process';
import { parseTailnetStatus, tailnetStatus, tailscalePing, type TailscaleCli } from './tailnet-status';
import { writeFakeTailscale } from './testing/fake-tailscale';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pond-ts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fake = writeFakeTailscale(dir);
const cli = (env: Record<string, string>, command = fake.command): TailscaleCli => ({ run: runProcess, env, command, timeoutMs: 5000 });

const running = {
  BackendState: 'Running',
  CurrentTailnet: { Name: 'example.com' },
  Self: { HostName: 'laptop', DNSName: 'laptop.example.ts.net.', TailscaleIPs: ['100.64.0.1'], Online: true },
  Peer: {
    k1: { HostName: 'crabbox-web', DNSName: 'crabbox-web.example.ts.net.', TailscaleIPs: ['100.64.0.7', 'fd7a::7'], Online: true, Tags: ['tag:cbx-pond-user-alpha'] },
  },
};

describe('tailnetStatus', () => {
  it('reads a running tailnet with its peers', async () => {
    const status = await tailnetStatus(cli(fake.env({ status: running })));
    expect(status).toEqual({
      state: 'running',
      tailnet: 'example.com',
      selfIPs: ['100.64.0.1'],
      peers: [{ hostName: 'crabbox-web', dnsName: 'crabbox-web.example.ts.net', ips: ['100.64.0.7', 'fd7a::7'], online: true, tags: ['tag:cbx-pond-user-alpha'] }],
    });
  });

  it('says when Tailscale is installed but not running', async () => {
    expect(await tailnetStatus(cli(fake.env({ status: { BackendState: 'NeedsLogin' }, statusExit: 1 })))).toEqual({ state: 'not-running', backendState: 'NeedsLogin' });
    expect(await tailnetStatus(cli(fake.env({ status: { BackendState: 'Stopped' } })))).toEqual({ state: 'not-running', backendState: 'Stopped' });
  });

  it('reports a failing CLI with its first stderr line', async () => {
    const status = await tailnetStatus(cli(fake.env({ statusExit: 1, statusStderr: 'failed to connect to local tailscaled; it doesn’t appear to be running' })));
    expect(status).toEqual({ state: 'error', message: '`tailscale status` failed: failed to connect to local tailscaled; it doesn’t appear to be running' });
  });

  it('says when there is no tailscale command', async () => {
    const status = await tailnetStatus(cli({ PATH: dir }, path.join(dir, 'no-such-tailscale')));
    expect(status.state).toBe('no-cli');
    expect(status.state === 'no-cli' && status.message).toContain('is not installed, or its CLI is not on PATH');
  });

  it('refuses output that is not a status object', () => {
    expect(parseTailnetStatus('nope')).toMatchObject({ state: 'error' });
  });
});

describe('tailscalePing', () => {
  it('returns the pong line or the failure', async () => {
    expect(await tailscalePing(cli(fake.env({ pingLine: 'pong from crabbox-web (100.64.0.7) via DERP(fra) in 35ms' })), '100.64.0.7', 1000)).toEqual({
      ok: true,
      line: 'pong from crabbox-web (100.64.0.7) via DERP(fra) in 35ms',
    });
    expect(await tailscalePing(cli(fake.env({ pingLine: 'ping "100.64.0.7" timed out', pingExit: 1 })), '100.64.0.7', 1000)).toEqual({
      ok: false,
      message: 'ping "100.64.0.7" timed out',
    });
  });
});
