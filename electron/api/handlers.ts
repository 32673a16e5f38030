/**
 * Every channel's handler, composed from one factory per area. An area adds its factory
 * with one spread line below; TypeScript fails the build until every channel in
 * preload/api.ts has a handler.
 */
import type { Engine } from '../engine';
import { appHandlers } from './app-handlers';
import type { Handlers } from './dispatch';

export function createHandlers(engine: Engine): Handlers {
  return {
    ...appHandlers(engine),
    // @area-handlers (one line per area, keep this marker last)
  };
}
