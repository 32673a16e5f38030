/**
 * Every channel's handler, composed from one factory per area. An area adds its factory
 * with one spread line below; TypeScript fails the build until every channel in
 * the contract has a handler.
 */
import type { Engine } from './engine';
import { appHandlers } from './app-handlers';
import type { Handlers } from './dispatch';
import { exportsHandlers } from './exports-handlers';
import { pondsHandlers } from './ponds-handlers';
import { releaseHandlers } from './release-handlers';
import { bridgeHandlers } from './bridge-handlers';
import { meshHandlers } from './mesh-handlers';
import { doctorHandlers } from './doctor-handlers';
import { ownerHandlers } from './owner-handlers';
import { portsHandlers } from './ports-handlers';
import { restoreHandlers } from './restore-handlers';

export function createHandlers(engine: Engine): Handlers {
  return {
    ...appHandlers(engine),
    ...releaseHandlers(engine),
    ...exportsHandlers(engine),
    ...pondsHandlers(engine),
    ...bridgeHandlers(engine),
    ...doctorHandlers(engine),
    ...meshHandlers(engine),
    ...ownerHandlers(engine),
    ...portsHandlers(engine),
    ...restoreHandlers(engine),
  };
}
