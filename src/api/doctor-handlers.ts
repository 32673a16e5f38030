import type { Engine } from './engine';
import type { Handlers } from './dispatch';

/** The doctor: a run (its checks stream as `doctor:check`), and the tailnet policy fix, previewed then applied. */
export function doctorHandlers(engine: Engine): Pick<Handlers, 'doctor:run' | 'doctor:aclPreview' | 'doctor:bootstrapAcl'> {
  const { doctor } = engine;
  return {
    'doctor:run': (input, ctx) => doctor.run(input, ctx.signal),
    'doctor:aclPreview': ({ pond }, ctx) => doctor.aclPreview(pond, ctx.signal),
    'doctor:bootstrapAcl': (input, ctx) => doctor.bootstrapAcl(input, ctx.signal),
  };
}
