/**
 * Builds the tray's state from the same API the window uses (`ponds:list` and
 * `mesh:status`), so the tray never shows anything the window would not.
 */
import { pondConnection, sessionBadge, type ChannelOutput } from '../contract/index';
import type { Handlers } from '../api/dispatch';
import type { TrayPond, TrayState } from './tray';

type Overview = ChannelOutput<'ponds:list'>;
type MeshStatus = ChannelOutput<'mesh:status'>;
type MeshPond = MeshStatus['ponds'][number];

/** What the tray shows of the app itself rather than of the ponds. */
export type TrayApp = Pick<TrayState, 'version' | 'startAtLogin' | 'notifications' | 'restore'>;

function pondOf(name: string, members: number, mesh: MeshPond | undefined): TrayPond {
  const sessions = (mesh?.members ?? []).map((m) => ({ member: m.member, session: m.session }));
  const notUp = sessions.filter(({ session }) => session.state !== 'ready' && session.state !== 'stopped');
  return {
    name,
    members,
    ...pondConnection(mesh),
    trouble: notUp.map(({ member, session }) => `${member} — ${sessionBadge(session)}`),
    retryable: notUp.some(({ session }) => session.state === 'failed' || session.state === 'reconnecting' || (session.state === 'connecting' && session.lastError !== null)),
  };
}

export function trayStateFrom(overview: Overview, mesh: MeshStatus, app: TrayApp): TrayState {
  const byPond = new Map(mesh.ponds.map((p) => [p.pond, p]));
  const state: TrayState = { ...app, ponds: overview.ponds.map((p) => pondOf(p.name, p.memberCount, byPond.get(p.name))) };
  if (overview.claimsDirState === 'unreadable') state.problem = 'crabbox claims cannot be read — open Pond Desktop for details';
  else if (overview.problems.length > 0) state.problem = `${overview.problems.length} claim file(s) have problems — open Pond Desktop`;
  return state;
}

export async function trayState(handlers: Handlers, app: TrayApp): Promise<TrayState> {
  const ctx = { transport: 'local' as const, signal: new AbortController().signal };
  let overview: Overview;
  try {
    overview = await handlers['ponds:list'](undefined, ctx);
  } catch (error) {
    return { ...app, ponds: [], problem: (error as Error).message };
  }
  try {
    return trayStateFrom(overview, await handlers['mesh:status']({}, ctx), app);
  } catch (error) {
    return { ...trayStateFrom(overview, { ponds: [] }, app), problem: (error as Error).message };
  }
}
