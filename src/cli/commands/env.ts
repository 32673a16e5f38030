/**
 * `pond env NAME [--format F]`: the export lines of a connected pond, read from its live
 * env file (`$HOME/.crabbox/pond/<pond>/env`, kept current by `pond connect` and by
 * Pond Desktop) and rendered for the shell asked for.
 */
import { exportFormatSchema, type ExportFormatShape } from '../../contract/index';
import { goQuote } from '../../lib/go-quote';
import { requestedPondName } from '../../lib/names';
import { parseFlags } from '../args';
import { withEngine } from '../engine';
import { findOwner, withOwner } from '../owner';
import { UsageError, type CliCommand } from '../types';

export function pondNameArg(positionals: readonly string[], command: string): string {
  if (positionals.length > 1) {
    throw new UsageError(`expected one pond name, got ${positionals.length} arguments; quote a name that contains spaces`);
  }
  const raw = positionals[0] ?? '';
  const pond = requestedPondName(raw);
  if (!pond.ok) throw new UsageError(pond.error);
  if (pond.name === '') throw new UsageError(`usage: pond ${command} <name>`);
  return pond.name;
}

export function exportFormatFlag(value: string | undefined): ExportFormatShape {
  const format = exportFormatSchema.safeParse((value ?? 'sh').trim().toLowerCase());
  if (!format.success) throw new UsageError(`--format must be one of ${exportFormatSchema.options.join(', ')} (got ${JSON.stringify(value)})`);
  return format.data;
}

export const env: CliCommand = {
  name: 'env',
  summary: "print a connected pond's CRABBOX_POND_* exports for sh, fish, PowerShell, dotenv or JSON",
  usage: `usage: pond env <name> [--format sh|fish|powershell|dotenv|json]

Prints the CRABBOX_POND_<PEER>_<PORT>=127.0.0.1:<local> exports of pond <name>: exactly
the forwards that are up right now, as the process holding them (Pond Desktop, pond
serve or the pond agent) reports them. Exits 1 when nothing holds the pond's forwards;
it never prints from a file a stopped process left behind (such files are removed).

  --format F   sh (default): export NAME=value      eval "$(pond env alpha)"
               fish:         set -gx NAME value     pond env alpha --format fish | source
               powershell:   $env:NAME = "value"    pond env alpha --format powershell | Invoke-Expression
               dotenv:       NAME=value             pond env alpha --format dotenv > .env
               json:         {"NAME": "value", …}`,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { format: { type: 'string', short: 'f' } });
    const format = exportFormatFlag(values.format);
    const pond = pondNameArg(positionals, 'env');
    const owner = await findOwner(io);
    const view = owner ? await withOwner(owner, (client) => client.call('exports:get', { pond, format })) : null;
    if (view?.source === 'mesh' && view.lines.length > 0) {
      io.out(view.text);
      return 0;
    }
    if (!owner) for (const line of await withEngine(io, ({ engine }) => engine.sweepStaleFiles())) io.err(`${line}\n`);
    const holder = owner ? 'its forwards are not up' : 'no Pond Desktop process holds any forwards';
    io.err(`pond ${goQuote(pond)} is not connected (${holder}); connect it with \`pond connect ${pond} --export\` or in Pond Desktop\n`);
    return 1;
  },
};
