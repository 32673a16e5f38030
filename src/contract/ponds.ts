/** ponds: crabbox claims and hand-added hosts, grouped into ponds (spec §1–§3). */
import { z } from 'zod';
import { peerRowSchema } from './peers';

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
