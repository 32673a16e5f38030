/** Members as `crabbox pond peers --json` describes them (spec §8.1). */
import { z } from 'zod';

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
