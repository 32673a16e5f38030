/** mesh: SSH forwards to a pond's exposed ports, kept alive (spec §5; docs/connect.md). */
import { z } from 'zod';

/** A whole pond, one member of it, or one forward of that member. */
const selectionFields = {
  pond: z.string().min(1),
  member: z.string().min(1).optional(),
  remotePort: z.number().int().min(1).max(65535).optional(),
};
const remotePortNeedsMember = (s: { member?: string | undefined; remotePort?: number | undefined }) => s.remotePort === undefined || s.member !== undefined;
const needsMember = { message: 'a remote port needs its member', path: ['remotePort'] };

export const meshSelectionInput = z.object(selectionFields).refine(remotePortNeedsMember, needsMember);

/** `attached`: the forwards last only as long as the caller stays connected (a foreground `pond connect`). */
export const meshConnectInput = z.object({ ...selectionFields, attached: z.boolean().optional() }).refine(remotePortNeedsMember, needsMember);

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
  /** crabbox has not recorded the member's SSH address yet; it connects by itself once it has. Not a failure. */
  z.object({ state: z.literal('waiting'), detail: z.string() }),
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
  z.object({ state: z.literal('waiting'), ...meshForwardFields }),
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

/** A pond's connection in one word (mesh-words.ts: `pondConnection` decides it, `CONNECTION_WORDS` says it). */
export const pondConnectionSchema = z.enum(['not-connected', 'connecting', 'connected', 'degraded', 'reconnecting', 'failed']);

/** A pond's connection changed, or the set of its failed members did. */
export const meshConnectionSchema = z.object({
  pond: z.string(),
  connection: pondConnectionSchema,
  previous: pondConnectionSchema,
  forwardsReady: z.number().int(),
  forwardsTotal: z.number().int(),
  /** Members that gave up or cannot connect, by name, with why. */
  failed: z.array(z.object({ member: z.string(), reason: meshFailureReasonSchema, lastError: z.string() })),
});
export type MeshConnectionShape = z.infer<typeof meshConnectionSchema>;
