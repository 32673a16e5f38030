/** doctor: reachability matrix, tailnet policy check and bootstrap, live checks (spec §7). */
import { z } from 'zod';
import { peerTransportSchema } from './peers';

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
  /** The members behind the counts, named as the live checks name them, for the window's member-by-member view. */
  members: z.array(z.object({ name: z.string(), transport: peerTransportSchema, provider: z.string() })),
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
  /** The window's words for the same steps, naming its buttons; shown instead of `fixes` where present. */
  appFixes: z.array(z.string()).optional(),
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

export const doctorBootstrapAclInput = z.object({ pond: z.string().min(1), expectedEtag: z.string().min(1) });
export const doctorBootstrapAclSchema = z.object({
  outcome: z.enum(['updated', 'already-present']),
  tag: z.string(),
  diff: z.string(),
  /** The policy check afterwards. */
  acl: pondCheckSchema.nullable(),
});
