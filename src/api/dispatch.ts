/**
 * The one place a call from the UI becomes a handler call: the channel is checked,
 * the input zod-parsed (errors name the field), the handler run, and any failure
 * turned into `{ error: { code, message } }`. Both transports use it.
 */
import {
  channels,
  describeZodError,
  errorCodeSchema,
  isChannel,
  type Channel,
  type ChannelOutput,
  type Envelope,
  type ParsedInput,
} from '../contract/index';

export interface CallContext {
  /** ipc: the Electron window; websocket: the web host; local: in-process (the CLI, the tray); control: the owner's control socket. */
  transport: 'ipc' | 'websocket' | 'local' | 'control';
  /** Aborted when the caller goes away (window closed, socket dropped, app quitting). */
  signal: AbortSignal;
}

export type Handlers = {
  [C in Channel]: (input: ParsedInput<C>, ctx: CallContext) => Promise<ChannelOutput<C>>;
};

/** Where a face's messages go; `location` names its log file where it keeps one, for "see the log". */
export type Logger = ((message: string) => void) & { readonly location?: string };

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const parsed = errorCodeSchema.safeParse(code);
    if (parsed.success) return { code: parsed.data, message: error.message };
    if (error.name === 'AbortError') return { code: 'CANCELLED', message: 'the request was cancelled' };
    return { code: 'INTERNAL', message: error.message };
  }
  return { code: 'INTERNAL', message: String(error) };
}

export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  rawInput: unknown,
  ctx: CallContext,
  log: Logger = () => {},
): Promise<Envelope<unknown>> {
  if (!isChannel(channel)) {
    return { error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel ${JSON.stringify(channel)}` } };
  }
  const spec = channels[channel];
  const input = spec.input.safeParse(rawInput);
  if (!input.success) {
    return { error: { code: 'INVALID_INPUT', message: `${channel}: ${describeZodError(input.error, 'input')}` } };
  }
  try {
    const handler = handlers[channel] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const output = await handler(input.data, ctx);
    const checked = spec.output.safeParse(output);
    if (!checked.success) {
      log(`${channel}: handler returned a result outside the contract: ${describeZodError(checked.error, 'result')}`);
      const where = log.location ? ` (${log.location})` : '';
      return { error: { code: 'INTERNAL', message: `${channel} produced an invalid result; see the log${where}` } };
    }
    return { result: checked.data as ChannelOutput<typeof channel> };
  } catch (error) {
    const { code, message } = errorOf(error);
    if (code === 'INTERNAL') log(`${channel}: ${message}`);
    return { error: { code: code as 'INTERNAL', message } };
  }
}
