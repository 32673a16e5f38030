/** Reconnecting ponds when Pond Desktop starts: a switch per pond, off by default (docs/connect.md). */
import { z } from 'zod';

/** The ponds Pond Desktop reconnects when it starts (also the payload of `ponds:restoreChanged`). */
export const restoreListSchema = z.object({ ponds: z.array(z.string()) });

export const pondsSetRestoreInput = z.object({ pond: z.string().min(1), restore: z.boolean() });
