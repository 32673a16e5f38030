/**
 * Local ports chosen by the user: list, choose, reset. Choosing or resetting answers once
 * a connected forward has moved and the env and hosts files carry its new port.
 */
import type { Engine } from './engine';
import { parsePondName } from '../lib/names';
import type { Handlers } from './dispatch';

export function portsHandlers(engine: Engine): Pick<Handlers, 'ports:list' | 'ports:set' | 'ports:reset'> {
  const { ports } = engine;
  return {
    'ports:list': async ({ pond }) => ({ forwards: await ports.list(pond !== undefined ? parsePondName(pond) : undefined) }),
    'ports:set': async ({ pond, member, remotePort, localPort }) => {
      const row = await ports.set({ pond: parsePondName(pond), member, remotePort }, localPort);
      await engine.filesSettled();
      return row;
    },
    'ports:reset': async ({ pond, member, remotePort }) => {
      const reset = await ports.reset({ pond: parsePondName(pond), ...(member !== undefined ? { member } : {}), ...(remotePort !== undefined ? { remotePort } : {}) });
      await engine.filesSettled();
      return { reset };
    },
  };
}
