/**
 * sshd frozen with SIGSTOP (listener and connections: nothing answers, nothing closes)
 * for 50 s, past the keepalive (15 s × 2), then thawed. While the connection still looks
 * up, a new local client must be given up on within channelWaitMs (10 s).
 */
import net from 'node:net';
import path from 'node:path';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { memberInState } from '../pond';
import { faultPond, seconds, victimBack, type Scenario, type ScenarioResult } from '../scenario';
import { echoCheck } from '../traffic';
import { secondsSince, sleep } from '../wait';

const FROZEN_MS = 50_000;
const CHANNEL_WAIT_S = 10;

/** Connects and sends a little; resolves with how long until the connection was closed on it (or the limit). */
function heldFor(port: number, limitMs: number): Promise<{ seconds: number; answered: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    let answered = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ seconds: secondsSince(started), answered });
    };
    const timer = setTimeout(done, limitMs);
    socket.on('connect', () => socket.write('anyone there?'));
    socket.on('data', () => (answered = true));
    socket.on('error', done);
    socket.on('close', done);
  });
}

export const sshdFreeze: Scenario = {
  name: 'sshd-freeze',
  title: 'sshd frozen (SIGSTOP) past the keepalive, then thawed',
  async run(context) {
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd-victim') });
    context.defer(() => sshd.thaw());
    context.defer(() => sshd.stop());
    const pond = await faultPond(context, { host: '127.0.0.1', sshd }, 5 * 60_000);
    const { serve } = pond;
    const local = pond.ports.get('victim')!;
    await echoCheck(local);
    const result: ScenarioResult = { figures: [], problems: [] };

    const frozen = Date.now();
    sshd.freeze();
    context.say(`victim sshd frozen for ${FROZEN_MS / 1000} s`);
    await sleep(2_000);
    // The session still says ready: nothing has told it the server is gone.
    const held = await heldFor(local, 60_000);
    result.figures.push(['new client on the silent connection, closed after', seconds(held.seconds)]);
    if (held.answered) result.problems.push('a frozen sshd answered a new client');
    if (held.seconds > CHANNEL_WAIT_S + 1.5) result.problems.push(`a new client waited ${held.seconds} s, more than the documented ${CHANNEL_WAIT_S} s`);
    await memberInState(serve, 'faults', 'victim', ['reconnecting'], 90_000);
    result.figures.push(['keepalive noticed the silence after', seconds(secondsSince(frozen))]);
    await sleep(Math.max(0, frozen + FROZEN_MS - Date.now()));
    const thawed = Date.now();
    sshd.thaw();
    return victimBack(pond, result, { label: 'back after thaw', since: thawed, timeoutMs: 90_000 });
  },
};
