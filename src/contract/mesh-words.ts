/**
 * The words for connection states, once, for every face: the window's badges and
 * sentences, the tray's status line and menu, and the CLI's state lines. Pure functions of
 * the contract's mesh shapes.
 */
import type { MeshConnectionShape, MeshForwardShape, MeshMemberShape, MeshPondShape } from './mesh';

type Session = MeshMemberShape['session'];
type FailureReason = Extract<Session, { state: 'failed' }>['reason'];

/** A pond's connection in one word: the worst active member decides. */
export type PondConnection = MeshConnectionShape['connection'];

export const CONNECTION_WORDS: Record<PondConnection, string> = {
  'not-connected': 'not connected',
  connecting: 'connecting',
  connected: 'connected',
  degraded: 'degraded',
  reconnecting: 'reconnecting',
  failed: 'failed',
};

export interface PondConnectionSummary {
  connection: PondConnection;
  forwardsReady: number;
  forwardsTotal: number;
}

/**
 * Stopped members do not count; a pond is connected only when every active member is up and
 * no remote port is closed. A member waiting for its address counts as connecting, never as failed.
 */
export function pondConnection(pond: MeshPondShape | undefined): PondConnectionSummary {
  const active = (pond?.members ?? []).filter((m) => m.session.state !== 'stopped');
  const forwards = active.flatMap((m) => m.forwards);
  const forwardsReady = forwards.filter((f) => f.state === 'ready').length;
  const states = active.map((m) => m.session.state);
  let connection: PondConnection;
  if (active.length === 0) connection = 'not-connected';
  else if (states.every((s) => s === 'failed')) connection = 'failed';
  else if (states.every((s) => s === 'ready')) connection = forwards.some((f) => f.remote === 'closed') ? 'degraded' : 'connected';
  else if (states.includes('ready') || states.includes('failed')) connection = 'degraded';
  else if (states.includes('reconnecting')) connection = 'reconnecting';
  else connection = 'connecting';
  return { connection, forwardsReady, forwardsTotal: forwards.length };
}

const FAILURE_WORDS: Record<FailureReason, string> = {
  'retries-exhausted': 'gave up reconnecting',
  'host-key-changed': 'host key changed',
  'host-key-revoked': 'host key revoked',
  'key-unusable': 'SSH key unusable',
  'no-target': 'no SSH target',
  'port-unavailable': 'no local port',
};

const WAITING = 'waiting for an address';

function seconds(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

/** The session in a short phrase, for a badge. */
export function sessionBadge(session: Session): string {
  if (session.state === 'waiting') return WAITING;
  return session.state === 'failed' ? FAILURE_WORDS[session.reason] : session.state;
}

/** The session in a sentence: what happens now and what the user can do. */
export function sessionText(session: Session, now: number): string {
  switch (session.state) {
    case 'waiting':
      return `Waiting for an address: ${session.detail}. It connects by itself once the address is known.`;
    case 'connecting':
      if (session.retryAt !== null) return `Attempt ${session.attempt} failed: ${session.lastError ?? 'unknown error'}. Next attempt in ${seconds(session.retryAt - now)}.`;
      return session.attempt > 1 ? `Connecting (attempt ${session.attempt})…` : 'Connecting…';
    case 'ready':
      return `Connected on SSH port ${session.port}.`;
    case 'reconnecting':
      if (session.retryAt !== null) return `Connection lost: ${session.lastError}. Local ports stay open; next attempt in ${seconds(session.retryAt - now)}.`;
      return `Connection lost: ${session.lastError}. Reconnecting now; local ports stay open.`;
    case 'failed':
      if (session.reason === 'host-key-changed') return 'The host presented a different key than the one on record. Nothing connects until the old key is removed.';
      // The engine's words name no button; the window has Retry now for these two.
      if (session.reason === 'retries-exhausted') return `${session.lastError}. Retry now tries again at once.`;
      if (session.reason === 'key-unusable') return `${session.lastError}. Retry now asks again.`;
      return session.lastError;
    case 'stopped':
      return 'Disconnected.';
  }
}

/** The session in one lower-case line, for terminals and tooltips. */
export function sessionLine(session: Session, now: number): string {
  switch (session.state) {
    case 'waiting':
      return `${WAITING} (${session.detail})`;
    case 'connecting':
      if (session.retryAt !== null && session.lastError) return `connecting (attempt ${session.attempt + 1} in ${seconds(session.retryAt - now)}; last error: ${session.lastError})`;
      return 'connecting';
    case 'ready':
      return `connected on port ${session.port}`;
    case 'reconnecting':
      if (session.retryAt !== null) return `reconnecting in ${seconds(session.retryAt - now)} (${session.lastError})`;
      return `reconnecting (${session.lastError})`;
    case 'failed':
      if (session.hostKey) {
        const h = session.hostKey;
        return `host key changed for ${h.host}:${h.port}: known ${h.knownFingerprints.join(', ')}, presented ${h.presentedFingerprint}; remove the old key to trust the new one`;
      }
      return `failed: ${session.lastError}`;
    case 'stopped':
      return 'disconnected';
  }
}

export type ForwardTone = 'ready' | 'connecting' | 'reconnecting' | 'failed' | 'stopped' | 'warn';

/** One word or phrase per forward; a remote port nobody listens on is never shown as up. */
export function forwardBadge(forward: MeshForwardShape): { text: string; tone: ForwardTone } {
  switch (forward.state) {
    case 'ready':
      return forward.remote === 'closed' ? { text: 'remote port closed', tone: 'warn' } : { text: 'ready', tone: 'ready' };
    case 'failed':
      return { text: FAILURE_WORDS[forward.reason], tone: 'failed' };
    case 'waiting':
      return { text: WAITING, tone: 'connecting' };
    default:
      return { text: forward.state, tone: forward.state };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A pond's forwards in one line: `1 of 3 forwards up, 1 member failed, 1 waiting for an address`. */
export function pondSummary(pond: MeshPondShape): string {
  const forwards = pond.members.flatMap((m) => m.forwards);
  const ready = forwards.filter((f) => f.state === 'ready').length;
  const failed = pond.members.filter((m) => m.session.state === 'failed').length;
  const waiting = pond.members.filter((m) => m.session.state === 'waiting').length;
  const parts = [`${ready} of ${plural(forwards.length, 'forward')} up`];
  if (failed > 0) parts.push(`${plural(failed, 'member')} failed`);
  if (waiting > 0) parts.push(`${failed > 0 ? waiting : plural(waiting, 'member')} ${WAITING}`);
  return parts.join(', ');
}
