/** owner: the one process per user that holds the forwards (the desktop app, or a headless agent), as its clients see it. */
import { z } from 'zod';

export const ownerKindSchema = z.enum(['app', 'agent', 'serve']);

export const ownerInfoSchema = z.object({
  kind: ownerKindSchema,
  pid: z.number().int(),
  /** When the owning process started (ISO 8601). */
  processStartedAt: z.string(),
  /** The control socket (or pipe) it answers on. */
  endpoint: z.string().nullable(),
  version: z.string(),
  /** Ponds it holds forwards for right now. */
  ponds: z.array(z.string()),
});
export type OwnerInfoShape = z.infer<typeof ownerInfoSchema>;

/** What an owner that stepped down held, so the next owner can connect the same ponds. */
export const ownerHandOverSchema = z.object({ ponds: z.array(z.string()) });
