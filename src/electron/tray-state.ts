/**
 * Builds the tray's state from the same API the window uses (`ponds:list` and
 * `mesh:status`), so the tray never shows anything the window would not.
 */
import { pondConnection, type ChannelOutput } from '../contract/index';
import type { Handlers } from '../api/dispatch';
import type { TrayState } from './tray';

type Overview = ChannelOutput<'ponds:list'>;
type MeshStatus = ChannelOutput<'mesh:status'>;

export function trayStateFrom(overview: Overview, mesh: MeshStatus): TrayState {
  const byPond = new Map(mesh.ponds.map((p) => [p.pond, p]));
  const ponds = overview.ponds.map((p) => ({ name: p.name, members: p.memberCount, ...pondConnection(byPond.get(p.name)) }));
  const state: TrayState = { ponds };
  if (overview.claimsDirState === 'unreadable') state.problem = 'crabbox claims cannot be read — open Pond Desktop for details';
  else if (overview.problems.length > 0) state.problem = `${overview.problems.length} claim file(s) have problems — open Pond Desktop`;
  return state;
}

export async function trayState(handlers: Handlers): Promise<TrayState> {
  const ctx = { transport: 'ipc' as const, signal: new AbortController().signal };
  let overview: Overview;
  try {
    overview = await handlers['ponds:list'](undefined, ctx);
  } catch (error) {
    return { ponds: [], problem: (error as Error).message };
  }
  try {
    return trayStateFrom(overview, await handlers['mesh:status']({}, ctx));
  } catch (error) {
    return { ...trayStateFrom(overview, { ponds: [] }), problem: (error as Error).message };
  }
}
