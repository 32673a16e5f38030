/** Check dependencies for tests: real sockets and HTTP, short deadlines, no tailscale. */
import type { PeerRow } from '../../../contract/index';
import { defaultHttpClient } from '../../../lib/http';
import type { CheckDeps, DoctorMember } from '../checks/types';
import { tcpConnect } from '../tcp';

export function testCheckDeps(over: Partial<CheckDeps> = {}): CheckDeps {
  return {
    http: defaultHttpClient(),
    connect: tcpConnect,
    knownHostsFile: '/nonexistent/known_hosts',
    tailnetStatus: async () => ({ state: 'no-cli', message: 'there is no `tailscale` command on this machine' }),
    tailscalePing: async () => ({ ok: false, message: 'no tailscale' }),
    localAddresses: () => ['127.0.0.1'],
    connectTimeoutMs: 5000,
    urlTimeoutMs: 5000,
    forwardGraceMs: 300,
    ...over,
  };
}

export function member(name: string, row: Partial<PeerRow>, extra: Partial<DoctorMember> = {}): DoctorMember {
  return {
    name,
    row: { slug: name, leaseID: `cbx_${name}`, provider: 'hetzner', pond: 'alpha', transport: 'none', endpoint: '', ...row },
    forwards: [],
    ...extra,
  };
}
