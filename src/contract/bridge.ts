/** bridge: public URLs for URL-bridge members and the credentials they need (spec §3.5–§4). */
import { z } from 'zod';
import { bridgeTargetSchema, peerRowSchema } from './peers';

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
