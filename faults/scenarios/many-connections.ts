/** 1,000 connections at once through a 16-member pond, each with its own random bytes checked on the way back. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { exchange, startEcho } from '../../src/engine/mesh/testing/services';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { addMembers, connectPond } from '../pond';
import { seconds, type Scenario, type ScenarioResult } from '../scenario';
import { startServe } from '../serve';
import { secondsSince } from '../wait';

const MEMBERS = 16;
const CONNECTIONS = 1_000;
const BYTES = 64 * 1024;

export const manyConnections: Scenario = {
  name: 'many-connections',
  title: '1,000 concurrent connections through a 16-member pond',
  async run(context) {
    const echo = await startEcho();
    context.defer(() => echo.stop());
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd'), portCount: MEMBERS });
    context.defer(() => sshd.stop());
    fs.mkdirSync(path.join(context.dir, 'serve'));
    const serve = await startServe(path.join(context.dir, 'serve'));
    context.defer(() => serve.stop());
    const slugs = Array.from({ length: MEMBERS }, (_, i) => `m${String(i).padStart(2, '0')}`);
    await addMembers(serve, 'wide', slugs.map((slug, i) => ({ slug, host: '127.0.0.1', sshd, sshPort: sshd.ports[i]!, remotePort: echo.port })));
    const started = Date.now();
    const ports = await connectPond(serve, 'wide', 120_000);
    const result: ScenarioResult = { figures: [['16 members connected in', seconds(secondsSince(started))]], problems: [] };

    const began = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, i) => {
        const payload = randomBytes(BYTES);
        try {
          const back = await exchange(ports.get(slugs[i % MEMBERS]!)!, payload, BYTES, 180_000);
          return back.subarray(0, BYTES).equals(payload) ? null : `connection ${i}: the echo differs from what was sent`;
        } catch (error) {
          return `connection ${i}: ${(error as Error).message}`;
        }
      }),
    );
    const failed = outcomes.filter((o): o is string => o !== null);
    const took = secondsSince(began);
    result.figures.push(['connections verified', `${CONNECTIONS - failed.length} of ${CONNECTIONS}`]);
    result.figures.push(['bytes each way', `${((CONNECTIONS * BYTES) / (1024 * 1024)).toFixed(1)} MiB in ${seconds(took)}`]);
    if (failed.length > 0) result.problems.push(`${failed.length} connections failed: ${failed.slice(0, 3).join('; ')}`);
    return result;
  },
};
