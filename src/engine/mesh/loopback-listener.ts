/**
 * A forward's listener: a `net.Server` on 127.0.0.1:<port>, bound with `exclusive` so the
 * port is really ours (crabbox probes and releases, which races with anything else starting
 * at the same time — spec §5.4). The data plane binds it in the member's worker thread; the
 * `pond connect --json` preview binds it where it runs.
 */
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Buffering per accepted connection before backpressure (Node's default is 16 KiB). */
export const LOCAL_SOCKET_BUFFER_BYTES = 256 * 1024;

/** A bound listener, wherever it lives. */
export interface PortListener {
  /** Stops listening; resolves once the connections it accepted are gone and the port is free. */
  close(): Promise<void>;
  /** Stops taking connections, while those it accepted keep going; resolves once the port is free. */
  letGo(): Promise<void>;
}

/** `code`: the errno name (`EADDRINUSE`, `EACCES`, …) when the port could not be bound. */
export type ListenResult<L extends PortListener> = { ok: true; listener: L } | { ok: false; code: string };

export interface LoopbackListener extends PortListener {
  readonly server: net.Server;
}

export function listenLoopback(port: number, onConnection: (socket: net.Socket) => void): Promise<ListenResult<LoopbackListener>> {
  return new Promise((resolve) => {
    // pauseOnConnect: bytes stay in the kernel until the SSH channel is open to take them.
    // highWaterMark: a tick's batch of 32 KiB channel packets fits without pausing the channel.
    // allowHalfOpen: a program that ends its side still gets the member's reply, as with ssh -L.
    const server = net.createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true, highWaterMark: LOCAL_SOCKET_BUFFER_BYTES }, onConnection);
    const onError = (error: NodeJS.ErrnoException) => {
      server.close();
      resolve({ ok: false, code: error.code ?? 'EUNKNOWN' });
    };
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve({
        ok: true,
        listener: {
          server,
          close: () => new Promise<void>((done) => server.close(() => done())),
          // The listening socket closes at once; the callback would wait for the connections.
          letGo: async () => void server.close(),
        },
      });
    });
  });
}
