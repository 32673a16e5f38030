/** release: stopping every lease of a pond (spec §6). */
import { z } from 'zod';

export const crabboxStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready'), path: z.string(), version: z.string(), note: z.string().optional() }),
  z.object({ state: z.literal('missing'), message: z.string() }),
  z.object({ state: z.literal('too-old'), path: z.string(), version: z.string(), message: z.string() }),
  z.object({ state: z.literal('unusable'), path: z.string(), message: z.string() }),
]);

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
