import type { Engine } from './engine';
import type { Handlers } from './dispatch';

type BridgeChannels = 'bridge:members' | 'bridge:publish' | 'credentials:list' | 'credentials:set' | 'credentials:clear';

/** URL-bridge members, "Publish URL", and provider credentials (values go in, never out). */
export function bridgeHandlers(engine: Engine): Pick<Handlers, BridgeChannels> {
  const { bridge } = engine;
  return {
    'bridge:members': ({ pond }, ctx) => bridge.members(pond, ctx.signal),
    'bridge:publish': (input, ctx) => bridge.publish(input, ctx.signal),
    'credentials:list': async () => bridge.listCredentials(),
    'credentials:set': async ({ name, value }) => bridge.setCredential(name, value),
    'credentials:clear': async ({ name }) => bridge.clearCredential(name),
  };
}
