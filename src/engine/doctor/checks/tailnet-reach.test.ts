import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../../providers/lifecycle/run-process';
import { closedPort, startEcho, type TestService } from '../../mesh/testing/services';
import { tailnetStatus, tailscalePing, type TailscaleCli } from '../tailnet-status';
import { member, testCheckDeps } from '../testing/check-deps';
import { writeFakeTailscale } from '../testing/fake-tailscale';
import type { CheckDeps } from './types';
import { isTailnetIPv4, tailnetReach } from './tailnet-reach';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pond-tailnet-'));
const fake = writeFakeTailscale(dir);
let service: TestService;
beforeAll(async () => {
  service = await startEcho();
});
afterAll(async () => {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

const IP = '100.64.0.7';
const target = (port: number) => ({ host: '127.0.0.1', port, fallbackPorts: [], user: 'crabbox', auth: { kind: 'agent' as const, socket: '' }, knownHostsPath: '' });

/** The network from this machine to 100.64.0.0/10 is down: every connection times out. */
const unreachable: CheckDeps['connect'] = async () => ({ ok: false, reason: 'i/o timeout', code: 'ETIMEDOUT', timedOut: true });

function withTailscale(options: Parameters<typeof fake.env>[0], over: Partial<CheckDeps> = {}): CheckDeps {
  const cli: TailscaleCli = { run: runProcess, env: fake.env(options), command: fake.command, timeoutMs: 5000 };
  return testCheckDeps({ connect: unreachable, tailnetStatus: () => tailnetStatus(cli), tailscalePing: (ip, ms) => tailscalePing(cli, ip, ms), ...over });
}

const peer = (online: boolean) => ({
  BackendState: 'Running',
  CurrentTailnet: { Name: 'example.com' },
  Self: { TailscaleIPs: ['100.64.0.1'] },
  Peer: { a: { HostName: 'crabbox-db', DNSName: 'crabbox-db.example.ts.net.', TailscaleIPs: [IP], Online: online } },
});

const tailnetMember = (endpoint = IP, extra = {}) => member('db', { transport: 'tailnet', endpoint }, extra);
const run = (deps: CheckDeps, m = tailnetMember()) => tailnetReach.run({ pond: 'alpha', member: m, deps }, new AbortController().signal);

describe('tailnet reachability check', () => {
  it('knows the tailnet range', () => {
    expect(isTailnetIPv4('100.64.0.1')).toBe(true);
    expect(isTailnetIPv4('100.127.255.255')).toBe(true);
    expect(isTailnetIPv4('100.128.0.1')).toBe(false);
    expect(isTailnetIPv4('10.0.0.1')).toBe(false);
    expect(isTailnetIPv4('db.example.ts.net')).toBe(false);
  });

  it('is ok when the member accepts a connection (a refusal proves the host answered too)', async () => {
    const open = await run(testCheckDeps(), tailnetMember('127.0.0.1', { target: target(service.port) }));
    expect(open).toMatchObject({ status: 'ok', summary: `db is reachable from this machine over the tailnet (127.0.0.1:${service.port} accepts connections)` });
    const port = await closedPort();
    const refused = await run(testCheckDeps(), tailnetMember('127.0.0.1', { target: target(port) }));
    expect(refused).toMatchObject({ status: 'ok', summary: `db is reachable from this machine over the tailnet (127.0.0.1 answered; port ${port} is closed)` });
  });

  it('explains that this machine is not on the tailnet when there is no tailscale CLI', async () => {
    const cli: TailscaleCli = { run: runProcess, env: { PATH: dir }, command: path.join(dir, 'missing'), timeoutMs: 5000 };
    const result = await run(testCheckDeps({ connect: unreachable, tailnetStatus: () => tailnetStatus(cli) }));
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/^this machine is not on the tailnet: there is no `.*missing` command on this machine .*; db \(100\.64\.0\.7\) cannot be checked from here$/);
  });

  it('notices a tailnet address when the CLI is missing', async () => {
    const result = await run(testCheckDeps({ connect: unreachable, localAddresses: () => ['127.0.0.1', '100.101.1.2'] }));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('this machine has the tailnet address 100.101.1.2');
  });

  it('explains a stopped Tailscale', async () => {
    const result = await run(withTailscale({ status: { BackendState: 'Stopped' } }));
    expect(result).toMatchObject({ status: 'warn', summary: 'this machine is not on the tailnet: Tailscale is Stopped here; db (100.64.0.7) cannot be checked from here' });
  });

  it('warns when this machine does not see the member', async () => {
    const result = await run(withTailscale({ status: { ...peer(true), Peer: {} } }));
    expect(result).toMatchObject({ status: 'warn', summary: 'this machine is on the tailnet example.com but does not see db (100.64.0.7)' });
  });

  it('fails when the member is offline', async () => {
    expect(await run(withTailscale({ status: peer(false) }))).toMatchObject({ status: 'fail', reason: 'offline on the tailnet' });
  });

  it('warns when the tailnet path works but the policy blocks this machine', async () => {
    const result = await run(withTailscale({ status: peer(true), pingLine: 'pong from crabbox-db (100.64.0.7) via 10.0.0.2:41641 in 2ms' }));
    expect(result.status).toBe('warn');
    expect(result.summary).toBe(
      'the tailnet path to db works (pong from crabbox-db (100.64.0.7) via 10.0.0.2:41641 in 2ms), but TCP to 100.64.0.7:22: i/o timeout: the tailnet policy does not let this machine connect',
    );
  });

  it('fails when the member does not answer a tailnet ping', async () => {
    const result = await run(withTailscale({ status: peer(true), pingLine: 'ping "100.64.0.7" timed out', pingExit: 1 }));
    expect(result).toMatchObject({ status: 'fail', reason: 'ping "100.64.0.7" timed out' });
  });

  it('finds the member by its MagicDNS name', async () => {
    const result = await run(withTailscale({ status: peer(false) }), tailnetMember('crabbox-db.example.ts.net'));
    expect(result).toMatchObject({ status: 'fail', summary: 'db (crabbox-db.example.ts.net) is offline on the tailnet' });
  });
});
