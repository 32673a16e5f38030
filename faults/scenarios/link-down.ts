/**
 * The member's network link down for 75 s, then up: the member's sshd runs in a network
 * namespace of its own behind a veth pair, and this side of the pair goes down. Nothing
 * closes; the keepalive has to notice, and the backoff has to find the way back.
 */
import path from 'node:path';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { createNamespace } from '../netns';
import { memberInState } from '../pond';
import { faultPond, seconds, victimBack, type Scenario, type ScenarioResult } from '../scenario';
import { echoCheck } from '../traffic';
import { secondsSince, sleep } from '../wait';

const DOWN_MS = 75_000;
const ECHO_PORT = 8080;

export const linkDown: Scenario = {
  name: 'link-down',
  title: 'network link down 75 s, then up (network namespace)',
  async run(context) {
    const ns = await createNamespace();
    context.defer(() => ns.remove());
    await ns.startEcho(ECHO_PORT);
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd-victim'), listenAddress: ns.address, launcher: ns.launcher });
    context.defer(() => sshd.stop());
    const pond = await faultPond(context, { host: ns.address, sshd, remotePort: ECHO_PORT }, 6 * 60_000);
    const { serve } = pond;
    const local = pond.ports.get('victim')!;
    await echoCheck(local);
    const result: ScenarioResult = { figures: [], problems: [] };

    const down = Date.now();
    ns.linkDown();
    context.defer(() => ns.linkUp());
    context.say(`the victim's link is down for ${DOWN_MS / 1000} s`);
    await memberInState(serve, 'faults', 'victim', ['reconnecting'], DOWN_MS);
    result.figures.push(['keepalive noticed the dead link after', seconds(secondsSince(down))]);
    await sleep(Math.max(0, down + DOWN_MS - Date.now()));
    const up = Date.now();
    ns.linkUp();
    return victimBack(pond, result, { label: 'back after the link came up', since: up, timeoutMs: 90_000 });
  },
};
