/** Which ponds Pond Desktop reconnects when it starts: a switch per pond, kept in the settings file. */
import type { Engine } from './engine';
import { byteCompare } from '../lib/byte-order';
import { parsePondName } from '../lib/names';
import type { Handlers } from './dispatch';

export function restoreHandlers(engine: Engine): Pick<Handlers, 'ponds:restoreList' | 'ponds:setRestore'> {
  const { settings, bus } = engine;
  return {
    'ponds:restoreList': async () => ({ ponds: settings.get('restoreOnStart') }),
    'ponds:setRestore': async ({ pond, restore }) => {
      const name = parsePondName(pond);
      const others = settings.get('restoreOnStart').filter((p) => p !== name);
      const ponds = (restore ? [...others, name] : others).sort(byteCompare);
      settings.set('restoreOnStart', ponds);
      bus.emit('ponds:restoreChanged', { ponds });
      return { ponds };
    },
  };
}
