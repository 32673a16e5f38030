import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startEcho, startNamedEcho, type TestService } from '../../mesh/testing/services';
import { member, testCheckDeps } from '../testing/check-deps';
import { forwardProbe } from './forward-probe';

let quiet: TestService;
let greeter: TestService;
let refusing: net.Server;
let refusingPort = 0;

beforeAll(async () => {
  quiet = await startEcho();
  greeter = await startNamedEcho('web');
  // What the mesh does when the member refuses the channel: accept, then hang up at once.
  refusing = net.createServer((socket) => socket.end());
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
  refusingPort = (refusing.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await quiet.stop();
  await greeter.stop();
  refusing.close();
});

const forward = (localPort: number, remotePort: number) => ({ peer: 'web', remotePort, localPort, leaseID: 'cbx_web' });
const run = (forwards: ReturnType<typeof forward>[]) =>
  forwardProbe.run({ pond: 'alpha', member: member('web', { transport: 'ssh' }, { forwards }), deps: testCheckDeps() }, new AbortController().signal);

describe('forward channel probe', () => {
  it('applies only to members with live forwards', () => {
    expect(forwardProbe.applies({ pond: 'alpha', member: member('web', {}), deps: testCheckDeps() })).toBe(false);
    expect(forwardProbe.applies({ pond: 'alpha', member: member('web', {}, { forwards: [forward(1, 2)] }), deps: testCheckDeps() })).toBe(true);
  });

  it('passes forwards whose far end answers or stays open', async () => {
    const result = await run([forward(greeter.port, 8080), forward(quiet.port, 9090)]);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('2 forwards carry traffic');
    expect(result.detail).toBe(
      `127.0.0.1:${greeter.port} -> web:8080: ok (the service answered)\n127.0.0.1:${quiet.port} -> web:9090: ok (connection held open)`,
    );
  });

  it('fails a forward whose channel is closed at once, and a listener that is gone', async () => {
    const gone = await closedPort();
    const result = await run([forward(quiet.port, 8080), forward(refusingPort, 5432), forward(gone, 6379)]);
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('forwards to web port 5432, 6379 do not carry traffic');
    expect(result.reason).toBe('the member closed the channel to port 5432 at once (is anything listening there?)');
    expect(result.detail).toContain(`127.0.0.1:${gone} -> web:6379: local listener 127.0.0.1:${gone}: connection refused`);
    expect(result.appFixes?.[1]).toBe('If the member was restarted, choose Disconnect and then Connect so its forwards are opened again.');
  });
});
