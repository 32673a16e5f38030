/**
 * The mesh's channels: connect / disconnect / retry a pond, a member or one forward,
 * disconnect everything, read the status, remove a changed host key after the user
 * confirmed it, and answer a passphrase prompt. Pond names are normalized as crabbox does.
 */
import type { Engine } from './engine';
import type { MeshSelection } from '../engine/mesh/manager';
import { parsePondName } from '../lib/names';
import type { Handlers } from './dispatch';

type MeshChannel = 'mesh:connect' | 'mesh:disconnect' | 'mesh:retry' | 'mesh:disconnectAll' | 'mesh:status' | 'mesh:forgetHostKey' | 'mesh:passphrase';

function selection(input: { pond: string; member?: string | undefined; remotePort?: number | undefined }): MeshSelection {
  return {
    pond: parsePondName(input.pond),
    ...(input.member !== undefined ? { member: input.member } : {}),
    ...(input.remotePort !== undefined ? { remotePort: input.remotePort } : {}),
  };
}

export function meshHandlers(engine: Engine): Pick<Handlers, MeshChannel> {
  const { mesh, meshPrompts } = engine;
  return {
    'mesh:connect': async (input, ctx) => {
      const chosen = selection(input);
      if (input.attached) ctx.signal.addEventListener('abort', () => void mesh.disconnect(chosen), { once: true });
      return mesh.connect(chosen);
    },
    // Answers once the env and hosts files say what is left, so a caller can rely on them.
    'mesh:disconnect': async (input) => {
      const health = await mesh.disconnect(selection(input));
      await engine.filesSettled();
      return health;
    },
    'mesh:retry': async (input) => mesh.retry(selection(input)),
    'mesh:disconnectAll': async () => {
      await mesh.disconnectAll();
      await engine.filesSettled();
      return mesh.status();
    },
    'mesh:status': async ({ pond }) => mesh.status(pond !== undefined ? parsePondName(pond) : undefined),
    'mesh:forgetHostKey': async ({ pond, member }) => mesh.forgetHostKey({ pond: parsePondName(pond), member }),
    'mesh:passphrase': async ({ requestId, passphrase }) => ({ accepted: meshPrompts.answer(requestId, passphrase) }),
  };
}
