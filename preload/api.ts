/**
 * THE CONTRACT between the UI and the engine. Every call and event is defined here once,
 * with zod schemas; Electron IPC (preload/index.ts + electron/ipc.ts) and the loopback
 * web host (electron/host/) both carry exactly these messages.
 *
 * Naming: channels are `area:verb`; the renderer calls them as `window.pond.<areaVerb>()`
 * (see `MethodName`) and listens to events with `window.pond.on<AreaVerb>()`.
 */
import { z } from 'zod';

/** Codes a UI can act on. */
export const errorCodeSchema = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'CANCELLED',
  'TIMEOUT',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const apiErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

/** What crosses IPC/WebSocket for every call: a result or an error, never a throw. */
export type Envelope<T> = { result: T } | { error: ApiErrorShape };

// ---------------------------------------------------------------------------------------
// app

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  transport: z.enum(['ipc', 'websocket']),
  paths: z.object({
    userData: z.string(),
    settingsFile: z.string(),
    crabboxClaims: z.string(),
    pondState: z.string(),
  }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const noticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  at: z.string(),
});
export type Notice = z.infer<typeof noticeSchema>;

/** Links the UI may ask the system to open: only http(s) URLs the engine produced. */
export const openExternalInput = z.object({ url: z.string().url() });

// ---------------------------------------------------------------------------------------
// ponds: members as `crabbox pond peers --json` describes them (spec §8.1)

export const transportSchema = z.enum(['tailnet', 'url', 'ssh']);
export const peerTransportSchema = z.enum(['tailnet', 'url', 'ssh', 'pending', 'none']);
export const bridgeStateSchema = z.enum(['error', 'unsupported', 'unsupported-provider']);

export const bridgeTargetSchema = z.object({
  port: z.number().int(),
  url: z.string(),
  shareID: z.string().optional(),
  /** RFC 3339; `0001-01-01T00:00:00Z` when unknown, as crabbox prints it. */
  expiresAt: z.string(),
});
export type BridgeTarget = z.infer<typeof bridgeTargetSchema>;

export const peerRowSchema = z.object({
  slug: z.string(),
  leaseID: z.string(),
  provider: z.string(),
  pond: z.string(),
  transport: peerTransportSchema,
  transports: z.array(transportSchema).optional(),
  endpoint: z.string(),
  labels: z.record(z.string(), z.string()).optional(),
  note: z.string().optional(),
  targets: z.array(bridgeTargetSchema).optional(),
  bridgeState: bridgeStateSchema.optional(),
});
export type PeerRow = z.infer<typeof peerRowSchema>;

// ---------------------------------------------------------------------------------------
// The channel and event maps.

const none = z.undefined();

export const channels = {
  'app:info': { input: none, output: appInfoSchema },
  'app:openExternal': { input: openExternalInput, output: z.object({ opened: z.boolean() }) },
  // @area-channels
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

/** Asks the UI to show a view, e.g. the release confirmation opened from the tray. */
export const navigateSchema = z.object({ view: z.string(), pond: z.string().optional() });

export const events = {
  'app:notice': noticeSchema,
  'app:navigate': navigateSchema,
  // @area-events
} as const satisfies Record<string, z.ZodType>;

export type Channel = keyof typeof channels;
export type EventName = keyof typeof events;
export type ChannelInput<C extends Channel> = z.input<(typeof channels)[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<(typeof channels)[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

type Camel<S extends string> = S extends `${infer A}:${infer V}` ? `${A}${Capitalize<V>}` : never;
export type MethodName<C extends Channel> = Camel<C>;
export type ListenerName<E extends EventName> = `on${Capitalize<Camel<E>>}`;

export function methodName<C extends Channel>(channel: C): MethodName<C> {
  const [area, verb] = channel.split(':') as [string, string];
  return `${area}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as MethodName<C>;
}

export function listenerName<E extends EventName>(event: E): ListenerName<E> {
  const [area, verb] = event.split(':') as [string, string];
  return `on${area.charAt(0).toUpperCase()}${area.slice(1)}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as ListenerName<E>;
}

/** `window.pond`: one function per channel, one subscription per event. */
export type PondApi = {
  [C in Channel as MethodName<C>]: (
    ...args: ChannelInput<C> extends undefined ? [] : [input: ChannelInput<C>]
  ) => Promise<Envelope<ChannelOutput<C>>>;
} & {
  [E in EventName as ListenerName<E>]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

export const channelNames = Object.keys(channels) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** A zod issue list as one line that names the offending field. */
export function describeZodError(error: z.ZodError, what: string): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : what;
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

// WebSocket framing used by electron/host and the renderer's web transport.
export const wsRequestSchema = z.object({ id: z.number().int(), channel: z.string(), input: z.unknown().optional() });
export type WsRequest = z.infer<typeof wsRequestSchema>;
export type WsMessage =
  | { kind: 'response'; id: number; envelope: Envelope<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };
