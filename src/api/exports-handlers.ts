import type { Engine } from './engine';
import type { Handlers } from './dispatch';

/** `exports:get`: a pond's export lines in one format, for the UI's copy buttons. */
export function exportsHandlers(engine: Engine): Pick<Handlers, 'exports:get'> {
  return {
    // After the files caught up with every forward change reported so far, so the lines match the mesh.
    'exports:get': async ({ pond, format }) => {
      await engine.filesSettled();
      return engine.exports.get(pond, format);
    },
  };
}
