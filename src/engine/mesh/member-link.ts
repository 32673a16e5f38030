/**
 * One member of a connected pond as the mesh holds it: the member as last resolved, its SSH
 * session (replaced when its address changes), its forwards by remote port, and its lane
 * (the data-plane thread that holds the session's connection and the forwards' listeners).
 */
import type { Lane } from './data-plane/data-plane';
import { ChannelError, type MemberSession } from './session';
import type { ChannelSource, Forward } from './forward';
import type { SessionHealth } from './health';
import type { MeshMember } from './types';

export class MemberLink implements ChannelSource {
  session: MemberSession | null = null;
  readonly forwards = new Map<number, Forward>();
  /** Connected as a whole (the pond or the member): ports it exposes later are forwarded too. */
  follow = false;
  /**
   * A newer resolution with another address, held back while the session is ready: a
   * working connection is never cut for it; the next reconnect uses it.
   */
  next: MeshMember | null = null;

  constructor(
    public member: MeshMember,
    readonly lane: Lane,
  ) {}

  get health(): SessionHealth {
    if (this.session) return this.session.health;
    if (!this.active) return { state: 'stopped' };
    if (this.member.pending) return { state: 'waiting', detail: this.member.targetProblem ?? 'no SSH address is known yet' };
    return {
      state: 'failed',
      reason: 'no-target',
      lastError: this.member.targetProblem ?? `no SSH target is known for ${this.member.name}`,
      hostKey: null,
    };
  }

  /** Has a forward the user wants up. */
  get active(): boolean {
    return this.runningForwards().length > 0;
  }

  openChannel(remotePort: number, sourcePort: number) {
    if (this.session) return this.session.openChannel(remotePort, sourcePort);
    const health = this.health;
    const why =
      health.state === 'waiting' ? `${this.member.name} has no SSH address yet` : health.state === 'failed' ? health.lastError : `${this.member.name} is disconnected`;
    return Promise.reject(new ChannelError('session-unavailable', why));
  }

  runningForwards(): Forward[] {
    return [...this.forwards.values()].filter((f) => f.isRunning);
  }
}
