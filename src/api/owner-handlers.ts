import type { Engine } from './engine';
import type { Handlers } from './dispatch';
import { PondError } from '../lib/errors';

/** The owner of the forwards as its clients see it: who it is, and stepping down for another owner. */
export function ownerHandlers(engine: Engine): Pick<Handlers, 'owner:info' | 'owner:handOver'> {
  const identity = () => {
    if (!engine.owner) throw new PondError('NOT_FOUND', 'this process does not hold any forwards; it is not the owner');
    return engine.owner;
  };
  return {
    'owner:info': async () => {
      const { identity: id } = identity();
      return { ...id, version: engine.deps.app.version, ponds: engine.mesh.status().ponds.map((p) => p.pond) };
    },
    'owner:handOver': async () => {
      const { identity: id, stepDown } = identity();
      if (!stepDown) throw new PondError('CONFLICT', `${id.kind === 'app' ? 'Pond Desktop' : `pond ${id.kind}`} (pid ${id.pid}) holds the forwards and does not hand them over; quit it first`);
      const ponds = engine.mesh.status().ponds.map((p) => p.pond);
      // After the answer has gone out: the step down closes the control socket.
      setImmediate(stepDown);
      return { ponds };
    },
  };
}
