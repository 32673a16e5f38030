/**
 * Connected forwards: a real connection through each local listener. The listener always
 * accepts; what matters is whether the SSH channel behind it opens. When the member
 * refuses the channel (nothing listens on the remote port) the mesh hangs up at once, so
 * a hang-up without data inside a short grace period is a failure. Data, or a connection
 * still open when the grace period ends, means traffic gets through.
 */
import type { ForwardSpec } from '../../mesh/types';
import type { CheckDeps, Checker, CheckOutcome } from './types';

type Probe = { forward: ForwardSpec; ok: true; how: string } | { forward: ForwardSpec; ok: false; reason: string };

async function probe(forward: ForwardSpec, deps: CheckDeps, signal: AbortSignal): Promise<Probe> {
  const tcp = await deps.connect('127.0.0.1', forward.localPort, deps.connectTimeoutMs, signal);
  if (!tcp.ok) return { forward, ok: false, reason: `local listener 127.0.0.1:${forward.localPort}: ${tcp.reason}` };
  const socket = tcp.socket;
  return new Promise((resolve) => {
    const graceOver = AbortSignal.any([AbortSignal.timeout(deps.forwardGraceMs), signal]);
    let settled = false;
    const finish = (result: Probe) => {
      if (settled) return;
      settled = true;
      graceOver.removeEventListener('abort', onGraceOver);
      socket.destroy();
      resolve(result);
    };
    const onGraceOver = () => finish(signal.aborted ? { forward, ok: false, reason: 'cancelled' } : { forward, ok: true, how: 'connection held open' });
    socket.once('data', () => finish({ forward, ok: true, how: 'the service answered' }));
    socket.once('end', () => finish({ forward, ok: false, reason: `the member closed the channel to port ${forward.remotePort} at once (is anything listening there?)` }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ forward, ok: false, reason: error.code === 'ECONNRESET' ? `the channel to port ${forward.remotePort} was reset` : error.message }),
    );
    if (graceOver.aborted) onGraceOver();
    else graceOver.addEventListener('abort', onGraceOver, { once: true });
  });
}

export const forwardProbe: Checker = {
  id: 'forward-probe',
  title: 'forward channel',
  applies: ({ member }) => member.forwards.length > 0,
  async run({ member, deps }, signal): Promise<CheckOutcome> {
    const probes = await Promise.all(member.forwards.map((f) => probe(f, deps, signal)));
    const lines = probes.map((p) =>
      p.ok
        ? `127.0.0.1:${p.forward.localPort} -> ${member.name}:${p.forward.remotePort}: ok (${p.how})`
        : `127.0.0.1:${p.forward.localPort} -> ${member.name}:${p.forward.remotePort}: ${p.reason}`,
    );
    const failed = probes.filter((p): p is Extract<Probe, { ok: false }> => !p.ok);
    if (failed.length === 0) {
      const n = probes.length;
      return { status: 'ok', summary: `${n} forward${n === 1 ? '' : 's'} carr${n === 1 ? 'ies' : 'y'} traffic`, detail: lines.join('\n'), fixes: [] };
    }
    const ports = failed.map((p) => p.forward.remotePort).join(', ');
    return {
      status: 'fail',
      summary: `forward${failed.length === 1 ? '' : 's'} to ${member.name} port ${ports} ${failed.length === 1 ? 'does' : 'do'} not carry traffic`,
      detail: lines.join('\n'),
      fixes: [
        `Start the service on ${member.name} (it must listen on port ${ports}, on 127.0.0.1 or all interfaces).`,
        'If the member was restarted, reconnect the pond so its forwards are re-opened.',
      ],
      appFixes: [
        `Start the service on ${member.name} (it must listen on port ${ports}, on 127.0.0.1 or all interfaces).`,
        'If the member was restarted, choose Disconnect and then Connect so its forwards are opened again.',
      ],
      reason: failed[0]?.reason,
    };
  },
};
