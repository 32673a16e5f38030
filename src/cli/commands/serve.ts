import { fileURLToPath } from 'node:url';
import { startOwner, type RunningOwner } from '../../agent/owner-process';
import { proxyBus, proxyHandlers } from '../../agent/proxy';
import { createHandlers } from '../../api/handlers';
import { startHost } from '../../host/server';
import { parseFlags, portFlag } from '../args';
import { findOwner, ownerName } from '../owner';
import type { CliCommand } from '../types';
import { VERSION } from '../version';

/** The built renderer sits beside the built CLI: out/cli/pond.js → out/renderer/. */
export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

export const serve: CliCommand = {
  name: 'serve',
  summary: 'serve the Pond Desktop UI on 127.0.0.1 for a browser (headless machines)',
  usage: `usage: pond serve [--port N] [--renderer DIR]

Starts the loopback web host: the same UI and API as the desktop app, bound to
127.0.0.1 only. Prints the URL to open; it carries a random token that changes on
every start. Stops on Ctrl-C.

When Pond Desktop or the pond agent already holds this user's forwards, the page works
on theirs; otherwise pond serve holds them itself, until it stops.

  --port N        listen on port N (default: a free port)
  --renderer DIR  serve the UI from DIR (default: the built renderer)`,
  async run(args, io) {
    const { values } = parseFlags(args, { port: { type: 'string' }, renderer: { type: 'string' } });
    const port = portFlag(values.port, '--port') ?? 0;
    const log = (message: string) => io.err(`${message}\n`);
    const client = await findOwner(io);
    let owner: RunningOwner | undefined;
    if (!client) owner = await startOwner({ kind: 'serve', pathEnv: io.pathEnv, version: VERSION, log, cwd: io.cwd, idleMs: null });
    const host = await startHost({
      handlers: owner ? createHandlers(owner.engine) : proxyHandlers(client!),
      bus: owner ? owner.engine.bus : proxyBus(client!),
      rendererDir: values.renderer ?? defaultRendererDir(),
      port,
      log,
    });
    const holder = client ? `the forwards are held by ${ownerName(await client.call('owner:info'))}` : 'this process holds the forwards until it stops';
    io.out(`Pond Desktop is serving on ${host.origin} (${holder})\nOpen: ${host.url}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
      void client?.closed.then(() => {
        io.err('pond serve: the process holding the forwards stopped; run pond serve again\n');
        resolve();
      });
    });
    await host.close();
    client?.close();
    await owner?.stop('signal');
    return 0;
  },
};
