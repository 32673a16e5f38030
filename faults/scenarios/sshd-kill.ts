/** sshd killed (SIGKILL, every connection with it) and restarted a few seconds later. */
import path from 'node:path';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { memberInState, memberReady } from '../pond';
import { bystanderReport, faultPond, seconds, type Scenario, type ScenarioResult } from '../scenario';
import { echoCheck } from '../traffic';
import { secondsSince, sleep } from '../wait';

export const sshdKill: Scenario = {
  name: 'sshd-kill',
  title: 'sshd killed and restarted',
  async run(context) {
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd-victim') });
    context.defer(() => sshd.stop());
    const { serve, ports, bystanders } = await faultPond(context, { host: '127.0.0.1', sshd }, 5 * 60_000);
    const local = ports.get('victim')!;
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
    const port = await memberReady(serve, 'faults', 'victim', 60_000);
    result.figures.push(['back after restart', seconds(secondsSince(restarted))]);
    result.figures.push(['same local port', port === local ? 'yes' : `no (${local} → ${port})`]);
    if (port !== local) result.problems.push(`the victim came back on port ${port}, not ${local}`);
    await echoCheck(local);
    bystanderReport(await bystanders.stop(), result);
    return result;
  },
};
