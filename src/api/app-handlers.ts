import type { Engine } from './engine';
import type { Handlers } from './dispatch';
import { PondError } from '../lib/errors';

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
      if (!engine.producedUrls.has(url)) {
        throw new PondError('INVALID_INPUT', `refusing to open ${url}: only http(s) links Pond Desktop produced can be opened`);
      }
      if (!engine.deps.openExternal) return { opened: false };
      await engine.deps.openExternal(url);
      return { opened: true };
    },
  };
}
