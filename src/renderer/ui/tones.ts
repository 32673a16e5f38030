/** Which colour a state is painted in (styles.css `.badge.<tone>`); the words are the contract's (mesh-words.ts). */
import type { ForwardTone, MeshMemberShape, PondConnection } from '../../contract/index';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'pending' | 'info';

export const CONNECTION_TONES: Record<PondConnection, Tone> = {
  'not-connected': 'neutral',
  connecting: 'pending',
  connected: 'ok',
  degraded: 'warn',
  reconnecting: 'warn',
  failed: 'bad',
};

const FORWARD_TONES: Record<ForwardTone, Tone> = { ready: 'ok', connecting: 'pending', reconnecting: 'warn', failed: 'bad', stopped: 'neutral', warn: 'warn' };

export function forwardTone(tone: ForwardTone): Tone {
  return FORWARD_TONES[tone];
}

export function sessionTone(state: MeshMemberShape['session']['state']): Tone {
  switch (state) {
    case 'ready':
      return 'ok';
    case 'failed':
      return 'bad';
    case 'reconnecting':
      return 'warn';
    case 'stopped':
      return 'neutral';
    default:
      return 'pending';
  }
}
