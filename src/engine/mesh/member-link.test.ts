import { describe, expect, it } from 'vitest';
import { DataPlane } from './data-plane/data-plane';
import type { Forward } from './forward';
import { MemberLink } from './member-link';
import { ChannelError } from './session';
import type { MeshMember } from './types';

const base: MeshMember = { pond: 'alpha', name: 'web', leaseID: 'cbx_1', provider: 'aws', origin: 'crabbox', target: null, ports: [8080] };
const running = { isRunning: true } as Forward;
/** Never used without a session: no thread starts. */
const lane = new DataPlane(1).lane();

describe('MemberLink without a session', () => {
  it('is stopped until one of its forwards runs', async () => {
    const link = new MemberLink({ ...base, pending: true, targetProblem: 'no address yet' }, lane);
    expect(link.health).toEqual({ state: 'stopped' });
    await expect(link.openChannel(8080, 0)).rejects.toThrow('web is disconnected');
  });

  it('waits, not fails, while crabbox has not recorded the address', async () => {
    const link = new MemberLink({ ...base, pending: true, targetProblem: 'ssh endpoint not yet recorded for this lease' }, lane);
    link.forwards.set(8080, running);
    expect(link.health).toEqual({ state: 'waiting', detail: 'ssh endpoint not yet recorded for this lease' });
    await expect(link.openChannel(8080, 0)).rejects.toThrow(new ChannelError('session-unavailable', 'web has no SSH address yet'));
  });

  it('fails with the reason when no target can be made', async () => {
    const link = new MemberLink({ ...base, targetProblem: 'no SSH key for this lease' }, lane);
    link.forwards.set(8080, running);
    expect(link.health).toEqual({ state: 'failed', reason: 'no-target', lastError: 'no SSH key for this lease', hostKey: null });
    await expect(link.openChannel(8080, 0)).rejects.toThrow('no SSH key for this lease');
  });
});
