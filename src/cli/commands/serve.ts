import { fileURLToPath } from 'node:url';
import { createHandlers } from '../../api/handlers';
import { startHost } from '../../host/server';
import { parseFlags, portFlag } from '../args';
import { createCliEngine } from '../engine';
import type { CliCommand } from '../types';

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

  --port N        listen on port N (default: a free port)
  --renderer DIR  serve the UI from DIR (default: the built renderer)`,
  async run(args, io) {
    const { values } = parseFlags(args, { port: { type: 'string' }, renderer: { type: 'string' } });
    const port = portFlag(values.port, '--port') ?? 0;
    const engine = createCliEngine(io, { live: true });
    const host = await startHost({
      handlers: createHandlers(engine),
      bus: engine.bus,
      rendererDir: values.renderer ?? defaultRendererDir(),
      port,
      log: (message) => io.err(`${message}\n`),
    });
    await engine.start();
    io.out(`Pond Desktop is serving on ${host.origin}\nOpen: ${host.url}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await host.close();
    await engine.stop();
    return 0;
  },
};
