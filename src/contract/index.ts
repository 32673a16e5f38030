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

// ---- release: stopping every lease of a pond (spec §6)

export const crabboxStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready'), path: z.string(), version: z.string(), note: z.string().optional() }),
  z.object({ state: z.literal('missing'), message: z.string() }),
  z.object({ state: z.literal('too-old'), path: z.string(), version: z.string(), message: z.string() }),
  z.object({ state: z.literal('unusable'), path: z.string(), message: z.string() }),
]);
export type CrabboxStatusShape = z.infer<typeof crabboxStatusSchema>;

export const releaseMemberSchema = z.object({
  /** `crabbox:<leaseID>` or `manual:<id>`; what `release:start` takes as confirmed members. */
  key: z.string(),
  kind: z.enum(['crabbox', 'manual']),
  slug: z.string(),
  provider: z.string(),
  id: z.string(),
  action: z.enum(['stop', 'forget']),
  detail: z.string(),
});
export type ReleaseMemberShape = z.infer<typeof releaseMemberSchema>;

export const releasePlanSchema = z.object({
  pond: z.string(),
  members: z.array(releaseMemberSchema),
  crabbox: crabboxStatusSchema,
  /** Present when release cannot run now; nothing will be touched. */
  disabledReason: z.string().optional(),
  warnings: z.array(z.string()),
  /** A release of this pond is under way (progress arrives as `release:progress`). */
  running: z.boolean(),
});
export type ReleasePlanShape = z.infer<typeof releasePlanSchema>;

export const memberOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('released'), claim: z.enum(['removed', 'retained', 'forgotten']), output: z.string() }),
  z.object({ status: z.literal('failed'), message: z.string(), output: z.string() }),
  z.object({ status: z.literal('skipped'), reason: z.string(), warning: z.boolean(), output: z.string() }),
  z.object({ status: z.literal('cancelled') }),
]);
export const memberResultSchema = releaseMemberSchema.extend({ outcome: memberOutcomeSchema });
export type MemberResultShape = z.infer<typeof memberResultSchema>;

export const releaseSummarySchema = z.object({
  pond: z.string(),
  status: z.enum(['released', 'failed', 'cancelled']),
  crabbox: z.object({ path: z.string(), version: z.string() }).nullable(),
  members: z.array(memberResultSchema),
  counts: z.object({
    released: z.number().int(),
    retained: z.number().int(),
    forgotten: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    cancelled: z.number().int(),
  }),
  notes: z.array(z.string()),
  message: z.string(),
});
export type ReleaseSummaryShape = z.infer<typeof releaseSummarySchema>;

export const releasePondInput = z.object({ pond: z.string() });
export const releaseStartInput = z.object({
  pond: z.string(),
  /** Keys of the members the user confirmed; members that joined since are left alone. */
  members: z.array(z.string()).optional(),
});

/** One per member (`queued` → `running` → `done`), then `finished` with the summary. */
export const releaseProgressSchema = z.discriminatedUnion('phase', [
  z.object({ pond: z.string(), phase: z.literal('queued'), key: z.string() }),
  z.object({ pond: z.string(), phase: z.literal('running'), key: z.string() }),
  z.object({ pond: z.string(), phase: z.literal('done'), key: z.string(), result: memberResultSchema }),
  z.object({ pond: z.string(), phase: z.literal('finished'), summary: releaseSummarySchema }),
]);
export type ReleaseProgressShape = z.infer<typeof releaseProgressSchema>;

// ---- exports: a pond's CRABBOX_POND_* export lines for the shells (spec §5.5)

export const exportFormatSchema = z.enum(['sh', 'fish', 'powershell', 'dotenv', 'json']);
export type ExportFormatShape = z.infer<typeof exportFormatSchema>;

export const exportsGetInput = z.object({ pond: z.string().min(1), format: exportFormatSchema.default('sh') });

export const exportsViewSchema = z.object({
  pond: z.string(),
  format: exportFormatSchema,
  /** `mesh`: this app's forwards; `env-file`: another process's (`pond connect`, crabbox); `none`: not connected. */
  source: z.enum(['mesh', 'env-file', 'none']),
  /** `$HOME/.crabbox/pond/<pond>/env`; `''` when HOME is unset. */
  envPath: z.string(),
  text: z.string(),
  lines: z.array(z.object({ name: z.string(), value: z.string(), line: z.string() })),
  problem: z.string().optional(),
});
export type ExportsViewShape = z.infer<typeof exportsViewSchema>;

/** A pond's exports changed (its env/hosts files were rewritten or removed). */
export const exportsChangedSchema = z.object({ pond: z.string() });

// ---- ponds: crabbox claims and hand-added hosts, grouped into ponds (spec §1–§3)

export const claimProblemSchema = z.object({
  /** The file (or directory) the problem is about. */
  file: z.string(),
  code: z.enum([
    'invalid-json',
    'invalid-utf8',
    'invalid-field',
    'misfiled',
    'invalid-lease-id',
    'empty-lease-id',
    'too-large',
    'symlink',
    'not-a-file',
    'unreadable',
    'invalid-settings',
  ]),
  /** Names the file and says what to do. */
  message: z.string(),
});
export type ClaimProblemShape = z.infer<typeof claimProblemSchema>;

const count = z.number().int().min(0);
export const transportCountsSchema = z.object({ tailnet: count, url: count, ssh: count, pending: count, none: count });

export const manualDetailsSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  /** Absent: the SSH agent is used. */
  identityFile: z.string().optional(),
  ports: z.array(z.number().int()),
});

export const pondMemberSchema = z.discriminatedUnion('origin', [
  peerRowSchema.extend({ origin: z.literal('crabbox'), file: z.string() }),
  peerRowSchema.extend({ origin: z.literal('manual'), id: z.string(), manual: manualDetailsSchema }),
]);
export type PondMemberShape = z.infer<typeof pondMemberSchema>;

export const pondSchema = z.object({ name: z.string(), members: z.array(pondMemberSchema), counts: transportCountsSchema });
export type PondShape = z.infer<typeof pondSchema>;

export const pondSummarySchema = z.object({
  name: z.string(),
  memberCount: count,
  counts: transportCountsSchema,
  crabbox: count,
  manual: count,
});

/** Every pond without its member rows; also the payload of `ponds:changed`. */
export const pondsOverviewSchema = z.object({
  revision: z.number().int(),
  claimsDir: z.string(),
  claimsDirState: z.enum(['present', 'absent', 'unreadable']),
  ponds: z.array(pondSummarySchema),
  /** crabbox claims that carry no pond. */
  unassigned: count,
  problems: z.array(claimProblemSchema),
});
export type PondsOverviewShape = z.infer<typeof pondsOverviewSchema>;

export const pondsGetInput = z.object({ name: z.string().min(1) });

// ---- hosts: hand-added SSH members, kept in the settings file

export const hostFieldSchema = z.enum(['pond', 'slug', 'host', 'port', 'user', 'identityFile', 'expose']);
export type HostField = z.infer<typeof hostFieldSchema>;

export const hostInputSchema = z.object({
  pond: z.string(),
  slug: z.string(),
  host: z.string(),
  /** Blank: 22. */
  port: z.union([z.number(), z.string()]).optional(),
  user: z.string(),
  /** Blank: the SSH agent. */
  identityFile: z.string().optional(),
  /** crabbox `--expose` values, e.g. ["8080,9090"]. */
  expose: z.array(z.string()).optional(),
});
export type HostInput = z.input<typeof hostInputSchema>;

export const hostsUpdateInput = z.object({ id: z.string().min(1), patch: hostInputSchema.partial() });
export const hostsRemoveInput = z.object({ id: z.string().min(1) });

export const hostSchema = manualDetailsSchema.extend({ id: z.string(), pond: z.string(), slug: z.string(), addedAt: z.string() });

/** Invalid input is an answer, not a failure: every bad field with its message. */
export const hostsResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), member: hostSchema }),
  z.object({ ok: z.literal(false), errors: z.array(z.object({ field: hostFieldSchema, message: z.string() })) }),
]);
export type HostsResultShape = z.infer<typeof hostsResultSchema>;

// ---- bridge: public URLs for URL-bridge members and the credentials they need (spec §3.5–§4)

/** A bridge target as the UI gets it: `openUrl` is the http(s) link "Open in browser" may open. */
export const bridgeTargetViewSchema = bridgeTargetSchema.extend({ openUrl: z.string().optional() });
export type BridgeTargetView = z.infer<typeof bridgeTargetViewSchema>;

/** One member of a URL-bridge provider (Islo, E2B, Railway) after its provider was asked. */
export const bridgeMemberSchema = peerRowSchema.omit({ targets: true }).extend({
  targets: z.array(bridgeTargetViewSchema),
  /** Ports the member exposes (crabbox `--expose`), offered for "Publish URL". */
  ports: z.array(z.number().int()),
  /** The provider can publish a URL for a port of this member. */
  publishable: z.boolean(),
});
export type BridgeMemberShape = z.infer<typeof bridgeMemberSchema>;

export const bridgeMembersInput = z.object({ pond: z.string().min(1) });
export const bridgeMembersSchema = z.object({
  pond: z.string(),
  members: z.array(bridgeMemberSchema),
  /** Provider-level failures (`<provider>: <what happened>`); the members are still listed. */
  problems: z.array(z.string()),
});
export type BridgeMembersShape = z.infer<typeof bridgeMembersSchema>;

export const bridgePublishInput = z.object({
  pond: z.string().min(1),
  leaseID: z.string().min(1),
  port: z.number().int().min(1, 'port must be between 1 and 65535').max(65535, 'port must be between 1 and 65535'),
  /** Islo share lifetime; default 24 h, kept within 60 s..7 days by the adapter. */
  ttlSeconds: z.number().positive().max(10 * 365 * 86400).optional(),
});
export const bridgePublishSchema = z.object({ target: bridgeTargetViewSchema });

export const credentialNameSchema = z.enum(['ISLO_API_KEY', 'E2B_API_KEY', 'RAILWAY_API_TOKEN', 'RAILWAY_PROJECT_ID', 'RAILWAY_ENVIRONMENT_ID']);

/** What the UI may know about a credential: where it comes from, never its value. */
export const credentialStatusSchema = z.object({
  name: credentialNameSchema,
  provider: z.enum(['islo', 'e2b', 'railway']),
  label: z.string(),
  secret: z.boolean(),
  source: z.enum(['environment', 'app', 'unset', 'unreadable']),
  envVars: z.array(z.string()),
  envVar: z.string().optional(),
  shadowed: z.boolean(),
  detail: z.string().optional(),
});
export type CredentialStatusShape = z.infer<typeof credentialStatusSchema>;

export const credentialsListSchema = z.object({
  credentials: z.array(credentialStatusSchema),
  /** Values can be saved (encrypted storage works); otherwise only the environment counts. */
  storageAvailable: z.boolean(),
});
export type CredentialsListShape = z.infer<typeof credentialsListSchema>;

export const credentialsSetInput = z.object({ name: credentialNameSchema, value: z.string().min(1).max(4096) });
export const credentialsClearInput = z.object({ name: credentialNameSchema });

// ---- doctor: reachability matrix, tailnet policy check and bootstrap, live checks (spec §7)

export const cellStateSchema = z.enum(['ok', 'warn', 'no']);

export const matrixCellSchema = z.object({
  from: peerTransportSchema,
  to: peerTransportSchema,
  state: cellStateSchema,
  note: z.string().optional(),
  /** A live check disagrees: `expected OK, api → db failed: connection refused`. */
  contradiction: z.string().optional(),
});

export const matrixSchema = z.object({
  pond: z.string(),
  memberCount: z.number().int(),
  breakdown: z.record(z.string(), z.number().int()),
  /** Transports present, in crabbox's order (tailnet, url, ssh, pending, none). */
  transports: z.array(peerTransportSchema),
  cells: z.array(matrixCellSchema),
  /** The matrix exactly as `pond doctor` prints it. */
  text: z.string(),
});
export type MatrixShape = z.infer<typeof matrixSchema>;

/** The tailnet policy check (crabbox `doctor --pond`); details never hold a secret. */
export const pondCheckSchema = z.object({
  status: z.enum(['ok', 'failed', 'skip']),
  message: z.string(),
  details: z.record(z.string(), z.string()),
  tag: z.string(),
  shape: z.enum(['grants', 'acls', 'neither']).optional(),
  /** Rows to paste into the policy by hand. */
  snippet: z.string().optional(),
  /** Why the policy cannot be edited automatically. */
  problem: z.string().optional(),
  /** "Fix it" can work: TS_API_KEY is set and the policy was read. */
  canBootstrap: z.boolean(),
});
export type PondCheckShape = z.infer<typeof pondCheckSchema>;

export const doctorPlannedCheckSchema = z.object({
  id: z.string(),
  check: z.string(),
  title: z.string(),
  member: z.string(),
  transport: peerTransportSchema,
});

export const doctorCheckResultSchema = doctorPlannedCheckSchema.extend({
  status: z.enum(['ok', 'warn', 'fail', 'skip']),
  summary: z.string(),
  detail: z.string().optional(),
  fixes: z.array(z.string()),
  reason: z.string().optional(),
  durationMs: z.number(),
});
export type DoctorCheckResultShape = z.infer<typeof doctorCheckResultSchema>;

/** `runId` lets the caller match `doctor:check` events to its run; one is made up when absent. */
export const doctorRunInput = z.object({ pond: z.string().min(1), live: z.boolean().optional(), runId: z.string().min(1).max(100).optional() });

export const doctorReportSchema = z.object({
  runId: z.string(),
  pond: z.string(),
  /** Nothing failed: the policy check is not `failed` and no live check is `fail`. */
  ok: z.boolean(),
  matrix: matrixSchema,
  acl: pondCheckSchema.nullable(),
  /** Null when the live checks were not asked for. */
  live: z.array(doctorCheckResultSchema).nullable(),
  /** Provider lookups that failed; the members are still in the matrix. */
  problems: z.array(z.string()),
});
export type DoctorReportShape = z.infer<typeof doctorReportSchema>;

export const doctorPlanEventSchema = z.object({ runId: z.string(), pond: z.string(), matrix: matrixSchema, checks: z.array(doctorPlannedCheckSchema) });
export const doctorCheckEventSchema = z.object({ runId: z.string(), result: doctorCheckResultSchema });

export const doctorAclPreviewInput = z.object({ pond: z.string().min(1) });
export const doctorAclPreviewSchema = z.object({
  tag: z.string(),
  /** The policy version the diff was made against; pass it back to apply exactly this change. */
  etag: z.string(),
  shape: z.enum(['grants', 'acls', 'neither']),
  alreadyPresent: z.boolean(),
  /** Unified diff of the policy change; '' when nothing would change. */
  diff: z.string(),
  snippet: z.string(),
});
export type DoctorAclPreviewShape = z.infer<typeof doctorAclPreviewSchema>;

export const doctorBootstrapAclInput = z.object({ pond: z.string().min(1), expectedEtag: z.string().min(1) });
export const doctorBootstrapAclSchema = z.object({
  outcome: z.enum(['updated', 'already-present']),
  tag: z.string(),
  diff: z.string(),
  /** The policy check afterwards. */
  acl: pondCheckSchema.nullable(),
});

// ---- mesh: SSH forwards to a pond's exposed ports, kept alive (spec §5; docs/connect.md)

/** A whole pond, one member of it, or one forward of that member. */
export const meshSelectionInput = z
  .object({
    pond: z.string().min(1),
    member: z.string().min(1).optional(),
    remotePort: z.number().int().min(1).max(65535).optional(),
  })
  .refine((s) => s.remotePort === undefined || s.member !== undefined, { message: 'a remote port needs its member', path: ['remotePort'] });

export const meshFailureReasonSchema = z.enum([
  'retries-exhausted',
  'host-key-changed',
  'host-key-revoked',
  'key-unusable',
  'no-target',
  'port-unavailable',
]);

export const hostKeyMismatchSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  knownHostsPath: z.string(),
  /** `SHA256:…` fingerprints known_hosts holds for the host. */
  knownFingerprints: z.array(z.string()),
  presentedFingerprint: z.string(),
  presentedType: z.string(),
});

/** A member's SSH session. Times are epoch milliseconds. */
export const meshSessionSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting'), attempt: z.number().int(), retryAt: z.number().nullable(), lastError: z.string().nullable() }),
  z.object({ state: z.literal('ready'), port: z.number().int(), since: z.number() }),
  z.object({ state: z.literal('reconnecting'), attempt: z.number().int(), retryAt: z.number().nullable(), lastError: z.string() }),
  z.object({ state: z.literal('failed'), reason: meshFailureReasonSchema, lastError: z.string(), hostKey: hostKeyMismatchSchema.nullable() }),
  z.object({ state: z.literal('stopped') }),
]);

const meshForwardFields = {
  pond: z.string(),
  member: z.string(),
  leaseID: z.string(),
  remotePort: z.number().int(),
  localPort: z.number().int().nullable(),
  activeConnections: z.number().int(),
  /** Bytes from the remote port to local clients. */
  bytesIn: z.number(),
  /** Bytes from local clients to the remote port. */
  bytesOut: z.number(),
  /** Whether the remote port accepted the last channel; `closed`: nothing listens there. */
  remote: z.enum(['unknown', 'open', 'closed']),
  lastError: z.string().nullable(),
  /** The remembered local port was busy, so the forward moved. */
  moved: z.object({ from: z.number().int(), to: z.number().int(), reason: z.string() }).nullable(),
};

export const meshForwardSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting'), ...meshForwardFields }),
  z.object({ state: z.literal('ready'), ...meshForwardFields }),
  z.object({ state: z.literal('reconnecting'), retryAt: z.number().nullable(), ...meshForwardFields }),
  z.object({ state: z.literal('failed'), reason: meshFailureReasonSchema, ...meshForwardFields }),
  z.object({ state: z.literal('stopped'), ...meshForwardFields }),
]);
export type MeshForwardShape = z.infer<typeof meshForwardSchema>;

export const meshMemberSchema = z.object({
  pond: z.string(),
  member: z.string(),
  leaseID: z.string(),
  provider: z.string(),
  target: z.object({ host: z.string(), port: z.number().int(), user: z.string() }).nullable(),
  session: meshSessionSchema,
  forwards: z.array(meshForwardSchema),
});
export type MeshMemberShape = z.infer<typeof meshMemberSchema>;

export const meshPondSchema = z.object({ pond: z.string(), members: z.array(meshMemberSchema) });
export type MeshPondShape = z.infer<typeof meshPondSchema>;
export const meshStatusSchema = z.object({ ponds: z.array(meshPondSchema) });
export type MeshStatusShape = z.infer<typeof meshStatusSchema>;

export const meshStatusInput = z.object({ pond: z.string().min(1).optional() });
export const meshForgetHostKeyInput = z.object({ pond: z.string().min(1), member: z.string().min(1) });
/** The user's answer to `mesh:passphraseRequest`; null when they cancelled. Never echoed back. */
export const meshPassphraseInput = z.object({ requestId: z.string().min(1), passphrase: z.string().max(4096).nullable() });

/** An encrypted key needs its passphrase; answer with `mesh:passphrase`. */
export const meshPassphraseRequestSchema = z.object({
  requestId: z.string(),
  pond: z.string(),
  member: z.string(),
  keyPath: z.string(),
  /** Why it is asked again (the last one was wrong), else null. */
  problem: z.string().nullable(),
});
export type MeshPassphraseRequestShape = z.infer<typeof meshPassphraseRequestSchema>;

// ---------------------------------------------------------------------------------------
// The channel and event maps.

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
  'mesh:connect': { input: meshSelectionInput, output: meshPondSchema },
  'mesh:disconnect': { input: meshSelectionInput, output: meshPondSchema },
  'mesh:retry': { input: meshSelectionInput, output: meshPondSchema },
  'mesh:disconnectAll': { input: none, output: meshStatusSchema },
  'mesh:status': { input: meshStatusInput, output: meshStatusSchema },
  'mesh:forgetHostKey': { input: meshForgetHostKeyInput, output: z.object({ removed: z.number().int() }) },
  'mesh:passphrase': { input: meshPassphraseInput, output: z.object({ accepted: z.boolean() }) },
  // @area-channels
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

/** Asks the UI to show a view, e.g. the release confirmation opened from the tray. */
export const navigateSchema = z.object({ view: z.string(), pond: z.string().optional() });

export const events = {
  'app:notice': noticeSchema,
  'app:navigate': navigateSchema,
  'release:progress': releaseProgressSchema,
  'exports:changed': exportsChangedSchema,
  'ponds:changed': pondsOverviewSchema,
  'doctor:plan': doctorPlanEventSchema,
  'doctor:check': doctorCheckEventSchema,
  'mesh:health': meshMemberSchema,
  'mesh:passphraseRequest': meshPassphraseRequestSchema,
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
