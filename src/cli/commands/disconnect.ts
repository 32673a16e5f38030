/**
 * `pond disconnect NAME | --all`: stops a pond's forwards (or every pond's) wherever they
 * are held -- Pond Desktop, pond serve or the pond agent -- and removes their files.
 */
import type { ControlClient } from '../../agent/control-client';
import { goQuote } from '../../lib/go-quote';
import { parseFlags } from '../args';
import { withEngine } from '../engine';
import { findOwner, withOwner } from '../owner';
import { UsageError, type CliCommand, type CliIO } from '../types';
import { pondNameArg } from './env';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function disconnectPonds(io: CliIO, client: ControlClient, pond: string | null): Promise<number> {
  const before = await client.call('mesh:status', pond === null ? {} : { pond });
  const held = before.ponds.filter((p) => p.members.some((m) => m.forwards.some((f) => f.state !== 'stopped')));
  if (pond === null) await client.call('mesh:disconnectAll');
  else if (held.length > 0) await client.call('mesh:disconnect', { pond });
  if (held.length === 0) {
    io.out(pond === null ? 'no pond has forwards up\n' : `pond ${goQuote(pond)} has no forwards up\n`);
    return 0;
  }
  for (const p of held) {
    const forwards = p.members.flatMap((m) => m.forwards.filter((f) => f.state !== 'stopped'));
    io.out(`pond ${goQuote(p.pond)}: stopped ${plural(forwards.length, 'forward')} and removed its env and hosts files\n`);
  }
  return 0;
}

export const disconnect: CliCommand = {
  name: 'disconnect',
  summary: "stop a pond's forwards (or every pond's) and remove their files",
  usage: `usage: pond disconnect <name>
       pond disconnect --all

Stops the forwards of pond <name> -- or of every pond with --all -- wherever they are
held (Pond Desktop, pond serve or the pond agent), and removes the pond's env and hosts
files. Prints how many forwards it stopped, or that none were up; exit 0 either way.

  --all   every pond`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { all: { type: 'boolean' } });
    if (values.all && positionals.length > 0) throw new UsageError('give a pond name or --all, not both');
    const pond = values.all ? null : pondNameArg(positionals, 'disconnect');
    const owner = await findOwner(io);
    if (owner) return withOwner(owner, (client) => disconnectPonds(io, client, pond));
    for (const line of await withEngine(io, ({ engine }) => engine.sweepStaleFiles())) io.err(`${line}\n`);
    io.out(pond === null ? 'no pond has forwards up (no Pond Desktop process is running)\n' : `pond ${goQuote(pond)} has no forwards up (no Pond Desktop process is running)\n`);
    return 0;
  },
};
