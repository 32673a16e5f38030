/** A pond of hand-added hosts in `pond serve`, connected and waited for. */
import type { MeshMemberShape, MeshStatusShape } from '../src/contract/index';
import type { Sshd } from '../src/engine/mesh/testing/sshd';
import type { Serve } from './serve';
import { bounded } from './wait';

export interface MemberSpec {
  slug: string;
  /** Where the member's sshd listens (127.0.0.1, or an address in a namespace). */
  host: string;
  sshd: Sshd;
  /** Which of the sshd's ports (default its first). */
  sshPort?: number;
  /** The port exposed on the member (an echo service there). */
  remotePort: number;
}

export async function addMembers(serve: Serve, pond: string, members: readonly MemberSpec[]): Promise<void> {
  for (const m of members) {
    const reply = await serve.must<{ ok: boolean; errors?: unknown }>('hosts:add', {
      pond,
      slug: m.slug,
      host: m.host,
      port: m.sshPort ?? m.sshd.port,
      user: m.sshd.user,
      identityFile: m.sshd.clientKeyPath,
      expose: [String(m.remotePort)],
    });
    if (!reply.ok) throw new Error(`hosts:add ${m.slug}: ${JSON.stringify(reply.errors)}`);
  }
}

function readyPort(member: MeshMemberShape | undefined): number | undefined {
  const forward = member?.forwards[0];
  return member?.session.state === 'ready' && forward?.state === 'ready' && forward.localPort !== null ? forward.localPort : undefined;
}

/** Connects the pond and waits until every member's forward is ready; its local port by member. */
export async function connectPond(serve: Serve, pond: string, limitMs = 60_000): Promise<Map<string, number>> {
  await serve.must('mesh:connect', { pond });
  return bounded(`every forward of pond ${pond} to be ready`, limitMs, async () => {
    const status = await serve.must<MeshStatusShape>('mesh:status', { pond });
    const members = status.ponds[0]?.members ?? [];
    const ports = new Map(members.map((m) => [m.member, readyPort(m)] as const));
    if (members.length === 0 || [...ports.values()].some((p) => p === undefined)) return undefined;
    return new Map([...ports].map(([name, port]) => [name, port!]));
  }, 50);
}

/** Waits until the member's session is ready with its forward up again; its local port. */
export function memberReady(serve: Serve, pond: string, member: string, limitMs: number): Promise<number> {
  return bounded(`${member} to be ready`, limitMs, async () => readyPort(await serve.member(pond, member)), 100);
}

/** Waits until the member's session is in `state` (and, for `failed`, for `reason`). */
export function memberInState(serve: Serve, pond: string, member: string, states: readonly string[], limitMs: number): Promise<MeshMemberShape> {
  return bounded(`${member} to be ${states.join(' or ')}`, limitMs, async () => {
    const found = await serve.member(pond, member);
    return found && states.includes(found.session.state) ? found : undefined;
  }, 100);
}
