/**
 * `window.pond` over the web host's WebSocket: the same methods as the Electron preload,
 * built from the same channel map, so the UI cannot tell the transports apart.
 */
import {
  channelNames,
  eventNames,
  listenerName,
  methodName,
  type Envelope,
  type EventName,
  type PondApi,
  type WsMessage,
} from '../../contract/index';

export interface WsPondOptions {
  url: string;
  WebSocketImpl?: typeof WebSocket;
  /** Called when the connection drops for good (bad token, host stopped). */
  onClosed?: (reason: string) => void;
}

export function createWsPond({ url, WebSocketImpl = WebSocket, onClosed }: WsPondOptions): PondApi {
  const socket = new WebSocketImpl(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot reach the Pond Desktop host: wrong or expired token, or the host is not running')), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as WsMessage;
    if (data.kind === 'response') {
      pending.get(data.id)?.(data.envelope);
      pending.delete(data.id);
    } else if (data.kind === 'event') {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    }
  });
  let wasOpen = false;
  socket.addEventListener('open', () => {
    wasOpen = true;
  });
  socket.addEventListener('close', (event) => {
    const reason =
      event.reason ||
      (wasOpen
        ? 'the Pond Desktop host closed the connection'
        : 'the host refused this page (wrong or expired token) or is not running');
    for (const resolve of pending.values()) resolve({ error: { code: 'UNAVAILABLE', message: reason } });
    pending.clear();
    onClosed?.(reason);
  });

  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    api[methodName(channel)] = async (input?: unknown): Promise<Envelope<unknown>> => {
      try {
        await opened;
      } catch (error) {
        return { error: { code: 'UNAVAILABLE', message: (error as Error).message } };
      }
      if (socket.readyState !== WebSocketImpl.OPEN) {
        return { error: { code: 'UNAVAILABLE', message: 'the connection to the Pond Desktop host is closed; reload the page' } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, channel, input }));
      });
    };
  }
  for (const event of eventNames) {
    api[listenerName(event)] = (listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    };
  }
  return api as PondApi;
}
