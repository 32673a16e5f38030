/** What a fault scenario is and reports, and the pond most of them share. */
import fs from 'node:fs';
import path from 'node:path';
import { startEcho, type TestService } from '../src/engine/mesh/testing/services';
import { startSshd, type Sshd } from '../src/engine/mesh/testing/sshd';
import { addMembers, connectPond, memberReady, type MemberSpec } from './pond';
import { startServe, type Serve } from './serve';
import { Carrier, echoCheck, type CarrierFigures } from './traffic';
import { secondsSince } from './wait';

export interface ScenarioResult {
  /** Measured figures, in order: a name and a value with its unit. */
  figures: Array<[string, string]>;
  /** What did not hold; empty when the scenario passed. */
  problems: string[];
}

export interface ScenarioContext {
  /** A directory of its own, removed afterwards. */
  dir: string;
  /** A progress line on stderr. */
  say(message: string): void;
  /** Runs at the end of the scenario, newest first, whatever happened. */
  defer(cleanup: () => unknown): void;
}

export interface Scenario {
  name: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** The scenario cannot run here (a missing command, no permission): reported as a failure, never skipped. */
export class CannotRun extends Error {}

export const seconds = (value: number) => `${value.toFixed(1)} s`;

/** The bystanders' figures and, when they did not carry data throughout, the problem. */
export function bystanderReport(figures: CarrierFigures, result: ScenarioResult): void {
  result.figures.push(['bystander exchanges', `${figures.exchanges} (${figures.mib} MiB), ${figures.failures} failed`]);
  if (figures.exchanges === 0) result.problems.push('the other members carried no data');
  if (figures.failures > 0) result.problems.push(`the other members' forwards failed ${figures.failures} times: ${figures.errors.join('; ')}`);
}

export interface FaultPond {
  serve: Serve;
  echo: TestService;
  /** Local port of each member's forward. */
  ports: Map<string, number>;
  bystanders: Carrier;
}

/**
 * `pond serve` holding pond `faults`: the victim (whatever sshd the scenario gives it) and
 * two bystanders on sshds of their own, their forwards kept busy from now on.
 */
export async function faultPond(context: ScenarioContext, victim: Omit<MemberSpec, 'slug' | 'remotePort'> & { remotePort?: number }, limitMs: number): Promise<FaultPond> {
  const echo = await startEcho();
  context.defer(() => echo.stop());
  const bystanders: Sshd[] = [];
  for (const name of ['b1', 'b2']) {
    const sshd = await startSshd({ dir: path.join(context.dir, `sshd-${name}`) });
    context.defer(() => sshd.stop());
    bystanders.push(sshd);
  }
  const root = path.join(context.dir, 'serve');
  fs.mkdirSync(root, { recursive: true });
  const serve = await startServe(root);
  context.defer(() => serve.stop());
  await addMembers(serve, 'faults', [
    { slug: 'victim', remotePort: echo.port, ...victim },
    { slug: 'b1', host: '127.0.0.1', sshd: bystanders[0]!, remotePort: echo.port },
    { slug: 'b2', host: '127.0.0.1', sshd: bystanders[1]!, remotePort: echo.port },
  ]);
  const ports = await connectPond(serve, 'faults');
  const carrier = new Carrier([ports.get('b1')!, ports.get('b2')!], limitMs).start();
  context.defer(() => carrier.stop());
  return { serve, echo, ports, bystanders: carrier };
}

/**
 * How every recovery scenario ends: the victim ready again within `timeoutMs` (its time back
 * since the fault ended reported as `label`) on the same local port and carrying data, and
 * the bystanders' figures.
 */
export async function victimBack(pond: FaultPond, result: ScenarioResult, back: { label: string; since: number; timeoutMs: number }): Promise<ScenarioResult> {
  const local = pond.ports.get('victim')!;
  const port = await memberReady(pond.serve, 'faults', 'victim', back.timeoutMs);
  result.figures.push([back.label, seconds(secondsSince(back.since))]);
  result.figures.push(['same local port', port === local ? 'yes' : `no (${local} → ${port})`]);
  if (port !== local) result.problems.push(`the victim came back on port ${port}, not ${local}`);
  await echoCheck(local);
  bystanderReport(await pond.bystanders.stop(), result);
  return result;
}
