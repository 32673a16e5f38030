/**
 * What the release dialog knows about each member while a release runs, folded from
 * `release:progress` events, and how each state reads on screen.
 */
import type { MemberResultShape, ReleaseProgressShape, ReleaseSummaryShape } from '../../../contract/index';

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export type MemberProgress =
  | { phase: 'queued' }
  | { phase: 'running' }
  | { phase: 'done'; result: MemberResultShape };

export interface ReleaseProgressState {
  /** The normalized pond name the events are for. */
  pond: string;
  members: Record<string, MemberProgress>;
  summary?: ReleaseSummaryShape;
}

export function initialProgress(pond: string): ReleaseProgressState {
  return { pond, members: {} };
}

/** Folds one event in; events for other ponds leave the state as it is. */
export function applyProgress(state: ReleaseProgressState, event: ReleaseProgressShape): ReleaseProgressState {
  if (event.pond !== state.pond) return state;
  switch (event.phase) {
    case 'queued':
      // A new run of the same pond starts from a clean slate.
      if (state.summary) return { pond: state.pond, members: { [event.key]: { phase: 'queued' } } };
      return { ...state, members: { ...state.members, [event.key]: { phase: 'queued' } } };
    case 'running':
      return { ...state, members: { ...state.members, [event.key]: { phase: 'running' } } };
    case 'done':
      return { ...state, members: { ...state.members, [event.key]: { phase: 'done', result: event.result } } };
    case 'finished':
      return { ...state, summary: event.summary };
  }
}

export type Tone = 'ok' | 'warn' | 'bad' | 'stopped';

export interface StatusView {
  label: string;
  tone: Tone;
  /** Why, when there is more to say (crabbox's message, the skip reason). */
  detail?: string;
}

export function memberStatus(progress: MemberProgress | undefined, action: 'stop' | 'forget'): StatusView | undefined {
  if (!progress) return undefined;
  switch (progress.phase) {
    case 'queued':
      return { label: 'queued', tone: 'stopped' };
    case 'running':
      return { label: action === 'stop' ? 'stopping…' : 'forgetting…', tone: 'warn' };
    case 'done': {
      const { outcome } = progress.result;
      switch (outcome.status) {
        case 'released':
          if (outcome.claim === 'retained') {
            return { label: 'released, claim kept', tone: 'ok', detail: 'stopped; crabbox keeps the claim for the reusable resource' };
          }
          return { label: outcome.claim === 'forgotten' ? 'forgotten' : 'released', tone: 'ok' };
        case 'failed':
          return { label: 'failed', tone: 'bad', detail: outcome.message };
        case 'skipped':
          return { label: 'skipped', tone: outcome.warning ? 'warn' : 'stopped', detail: outcome.reason };
        case 'cancelled':
          return { label: 'not started', tone: 'stopped', detail: 'the release was cancelled before this member' };
      }
    }
  }
}

/** Members whose stop is still queued or running. */
export function inFlight(state: ReleaseProgressState): number {
  return Object.values(state.members).filter((m) => m.phase !== 'done').length;
}

/** The summary in the window's words, from its counts (crabbox's `member(s)` line is the CLI's). */
export function summaryText(summary: ReleaseSummaryShape): string {
  const { counts } = summary;
  const total = summary.members.length;
  if (total === 0) return `Pond ${summary.pond} has nothing to release.`;
  const done = counts.released + counts.retained + counts.forgotten;
  const parts = [`${done} of ${count(total, 'member', 'members')} released`];
  if (counts.retained > 0) parts.push(`crabbox keeps the claim of ${count(counts.retained, 'reusable machine', 'reusable machines')}`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (counts.cancelled > 0) parts.push(`${counts.cancelled} not started because the release was stopped`);
  return `Pond ${summary.pond}: ${parts.join(', ')}.`;
}

/** The typed confirmation matches the pond shown (case and spaces aside). */
export function confirmMatches(typed: string, pond: string): boolean {
  return typed.trim().toLowerCase() === pond.toLowerCase();
}
