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
    'mesh:connect': async (input) => mesh.connect(selection(input)),
    'mesh:disconnect': async (input) => mesh.disconnect(selection(input)),
    'mesh:retry': async (input) => mesh.retry(selection(input)),
    'mesh:disconnectAll': async () => {
      await mesh.disconnectAll();
      return mesh.status();
    },
    'mesh:status': async ({ pond }) => mesh.status(pond !== undefined ? parsePondName(pond) : undefined),
    'mesh:forgetHostKey': async ({ pond, member }) => mesh.forgetHostKey({ pond: parsePondName(pond), member }),
    'mesh:passphrase': async ({ requestId, passphrase }) => ({ accepted: meshPrompts.answer(requestId, passphrase) }),
  };
}
