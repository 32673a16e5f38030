/**
 * Binds the preload API to the engine over Electron IPC. Every call is checked to come
 * from our own renderer frame, zod-parsed and answered with a `{result}|{error}` envelope.
 * Electron is only imported for types, so the binding is unit-tested with fakes.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelNames, type Envelope } from '../contract/index';
import type { EventBus } from '../api/bus';
import { dispatch, type Handlers, type Logger } from '../api/dispatch';

/** True for the app's own renderer page: the packaged file, or the dev server in development. */
export function isTrustedSenderUrl(url: string, rendererUrl: string): boolean {
  try {
    const given = new URL(url);
    const expected = new URL(rendererUrl);
    if (expected.protocol === 'file:') return given.protocol === 'file:' && given.pathname === expected.pathname;
    return given.origin === expected.origin;
  } catch {
    return false;
  }
}

export interface IpcBinding {
  dispose(): void;
}

export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  rendererUrl: string,
  log: Logger,
): IpcBinding {
  const inflight = new Map<number, AbortController>();
  for (const channel of channelNames) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope<unknown>> => {
      const senderUrl = event.senderFrame?.url ?? '';
      if (!isTrustedSenderUrl(senderUrl, rendererUrl)) {
        log(`ipc: refused ${channel} from ${senderUrl || 'an unknown frame'}`);
        return { error: { code: 'FORBIDDEN_SENDER', message: `${channel} is only available to Pond Desktop's own window` } };
      }
      const id = event.sender.id;
      const controller = inflight.get(id) ?? new AbortController();
      if (!inflight.has(id)) {
        inflight.set(id, controller);
        event.sender.once('destroyed', () => {
          controller.abort();
          inflight.delete(id);
        });
      }
      return dispatch(handlers, channel, input, { transport: 'ipc', signal: controller.signal }, log);
    });
  }
  return {
    dispose() {
      for (const channel of channelNames) ipcMain.removeHandler(channel);
      for (const controller of inflight.values()) controller.abort();
    },
  };
}

/** Forwards every engine event to the given windows' renderers. */
export function forwardEvents(bus: EventBus, targets: () => WebContents[]): () => void {
  return bus.subscribe((event, payload) => {
    for (const contents of targets()) if (!contents.isDestroyed()) contents.send(event, payload);
  });
}
