import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startEcho, type TestService } from '../mesh/testing/services';
import { tcpConnect } from './tcp';

let service: TestService;
beforeAll(async () => {
  service = await startEcho();
});
afterAll(() => service.stop());

describe('tcpConnect', () => {
  it('connects', async () => {
    const result = await tcpConnect('127.0.0.1', service.port, 5000);
    expect(result.ok).toBe(true);
    if (result.ok) result.socket.destroy();
  });

  it('says why it could not', async () => {
    const result = await tcpConnect('127.0.0.1', await closedPort(), 5000);
    expect(result).toEqual({ ok: false, reason: 'connection refused', code: 'ECONNREFUSED', timedOut: false });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await tcpConnect('127.0.0.1', service.port, 5000, controller.signal);
    expect(result).toMatchObject({ ok: false, reason: 'cancelled' });
  });
});
