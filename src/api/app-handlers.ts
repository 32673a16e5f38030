import type { Engine } from './engine';
import type { Handlers } from './dispatch';
import { PondError } from '../lib/errors';

/** `http://127.0.0.1:<port>/` of a forward that is up now: the window's "Open in browser" on a forwarded port. */
function isForwardAddress(engine: Engine, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1' || parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '') return false;
  const port = Number(parsed.port);
  return engine.mesh.status().ponds.some((p) => p.members.some((m) => m.forwards.some((f) => f.state === 'ready' && f.localPort === port)));
}

export function appHandlers(engine: Engine): Pick<Handlers, 'app:info' | 'app:openExternal'> {
  return {
    'app:info': async (_input, ctx) => ({
      name: engine.deps.app.name,
      version: engine.deps.app.version,
      platform: engine.deps.pathEnv.platform,
      arch: process.arch,
      transport: ctx.transport,
      paths: engine.paths,
    }),
    'app:openExternal': async ({ url }) => {
      if (!engine.producedUrls.has(url) && !isForwardAddress(engine, url)) {
        throw new PondError('INVALID_INPUT', `refusing to open ${url}: only http(s) links Pond Desktop produced can be opened`);
      }
      if (!engine.deps.openExternal) return { opened: false };
      await engine.deps.openExternal(url);
      return { opened: true };
    },
  };
}
