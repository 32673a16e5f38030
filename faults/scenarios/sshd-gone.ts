/**
 * sshd gone for 3 minutes: long enough for the backoff to give up (10 attempts, ~150 s).
 * When it is back the member must reconnect by itself (the once-a-minute reachability
 * check), with nobody choosing Retry.
 */
import path from 'node:path';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { memberInState } from '../pond';
import { faultPond, seconds, victimBack, type Scenario, type ScenarioResult } from '../scenario';
import { echoCheck } from '../traffic';
import { secondsSince, sleep } from '../wait';

const GONE_MS = 180_000;

export const sshdGone: Scenario = {
  name: 'sshd-gone',
  title: 'sshd gone 3 minutes, then back',
  async run(context) {
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd-victim') });
    context.defer(() => sshd.stop());
    const pond = await faultPond(context, { host: '127.0.0.1', sshd }, 8 * 60_000);
    const { serve } = pond;
    const local = pond.ports.get('victim')!;
    await echoCheck(local);
    const result: ScenarioResult = { figures: [], problems: [] };

    const gone = Date.now();
    await sshd.stop();
    context.say(`victim sshd gone for ${GONE_MS / 1000} s`);
    const failed = await memberInState(serve, 'faults', 'victim', ['failed'], GONE_MS);
    result.figures.push(['gave up reconnecting after', seconds(secondsSince(gone))]);
    if (failed.session.state === 'failed' && failed.session.reason !== 'retries-exhausted') result.problems.push(`the victim failed for ${failed.session.reason}`);
    await sleep(Math.max(0, gone + GONE_MS - Date.now()));
    const back = Date.now();
    await sshd.restart();
    context.say('victim sshd back; waiting for the member to notice by itself');
    return victimBack(pond, result, { label: 'reconnected by itself after', since: back, timeoutMs: 120_000 });
  },
};
