/**
 * Another process's API as handlers and a bus: every channel forwarded to the owner over
 * its control socket, every event it publishes re-emitted. `pond serve` uses it to serve
 * the UI while the desktop app or the agent holds the forwards.
 */
import { channelNames, type EventName, type EventPayload } from '../contract/index';
import { EventBus } from '../api/bus';
import type { Handlers } from '../api/dispatch';
import type { ControlClient } from './control-client';

export function proxyHandlers(client: ControlClient): Handlers {
  const call = client.call.bind(client) as (channel: string, input?: unknown) => Promise<unknown>;
  return Object.fromEntries(channelNames.map((channel) => [channel, (input: unknown) => call(channel, input)])) as unknown as Handlers;
}

export function proxyBus(client: ControlClient): EventBus {
  const bus = new EventBus();
  client.onEvent((event, payload) => bus.emit(event as EventName, payload as EventPayload<EventName>));
  return bus;
}
