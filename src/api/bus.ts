import type { EventName, EventPayload } from '../contract/index';

type Listener = (event: EventName, payload: unknown) => void;

/** Engine → transports: every event goes to every subscribed transport. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
