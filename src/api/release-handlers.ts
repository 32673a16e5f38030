import type { Engine } from './engine';
import { PondError } from '../lib/errors';
import type { ReleaseSummary } from '../engine/release';
import type { Handlers } from './dispatch';

/** Why a finished release is an error for the caller; the full summary went out as `finished`. */
function failure(summary: ReleaseSummary): PondError | undefined {
  const who = (status: string) =>
    summary.members
      .filter((m) => m.outcome.status === status)
      .map((m) => m.slug || m.id)
      .join(', ');
  if (summary.status === 'failed') {
    const details = summary.members
      .flatMap((m) => (m.outcome.status === 'failed' ? [`${m.slug || m.id} (${m.provider}/${m.id}): ${m.outcome.message}`] : []))
      .join('; ');
    return new PondError('UNAVAILABLE', `${summary.message}. Failed: ${details}`);
  }
  if (summary.status === 'cancelled') {
    const released = who('released');
    return new PondError('CANCELLED', `${summary.message}. ${released ? `Already released: ${released}.` : 'Nothing was released.'}`);
  }
  return undefined;
}

/**
 * The release channels. A release is not tied to the window that started it: closing the
 * window (ctx.signal) does not cancel it, only `release:cancel` does.
 */
export function releaseHandlers(engine: Engine): Pick<Handlers, 'release:plan' | 'release:start' | 'release:cancel'> {
  const { release, bus } = engine;
  return {
    'release:plan': async ({ pond }) => ({ ...(await release.plan(pond)), running: release.isRunning(pond) }),
    'release:start': async ({ pond, members }) => {
      const summary = await release.start(pond, {
        confirmed: members,
        onProgress: (event) => bus.emit('release:progress', event),
      });
      bus.emit('release:progress', { pond: summary.pond, phase: 'finished', summary });
      const error = failure(summary);
      if (error) throw error;
      return summary;
    },
    'release:cancel': async ({ pond }) => release.cancel(pond),
  };
}
