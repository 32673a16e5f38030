/**
 * Reconnecting ponds when Pond Desktop starts (the per-pond switch "reconnect when Pond
 * Desktop starts", `restoreOnStart` in the settings): each pond connects in the background,
 * and once every member had its first try the results go to the tray's status line and,
 * when any pond did not come up whole, into one notification. A pond that no longer exists
 * is skipped, reported once, and its switch turned off so it is not reported again.
 *
 * The headless agent does not restore: it starts on demand for a command and stops when
 * idle, so connecting ponds by itself would keep it running with nobody asking.
 */
import type { LocalCall } from '../api/local-client';
import { sessionBadge, type MeshPondShape } from '../contract/index';
import type { PondNotice } from './notifications';

export type RestoreOutcome =
  /** Every member that has an address is up. */
  | { pond: string; result: 'connected' }
  /** Some members are not up after their first try; each line says who and why. */
  | { pond: string; result: 'trouble'; problems: string[] }
  /** Connecting failed outright (e.g. no member has exposed ports any more). */
  | { pond: string; result: 'failed'; problem: string }
  /** No claim or hand-added host carries the pond any more. */
  | { pond: string; result: 'gone' };

export type RestoreState = { phase: 'idle' } | { phase: 'running'; ponds: string[] } | { phase: 'done'; outcomes: RestoreOutcome[] };

export interface RestoreDeps {
  call: LocalCall;
  /** Calls `listener` on every change of a member's health; returns the unsubscribe. */
  onHealth(listener: () => void): () => void;
  timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  /** How long to wait for the members' first tries before reporting what there is. */
  settleMs: number;
  log(message: string): void;
}

/** Every member had its first try: up, failed, waiting for an address, or trying again after an error. */
function tried(pond: MeshPondShape): boolean {
  return pond.members.every(({ session: s }) => s.state !== 'connecting' || s.lastError !== null);
}

function outcomeOf(pond: MeshPondShape): RestoreOutcome {
  const problems = pond.members.flatMap((m) => (m.session.state === 'ready' || m.session.state === 'waiting' ? [] : [`${m.member} — ${sessionBadge(m.session)}`]));
  return problems.length === 0 ? { pond: pond.pond, result: 'connected' } : { pond: pond.pond, result: 'trouble', problems };
}

export class StartupRestore {
  private current: RestoreState = { phase: 'idle' };

  constructor(private readonly deps: RestoreDeps) {}

  get state(): RestoreState {
    return this.current;
  }

  /** While a pond is being restored its own failure notices wait for the one restore report. */
  restoring(pond: string): boolean {
    return this.current.phase === 'running' && this.current.ponds.includes(pond);
  }

  async run(ponds: readonly string[]): Promise<RestoreOutcome[]> {
    if (ponds.length === 0) return [];
    this.current = { phase: 'running', ponds: [...ponds] };
    this.deps.log(`restore: reconnecting ${ponds.map((p) => `"${p}"`).join(', ')} (reconnect when Pond Desktop starts)`);
    const overview = await this.deps.call('ponds:list');
    const known = new Set(overview.ponds.map((p) => p.name));
    const readable = overview.claimsDirState !== 'unreadable';
    const outcomes: RestoreOutcome[] = [];
    for (const pond of ponds) {
      if (!known.has(pond) && readable) {
        outcomes.push({ pond, result: 'gone' });
        await this.deps.call('ponds:setRestore', { pond, restore: false });
        continue;
      }
      try {
        await this.deps.call('mesh:connect', { pond });
        outcomes.push(outcomeOf(await this.settle(pond)));
      } catch (error) {
        outcomes.push({ pond, result: 'failed', problem: (error as Error).message });
      }
    }
    for (const outcome of outcomes) this.deps.log(`restore: ${describeOutcome(outcome)}`);
    this.current = { phase: 'done', outcomes };
    return outcomes;
  }

  /** The pond once every member had its first try, or as it is after settleMs. */
  private settle(pond: string): Promise<MeshPondShape> {
    const status = async () => (await this.deps.call('mesh:status', { pond })).ponds[0] ?? { pond, members: [] };
    return new Promise((resolve) => {
      let finished = false;
      const finish = (shape: MeshPondShape) => {
        if (finished) return;
        finished = true;
        this.deps.timers.clearTimeout(timer);
        unsubscribe();
        resolve(shape);
      };
      const check = () =>
        void status().then(
          (shape) => tried(shape) && finish(shape),
          () => undefined,
        );
      const timer = this.deps.timers.setTimeout(() => void status().then(finish, () => finish({ pond, members: [] })), this.deps.settleMs);
      const unsubscribe = this.deps.onHealth(check);
      check();
    });
  }
}

function describeOutcome(outcome: RestoreOutcome): string {
  switch (outcome.result) {
    case 'connected':
      return `"${outcome.pond}" reconnected`;
    case 'trouble':
      return `"${outcome.pond}" is not fully up: ${outcome.problems.join('; ')}`;
    case 'failed':
      return `"${outcome.pond}" could not be reconnected: ${outcome.problem}`;
    case 'gone':
      return `"${outcome.pond}" no longer exists; it will not be reconnected at start any more`;
  }
}

function names(outcomes: readonly RestoreOutcome[]): string {
  return outcomes.map((o) => o.pond).join(', ');
}

/** The tray's line about the restore: under way, or how it went. Null when nothing is restored. */
export function restoreLine(state: RestoreState): string | null {
  if (state.phase === 'idle') return null;
  if (state.phase === 'running') return `Reconnecting ${state.ponds.length === 1 ? state.ponds[0] : `${state.ponds.length} ponds`} from last time…`;
  if (state.outcomes.length === 0) return null;
  const by = (result: RestoreOutcome['result']) => state.outcomes.filter((o) => o.result === result);
  const parts = [
    by('connected').length > 0 ? `${names(by('connected'))} reconnected` : '',
    by('trouble').length > 0 ? `${names(by('trouble'))} not fully up` : '',
    by('failed').length > 0 ? `${names(by('failed'))} failed` : '',
    by('gone').length > 0 ? `${names(by('gone'))} no longer ${by('gone').length === 1 ? 'exists' : 'exist'}` : '',
  ].filter((part) => part !== '');
  return `At start: ${parts.join(' · ')}`;
}

/** One notification when any pond did not come back whole; null when all did. */
export function restoreNotice(outcomes: readonly RestoreOutcome[]): PondNotice | null {
  const bad = outcomes.filter((o) => o.result !== 'connected');
  if (bad.length === 0) return null;
  const lines = bad.map((o) => {
    switch (o.result) {
      case 'trouble':
        return `${o.pond}: ${o.problems.join('; ')}.`;
      case 'failed':
        return `${o.pond}: ${o.problem}.`;
      default:
        return `${o.pond} no longer exists; it will not be reconnected at start any more.`;
    }
  });
  const first = bad[0]!;
  return {
    pond: first.pond,
    title: bad.length === 1 ? `Pond ${first.pond} did not come back at start` : `${bad.length} ponds did not come back at start`,
    body: `${lines.join(' ')} Open Pond Desktop to see why and what to do.`,
  };
}
