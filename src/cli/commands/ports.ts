/**
 * `pond ports [NAME]`, `pond ports set NAME MEMBER:REMOTE=LOCAL...`, `pond ports reset NAME
 * [MEMBER[:REMOTE]]...`: the local port of each forward, chosen or remembered. Through the
 * owner of the forwards when one runs (a connected forward moves to its new port at once),
 * else straight in the settings file the owner reads when it next connects.
 */
import type { LocalCall } from '../../api/local-client';
import type { PortChoiceShape } from '../../contract/index';
import { goQuote } from '../../lib/go-quote';
import { parseFlags } from '../args';
import { withEngine } from '../engine';
import { findOwner, withOwner } from '../owner';
import { checkPortSpecs, parseForwardRef, parsePortSpec } from '../port-specs';
import { UsageError, type CliCommand, type CliIO } from '../types';
import { pondNameArg } from './env';

/** Runs `body` against the owner of the forwards, or the settings file when none runs. */
async function withPorts<T>(io: CliIO, body: (call: LocalCall) => Promise<T>): Promise<T> {
  const owner = await findOwner(io);
  if (owner) return withOwner(owner, (client) => body(client.call.bind(client) as LocalCall));
  return withEngine(io, ({ call }) => body(call));
}

const dash = (port: number | null) => (port === null ? '-' : String(port));

function table(rows: readonly PortChoiceShape[]): string {
  const head = ['POND', 'MEMBER', 'REMOTE', 'CHOSEN', 'REMEMBERED', 'NOW'];
  const cells = rows.map((r) => [r.pond, r.member, String(r.remotePort), dash(r.chosen), dash(r.remembered), r.localPort === null ? '-' : `127.0.0.1:${r.localPort}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  return [head, ...cells].map((c) => c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

const forwardName = (r: Pick<PortChoiceShape, 'pond' | 'member' | 'remotePort'>) => `${r.member}:${r.remotePort} of pond ${goQuote(r.pond)}`;

async function list(io: CliIO, pond: string | undefined, json: boolean): Promise<number> {
  const { forwards } = await withPorts(io, (call) => call('ports:list', pond === undefined ? {} : { pond }));
  if (json) io.out(`${JSON.stringify({ forwards })}\n`);
  else if (forwards.length === 0) io.out(pond === undefined ? 'no forward has a chosen or remembered port yet\n' : `pond ${goQuote(pond)} has no forwards (no member declares exposed ports)\n`);
  else io.out(table(forwards));
  return 0;
}

async function set(io: CliIO, pond: string, specs: readonly string[]): Promise<number> {
  if (specs.length === 0) throw new UsageError('pond ports set needs at least one MEMBER:REMOTE=LOCAL, e.g. api:8080=15432');
  const parsed = specs.map(parsePortSpec);
  checkPortSpecs(parsed);
  return withPorts(io, async (call) => {
    for (const spec of parsed) {
      const row = await call('ports:set', { pond, ...spec });
      const now = row.localPort === spec.localPort ? '; it listens there now' : '';
      io.out(`${forwardName(row)}: chose 127.0.0.1:${spec.localPort}${now}\n`);
    }
    return 0;
  });
}

async function reset(io: CliIO, pond: string, refs: readonly string[]): Promise<number> {
  const selections = refs.length === 0 ? [{}] : refs.map(parseForwardRef);
  return withPorts(io, async (call) => {
    let count = 0;
    for (const selection of selections) {
      const { reset: done } = await call('ports:reset', { pond, ...selection });
      for (const row of done) {
        const now = row.localPort !== null ? `; it listens on 127.0.0.1:${row.localPort} now` : '';
        io.out(`${forwardName(row)}: back to an automatic port${now}\n`);
      }
      count += done.length;
    }
    if (count === 0) io.out(`pond ${goQuote(pond)} has no chosen ports${refs.length > 0 ? ` for ${refs.join(', ')}` : ''}\n`);
    return 0;
  });
}

export const ports: CliCommand = {
  name: 'ports',
  summary: 'list the local port of each forward, choose one, or go back to automatic ports',
  usage: `usage: pond ports [<name>] [--json]
       pond ports set <name> MEMBER:REMOTE=LOCAL...
       pond ports reset <name> [MEMBER[:REMOTE]]...

Each forward (pond, member, remote port) listens on a local port: one you chose, or
else the one it had last time, or else the first free one in 51820–52819. A chosen
port is kept across restarts and wins over the remembered one.

  pond ports [<name>]    lists every forward with a chosen or remembered port (with
                         <name>, every forward of that pond) and the port it listens on now
  pond ports set         chooses LOCAL (1024–65535) for MEMBER's REMOTE port, e.g.
                         \`pond ports set alpha api:8080=15432\`; refused, naming why, when
                         the port is taken. A connected forward moves there at once;
                         connections already open keep going
  pond ports reset       forgets the choices of the pond, of a member (web) or of one
                         forward (web:8080); connected forwards move back at once

  --json   (list) {"forwards": [{"pond","member","remotePort","chosen","remembered","localPort"}]}

\`pond connect <name> --port MEMBER:REMOTE=LOCAL\` chooses ports on the way too.`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } });
    const [verb, ...rest] = positionals;
    if (verb === 'set' || verb === 'reset') {
      if (values.json) throw new UsageError(`--json is for listing, not pond ports ${verb}`);
      const pond = pondNameArg(rest.slice(0, 1), `ports ${verb}`);
      return verb === 'set' ? set(io, pond, rest.slice(1)) : reset(io, pond, rest.slice(1));
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
    return list(io, positionals.length === 1 ? pondNameArg(positionals, 'ports') : undefined, values.json === true);
  },
};
