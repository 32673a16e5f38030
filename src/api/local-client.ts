/**
 * The API called in-process (the CLI, the tray): the same dispatch as every transport,
 * with the envelope unwrapped so callers get the result or a PondError with the code.
 */
import type { Channel, ChannelInput, ChannelOutput } from '../contract/index';
import { PondError } from '../lib/errors';
import { dispatch, type Handlers, type Logger } from './dispatch';

export type LocalCall = <C extends Channel>(channel: C, ...input: ChannelInput<C> extends undefined ? [] : [ChannelInput<C>]) => Promise<ChannelOutput<C>>;

export function localClient(handlers: Handlers, signal: AbortSignal, log?: Logger): LocalCall {
  return async (channel, ...input) => {
    const envelope = await dispatch(handlers, channel, input[0], { transport: 'local', signal }, log);
    if ('error' in envelope) throw new PondError(envelope.error.code, envelope.error.message);
    return envelope.result as ChannelOutput<typeof channel>;
  };
}
