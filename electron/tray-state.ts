/**
 * Builds the tray's state from the same API the window uses, so the tray never shows
 * anything the window would not. Channels an area has not provided yet are treated as
 * empty, and a failing call becomes the tray's visible problem line.
 */
import type { Handlers } from './api/dispatch';
import { dispatch } from './api/dispatch';
import type { TrayState } from './tray';

export async function trayState(handlers: Handlers): Promise<TrayState> {
  const ctx = { transport: 'ipc' as const, signal: new AbortController().signal };
  const ponds = await dispatch(handlers, 'ponds:list', undefined, ctx);
  if ('error' in ponds) {
    return ponds.error.code === 'UNKNOWN_CHANNEL' ? { ponds: [] } : { ponds: [], problem: ponds.error.message };
  }
  return { ponds: [] };
}
