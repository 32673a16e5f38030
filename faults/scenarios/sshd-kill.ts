/** sshd killed (SIGKILL, every connection with it) and restarted a few seconds later. */
import path from 'node:path';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { memberInState } from '../pond';
import { faultPond, seconds, victimBack, type Scenario, type ScenarioResult } from '../scenario';
import { echoCheck } from '../traffic';
import { secondsSince, sleep } from '../wait';

export const sshdKill: Scenario = {
  name: 'sshd-kill',
  title: 'sshd killed and restarted',
  async run(context) {
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd-victim') });
    context.defer(() => sshd.stop());
    const pond = await faultPond(context, { host: '127.0.0.1', sshd }, 5 * 60_000);
    const { serve } = pond;
    const local = pond.ports.get('victim')!;
    await echoCheck(local);
    const result: ScenarioResult = { figures: [], problems: [] };

    const killed = Date.now();
    await sshd.stop();
    await memberInState(serve, 'faults', 'victim', ['reconnecting'], 60_000);
    result.figures.push(['drop noticed after', seconds(secondsSince(killed))]);
    context.say('victim sshd killed; restarting it in 5 s');
    await sleep(5_000);
    const restarted = Date.now();
    await sshd.restart();
    return victimBack(pond, result, { label: 'back after restart', since: restarted, timeoutMs: 60_000 });
  },
};
