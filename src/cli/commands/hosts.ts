/**
 * `pond hosts list|add|edit|remove`: hand-added pond members (plain SSH hosts), kept in
 * the desktop app's settings file so the app and the CLI see the same list.
 */
import path from 'node:path';
import type { ManualMemberPatch, ManualMembers, ManualResult } from '../../engine/manual-members';
import type { ManualMember } from '../../engine/settings-store';
import { PondError } from '../../lib/errors';
import { parseFlags } from '../args';
import { withEngine } from '../engine';
import { UsageError, type CliCommand, type CliIO } from '../types';

const MEMBER_FLAGS = {
  pond: { type: 'string' },
  slug: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  'identity-file': { type: 'string' },
  expose: { type: 'string', multiple: true },
} as const;

const USAGE = `usage: pond hosts list [--json]
       pond hosts add --pond NAME --slug NAME --host HOST --user USER [--port N]
                      [--identity-file FILE] [--expose PORTS]...
       pond hosts edit <ID | POND/SLUG> [--pond NAME] [--slug NAME] [--host HOST]
                      [--user USER] [--port N] [--identity-file FILE | --agent]
                      [--expose PORTS]... [--no-expose]
       pond hosts remove <ID | POND/SLUG>

Hand-added hosts are plain SSH servers you add to a pond yourself. They are listed
beside crabbox's members as provider ssh and can be forwarded to like them. They live
in Pond Desktop's settings file, shared with the desktop app.

  --pond NAME           the pond (normalized like crabbox's --pond)
  --slug NAME           the member name within the pond, e.g. web
  --host HOST           host name or IP address of the SSH server
  --port N              SSH port (default 22)
  --user USER           login name on the host
  --identity-file FILE  private key to log in with (default: the SSH agent)
  --agent               (edit) forget the identity file and use the SSH agent
  --expose PORTS        ports on the host to forward, e.g. 8080 or 8080,9090;
                        repeatable; validated like crabbox's --expose
  --no-expose           (edit) forget the exposed ports
  --json                (list) print the hosts as JSON`;

/** One line describing how the host is reached. */
export function describeManualMember(m: ManualMember): string {
  const key = m.identityFile ? `key ${m.identityFile}` : 'ssh-agent';
  const ports = m.ports.length > 0 ? `ports ${m.ports.join(',')}` : 'no exposed ports';
  return `${m.pond}/${m.slug}\t${m.id}\tssh://${m.user}@${m.host}:${m.port}\t${key}\t${ports}`;
}

function absolute(file: string | undefined, io: CliIO): string | undefined {
  if (file === undefined || file.trim() === '' || file.startsWith('~') || path.isAbsolute(file)) return file;
  return path.resolve(io.cwd, file);
}

function outcome(result: ManualResult, verb: string, io: CliIO): number {
  if (!result.ok) {
    for (const error of result.errors) io.err(`pond hosts ${verb}: ${error.message}\n`);
    return 2;
  }
  io.out(`${verb === 'add' ? 'added' : 'updated'} ${describeManualMember(result.member)}\n`);
  return 0;
}

function resolveRef(members: ManualMembers, ref: string | undefined, verb: string): string {
  if (ref === undefined || ref.trim() === '') throw new UsageError(`pond hosts ${verb} needs the host's ID or POND/SLUG (see \`pond hosts list\`)`);
  const member = members.find(ref);
  if (!member) throw new PondError('NOT_FOUND', `no hand-added host ${JSON.stringify(ref)}; see \`pond hosts list\``);
  return member.id;
}

function noExtra(positionals: string[], expected: number): void {
  const extra = positionals[expected];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
}

export const hosts: CliCommand = {
  name: 'hosts',
  summary: 'list, add, edit or remove hand-added SSH hosts in ponds',
  usage: USAGE,
  run: (args, io) => withEngine(io, ({ engine }) => hostsCommand(args, io, engine.hosts)),
};

async function hostsCommand(args: string[], io: CliIO, hosts: ManualMembers): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list': {
      const { values, positionals } = parseFlags(rest, { json: { type: 'boolean' } });
      noExtra(positionals, 0);
      const members = hosts.list();
      if (values.json) io.out(`${JSON.stringify({ hosts: members })}\n`);
      else if (members.length === 0) io.out('no hand-added hosts; add one with `pond hosts add`\n');
      else io.out(members.map((m) => `${describeManualMember(m)}\n`).join(''));
      return 0;
    }
    case 'add': {
      const { values, positionals } = parseFlags(rest, MEMBER_FLAGS);
      noExtra(positionals, 0);
      const result = hosts.add({
        pond: values.pond ?? '',
        slug: values.slug ?? '',
        host: values.host ?? '',
        user: values.user ?? '',
        ...(values.port !== undefined ? { port: values.port } : {}),
        ...(values['identity-file'] !== undefined ? { identityFile: absolute(values['identity-file'], io) } : {}),
        expose: values.expose ?? [],
      });
      return outcome(result, 'add', io);
    }
    case 'edit': {
      const { values, positionals } = parseFlags(rest, {
        ...MEMBER_FLAGS,
        agent: { type: 'boolean' },
        'no-expose': { type: 'boolean' },
      });
      noExtra(positionals, 1);
      if (values.agent && values['identity-file'] !== undefined) throw new UsageError('give either --identity-file or --agent, not both');
      if (values['no-expose'] && values.expose) throw new UsageError('give either --expose or --no-expose, not both');
      const id = resolveRef(hosts, positionals[0], 'edit');
      const patch: ManualMemberPatch = {};
      for (const key of ['pond', 'slug', 'host', 'port', 'user'] as const) {
        const value = values[key];
        if (value !== undefined) patch[key] = value;
      }
      if (values['identity-file'] !== undefined) patch.identityFile = absolute(values['identity-file'], io);
      if (values.agent) patch.identityFile = '';
      if (values.expose) patch.expose = values.expose;
      if (values['no-expose']) patch.expose = [];
      return outcome(hosts.update(id, patch), 'edit', io);
    }
    case 'remove': {
      const { positionals } = parseFlags(rest, {});
      noExtra(positionals, 1);
      const removed = hosts.remove(resolveRef(hosts, positionals[0], 'remove'));
      io.out(`removed ${describeManualMember(removed)}\n`);
      return 0;
    }
    case undefined:
      throw new UsageError('pond hosts needs a subcommand: list, add, edit or remove');
    default:
      throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}; use list, add, edit or remove`);
  }
}
