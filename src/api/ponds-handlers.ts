import type { Engine } from './engine';
import { PondError } from '../lib/errors';
import type { ManualResult } from '../engine/manual-members';
import { overviewOf } from '../engine/ponds';
import type { Handlers } from './dispatch';

/** Ponds (crabbox claims + hand-added hosts) and the hand-added hosts themselves. */
export function pondsHandlers(
  engine: Engine,
): Pick<Handlers, 'ponds:list' | 'ponds:get' | 'hosts:add' | 'hosts:update' | 'hosts:remove'> {
  const { ponds, hosts } = engine;
  // The settings watcher would notice too; reloading now makes the change visible before the call returns.
  // The window shows each refused field's words beside it; crabbox's flag-worded messages are the CLI's.
  const applied = (result: ManualResult) => {
    if (!result.ok) return { ok: false as const, errors: result.errors.map(({ field, form }) => ({ field, message: form })) };
    ponds.reloadManual();
    return result;
  };
  return {
    'ponds:list': async () => overviewOf(ponds.snapshot()),
    'ponds:get': async ({ name }) => {
      const pond = ponds.pond(name);
      if (!pond) {
        throw new PondError('NOT_FOUND', `no pond ${JSON.stringify(name)} on this machine: no crabbox claim or hand-added host carries it (any more)`);
      }
      return pond;
    },
    'hosts:add': async (input) => applied(hosts.add(input)),
    'hosts:update': async ({ id, patch }) => applied(hosts.update(id, patch)),
    'hosts:remove': async ({ id }) => {
      const removed = hosts.remove(id);
      ponds.reloadManual();
      return { removed };
    },
  };
}
