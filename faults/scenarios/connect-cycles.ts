/**
 * 300 connect/disconnect cycles of a 4-member pond: each cycle connects, moves data through
 * a forward, disconnects and checks the env file is gone when the call returns. The
 * process's open files and memory must stay flat.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEcho } from '../../src/engine/mesh/testing/services';
import { startSshd } from '../../src/engine/mesh/testing/sshd';
import { addMembers, connectPond } from '../pond';
import { seconds, type Scenario, type ScenarioResult } from '../scenario';
import { startServe } from '../serve';
import { echoCheck } from '../traffic';
import { bounded, secondsSince, sleep } from '../wait';

const CYCLES = 300;
/** Cycles before the baseline is taken: caches and the JIT warm up first. */
const WARM_UP = 30;
const MAX_RSS_GROWTH_MIB = 30;
const MAX_FD_GROWTH = 2;

export const connectCycles: Scenario = {
  name: 'connect-cycles',
  title: '300 connect/disconnect cycles',
  async run(context) {
    const echo = await startEcho();
    context.defer(() => echo.stop());
    const sshd = await startSshd({ dir: path.join(context.dir, 'sshd'), portCount: 4 });
    context.defer(() => sshd.stop());
    fs.mkdirSync(path.join(context.dir, 'serve'));
    const serve = await startServe(path.join(context.dir, 'serve'));
    context.defer(() => serve.stop());
    const slugs = ['c1', 'c2', 'c3', 'c4'];
    await addMembers(serve, 'cycles', slugs.map((slug, i) => ({ slug, host: '127.0.0.1', sshd, sshPort: sshd.ports[i]!, remotePort: echo.port })));
    const envFile = path.join(serve.env.HOME!, '.crabbox', 'pond', 'cycles', 'env');
    const result: ScenarioResult = { figures: [], problems: [] };
    /** After a pause, the lowest of a few readings: memory that garbage collection gives back is not growth. */
    const sample = async () => {
      await sleep(2_000);
      let rss = Infinity;
      for (let i = 0; i < 5; i += 1) {
        rss = Math.min(rss, serve.rssMiB());
        await sleep(500);
      }
      return { fds: serve.openFds(), rss };
    };
    let baseline = { fds: 0, rss: 0 };
    const began = Date.now();
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      const ports = await connectPond(serve, 'cycles', 30_000);
      await echoCheck(ports.get(slugs[cycle % slugs.length]!)!, 4096);
      // The file follows the forwards' ready state a moment later; it must come.
      await bounded(`cycle ${cycle}: the env file`, 10_000, () => fs.existsSync(envFile), 10);
      await serve.must('mesh:disconnect', { pond: 'cycles' });
      if (fs.existsSync(envFile)) result.problems.push(`cycle ${cycle}: the env file was still there when mesh:disconnect answered`);
      if (result.problems.length > 5) break;
      if (cycle === WARM_UP) baseline = await sample();
      if (cycle % 50 === 0) context.say(`${cycle} cycles`);
    }
    const took = secondsSince(began);
    const end = await sample();
    result.figures.push(['cycles', `${CYCLES} in ${seconds(took)} (${((took / CYCLES) * 1000).toFixed(0)} ms each)`]);
    result.figures.push([`open files after ${WARM_UP} / ${CYCLES} cycles`, `${baseline.fds} / ${end.fds}`]);
    result.figures.push([`memory (RSS) after ${WARM_UP} / ${CYCLES} cycles`, `${baseline.rss.toFixed(1)} / ${end.rss.toFixed(1)} MiB`]);
    if (end.fds - baseline.fds > MAX_FD_GROWTH) result.problems.push(`open files grew from ${baseline.fds} to ${end.fds}`);
    if (end.rss - baseline.rss > MAX_RSS_GROWTH_MIB) result.problems.push(`memory grew by ${(end.rss - baseline.rss).toFixed(1)} MiB (more than ${MAX_RSS_GROWTH_MIB})`);
    return result;
  },
};
