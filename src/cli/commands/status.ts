/**
 * `pond status [NAME] [--json]`: every forward the owner holds -- pond, member, remote
 * port, local address, state and last error -- like `tailscale status`.
 */
import { forwardBadge, sessionBadge, type MeshStatusShape, type OwnerInfoShape } from '../../contract/index';
import { parseFlags } from '../args';
import { findOwner, ownerName, withOwner } from '../owner';
import { UsageError, type CliCommand } from '../types';
import { pondNameArg } from './env';

interface Row {
  pond: string;
  member: string;
  remotePort: number;
  localAddress: string | null;
  state: string;
  lastError: string | null;
}

function rows(status: MeshStatusShape): Row[] {
  return status.ponds.flatMap((p) =>
    p.members.flatMap((m) =>
      m.forwards.map((f) => ({
        pond: p.pond,
        member: m.member,
        remotePort: f.remotePort,
        localAddress: f.localPort === null ? null : `127.0.0.1:${f.localPort}`,
        state: f.state === 'failed' || f.state === 'ready' ? forwardBadge(f).text : sessionBadge(m.session),
        lastError: f.lastError ?? (m.session.state === 'failed' ? m.session.lastError : null),
      })),
    ),
  );
}

function table(list: Row[]): string {
  const head = ['POND', 'MEMBER', 'REMOTE', 'LOCAL', 'STATE', 'LAST ERROR'];
  const cells = list.map((r) => [r.pond, r.member, String(r.remotePort), r.localAddress ?? '-', r.state, r.lastError ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  return [head, ...cells].map((c) => c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

export const status: CliCommand = {
  name: 'status',
  summary: 'list every forward held right now: pond, member, ports, state, last error',
  usage: `usage: pond status [NAME] [--json]

Lists every forward held right now by the process that owns this user's forwards
(Pond Desktop, pond serve or the pond agent): pond, member, remote port, local
address, state and the last error. With NAME, only that pond.

  --json   {"owner": {"kind","pid","processStartedAt","endpoint","version","ponds"} | null,
            "forwards": [{"pond","member","remotePort","localAddress","state","lastError"}]}`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
    const pond = positionals.length === 1 ? pondNameArg(positionals, 'status') : undefined;
    const owner = await findOwner(io);
    let info: OwnerInfoShape | null = null;
    let list: Row[] = [];
    if (owner) {
      [info, list] = await withOwner(owner, async (client) => [await client.call('owner:info'), rows(await client.call('mesh:status', pond === undefined ? {} : { pond }))] as const);
    }
    if (values.json) {
      io.out(`${JSON.stringify({ owner: info, forwards: list })}\n`);
      return 0;
    }
    if (!info) {
      io.out('no forwards are held: no Pond Desktop app, pond serve or pond agent is running\n');
      return 0;
    }
    io.out(list.length === 0 ? `no forwards are held${pond ? ` for pond "${pond}"` : ''} (owner: ${ownerName(info)})\n` : `${table(list)}(owner: ${ownerName(info)})\n`);
    return 0;
  },
};
