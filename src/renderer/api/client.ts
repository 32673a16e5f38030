/**
 * Typed access to `window.pond` for React: calls unwrap the envelope and throw
 * `ApiError` (with the engine's code) so react-query sees failures as failures.
 */
import { useEffect } from 'react';
import {
  listenerName,
  methodName,
  type Channel,
  type ChannelInput,
  type ChannelOutput,
  type Envelope,
  type ErrorCode,
  type EventName,
  type EventPayload,
  type PondApi,
} from '../../contract/index';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function pond(): PondApi {
  if (!window.pond) throw new ApiError('UNAVAILABLE', 'Pond Desktop is not connected to its engine');
  return window.pond;
}

export async function call<C extends Channel>(
  channel: C,
  ...args: ChannelInput<C> extends undefined ? [] : [input: ChannelInput<C>]
): Promise<ChannelOutput<C>> {
  const method = pond()[methodName(channel)] as unknown as (input?: unknown) => Promise<Envelope<ChannelOutput<C>>>;
  const envelope = await method(args[0]);
  if ('error' in envelope) throw new ApiError(envelope.error.code, envelope.error.message);
  return envelope.result;
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  const on = pond()[listenerName(event)] as unknown as (l: (payload: EventPayload<E>) => void) => () => void;
  return on(listener);
}

/** Subscribes for the component's lifetime. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  useEffect(() => subscribe(event, listener), [event, listener]);
}
