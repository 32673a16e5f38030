/**
 * The channel and event maps: every call and event, once. Channels are `area:verb`; the
 * renderer calls them as `window.pond.<areaVerb>()` (see `MethodName`) and listens to events
 * with `window.pond.on<AreaVerb>()`.
 */
import { z } from 'zod';
import { appInfoSchema, navigateSchema, noticeSchema, openExternalInput } from './app';
import {
  bridgeMembersInput,
  bridgeMembersSchema,
  bridgePublishInput,
  bridgePublishSchema,
  credentialsClearInput,
  credentialsListSchema,
  credentialsSetInput,
} from './bridge';
import {
  doctorAclPreviewInput,
  doctorAclPreviewSchema,
  doctorBootstrapAclInput,
  doctorBootstrapAclSchema,
  doctorCheckEventSchema,
  doctorPlanEventSchema,
  doctorReportSchema,
  doctorRunInput,
} from './doctor';
import type { Envelope } from './errors';
import { exportsChangedSchema, exportsGetInput, exportsViewSchema } from './exports';
import { hostInputSchema, hostSchema, hostsRemoveInput, hostsResultSchema, hostsUpdateInput } from './hosts';
import {
  meshConnectInput,
  meshConnectionSchema,
  meshForgetHostKeyInput,
  meshMemberSchema,
  meshPassphraseInput,
  meshPassphraseRequestSchema,
  meshPondSchema,
  meshSelectionInput,
  meshStatusInput,
  meshStatusSchema,
} from './mesh';
import { ownerHandOverSchema, ownerInfoSchema } from './owner';
import { pondSchema, pondsGetInput, pondsOverviewSchema } from './ponds';
import { portsChangedSchema, portsListInput, portsListSchema, portChoiceSchema, portsResetInput, portsResetSchema, portsSetInput } from './ports';
import { pondsSetRestoreInput, restoreListSchema } from './restore';
import { releasePlanSchema, releasePondInput, releaseProgressSchema, releaseStartInput, releaseSummarySchema } from './release';

const none = z.undefined();

export const channels = {
  'app:info': { input: none, output: appInfoSchema },
  'app:openExternal': { input: openExternalInput, output: z.object({ opened: z.boolean() }) },
  'release:plan': { input: releasePondInput, output: releasePlanSchema },
  'release:start': { input: releaseStartInput, output: releaseSummarySchema },
  'release:cancel': { input: releasePondInput, output: z.object({ cancelled: z.boolean() }) },
  'exports:get': { input: exportsGetInput, output: exportsViewSchema },
  'ponds:list': { input: none, output: pondsOverviewSchema },
  'ponds:get': { input: pondsGetInput, output: pondSchema },
  /** The ponds Pond Desktop reconnects when it starts. */
  'ponds:restoreList': { input: none, output: restoreListSchema },
  'ponds:setRestore': { input: pondsSetRestoreInput, output: restoreListSchema },
  'ports:list': { input: portsListInput, output: portsListSchema },
  'ports:set': { input: portsSetInput, output: portChoiceSchema },
  'ports:reset': { input: portsResetInput, output: portsResetSchema },
  'hosts:add': { input: hostInputSchema, output: hostsResultSchema },
  'hosts:update': { input: hostsUpdateInput, output: hostsResultSchema },
  'hosts:remove': { input: hostsRemoveInput, output: z.object({ removed: hostSchema }) },
  'bridge:members': { input: bridgeMembersInput, output: bridgeMembersSchema },
  'bridge:publish': { input: bridgePublishInput, output: bridgePublishSchema },
  'credentials:list': { input: none, output: credentialsListSchema },
  'credentials:set': { input: credentialsSetInput, output: credentialsListSchema },
  'credentials:clear': { input: credentialsClearInput, output: credentialsListSchema },
  'doctor:run': { input: doctorRunInput, output: doctorReportSchema },
  'doctor:aclPreview': { input: doctorAclPreviewInput, output: doctorAclPreviewSchema },
  'doctor:bootstrapAcl': { input: doctorBootstrapAclInput, output: doctorBootstrapAclSchema },
  'mesh:connect': { input: meshConnectInput, output: meshPondSchema },
  'mesh:disconnect': { input: meshSelectionInput, output: meshPondSchema },
  'mesh:retry': { input: meshSelectionInput, output: meshPondSchema },
  'mesh:disconnectAll': { input: none, output: meshStatusSchema },
  'mesh:status': { input: meshStatusInput, output: meshStatusSchema },
  'mesh:forgetHostKey': { input: meshForgetHostKeyInput, output: z.object({ removed: z.number().int() }) },
  'mesh:passphrase': { input: meshPassphraseInput, output: z.object({ accepted: z.boolean() }) },
  'owner:info': { input: none, output: ownerInfoSchema },
  /** The owner stops holding forwards and exits, answering with the ponds it held (an agent making way for the app). */
  'owner:handOver': { input: none, output: ownerHandOverSchema },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export const events = {
  'app:notice': noticeSchema,
  'app:navigate': navigateSchema,
  'release:progress': releaseProgressSchema,
  'exports:changed': exportsChangedSchema,
  'ponds:changed': pondsOverviewSchema,
  'ponds:restoreChanged': restoreListSchema,
  'ports:changed': portsChangedSchema,
  'doctor:plan': doctorPlanEventSchema,
  'doctor:check': doctorCheckEventSchema,
  'mesh:health': meshMemberSchema,
  'mesh:passphraseRequest': meshPassphraseRequestSchema,
  'mesh:connection': meshConnectionSchema,
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

