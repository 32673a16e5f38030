import type { Engine } from './engine';
import type { Handlers } from './dispatch';

/** `exports:get`: a pond's export lines in one format, for the UI's copy buttons. */
export function exportsHandlers(engine: Engine): Pick<Handlers, 'exports:get'> {
  return {
    'exports:get': async ({ pond, format }) => engine.exports.get(pond, format),
  };
}
