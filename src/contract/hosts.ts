/** hosts: hand-added SSH members, kept in the settings file. */
import { z } from 'zod';
import { manualDetailsSchema } from './ponds';

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
