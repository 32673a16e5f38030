/** One TCP connection attempt with a deadline, reporting why it failed in Go's words. */
import net from 'node:net';
import { describeNetError } from './net-errors';

export type TcpResult =
  | { ok: true; socket: net.Socket }
  | { ok: false; reason: string; code: string | undefined; timedOut: boolean };

export function tcpConnect(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpResult> {
  return new Promise((resolve) => {
    const stop = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    let settled = false;
    const finish = (result: TcpResult) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', onStop);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const onConnect = () => finish({ ok: true, socket });
    const onError = (error: Error) =>
      finish({ ok: false, reason: describeNetError(error), code: (error as NodeJS.ErrnoException).code, timedOut: false });
    const onStop = () =>
      finish(
        signal?.aborted
          ? { ok: false, reason: 'cancelled', code: 'ABORT_ERR', timedOut: false }
          : { ok: false, reason: 'i/o timeout', code: 'ETIMEDOUT', timedOut: true },
      );
    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
  });
}
