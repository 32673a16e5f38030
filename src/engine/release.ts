/**
 * Releasing a pond (spec §6), the way crabbox's `pond release` does it but concurrently
 * and observable: every crabbox member is stopped by the user's own `crabbox stop`, every
 * hand-added host is forgotten, one failure never stops the others, and the summary says
 * what became of each member.
 *
 * What the user confirmed is what gets released. Each member's claim is read again right
 * before its stop, so a claim that vanished, moved to another pond or changed provider
 * while the release was queued is reported instead of acted on blindly.
 */
import PQueue from 'p-queue';
import { canonicalProvider } from '../providers/catalogue';
import type { CrabboxCli, CrabboxStatus } from '../providers/lifecycle/crabbox-cli';
import { forgetManualMember } from './manual-forget';
import type { Claim } from './claim';
import { PondError } from '../lib/errors';
import { normalizePondName, parsePondName, requestedPondName } from '../lib/names';
import type { SettingsStore } from './settings-store';

export const RELEASE_CONCURRENCY = 4;
/** Deleting a cloud server can take a minute or two; a stop still running after this is stuck. */
export const DEFAULT_STOP_TIMEOUT_MS = 180_000;

export type MemberAction = 'stop' | 'forget';

export interface ReleaseMember {
  /** `crabbox:<leaseID>` or `manual:<id>`: stable across plans, used to confirm and to report. */
  key: string;
  kind: 'crabbox' | 'manual';
  slug: string;
  /** The claim's provider as written (crabbox prints it so); `ssh` for hand-added hosts. */
  provider: string;
  /** The lease ID, or the hand-added host's id. */
  id: string;
  action: MemberAction;
  /** What will happen, in words, for the confirmation dialog. */
  detail: string;
}

export interface ReleasePlan {
  pond: string;
  members: ReleaseMember[];
  crabbox: CrabboxStatus;
  /** Why release cannot run now (nothing will be touched); absent when it can. */
  disabledReason?: string;
  /** Things the user should know before confirming (unreadable claim files …). */
  warnings: string[];
}

export type MemberOutcome =
  /** Stopped by crabbox (its claim `removed` or, §6, `retained`), or a hand-added host `forgotten`. */
  | { status: 'released'; claim: 'removed' | 'retained' | 'forgotten'; output: string }
  | { status: 'failed'; message: string; output: string }
  /** Not acted on; `warning` is false when there was simply nothing left to do. */
  | { status: 'skipped'; reason: string; warning: boolean; output: string }
  /** Never started: the release was cancelled first. */
  | { status: 'cancelled' };

export type MemberResult = ReleaseMember & { outcome: MemberOutcome };

export type ReleaseStatus = 'released' | 'failed' | 'cancelled';

export interface ReleaseSummary {
  pond: string;
  /** `failed` when any member failed (even if cancelled too); else `cancelled`; else `released`. */
  status: ReleaseStatus;
  crabbox: { path: string; version: string } | null;
  members: MemberResult[];
  counts: { released: number; retained: number; forgotten: number; failed: number; skipped: number; cancelled: number };
  notes: string[];
  /** One line saying how it went. */
  message: string;
}

export type ReleaseProgress =
  | { pond: string; key: string; phase: 'queued' | 'running' }
  | { pond: string; key: string; phase: 'done'; result: MemberResult };

export interface ReleaseDeps {
  /** The pond's claims, in claim-file order; `problems` are messages about unreadable claim files. */
  listPondClaims: (pond: string) => Promise<{ claims: Claim[]; problems: string[] }>;
  /** One claim by lease ID; null when its file is gone. */
  readClaim: (leaseID: string) => Promise<Claim | null>;
  settings: Pick<SettingsStore, 'get' | 'set'>;
  crabbox: Pick<CrabboxCli, 'status' | 'stop'>;
  /** Closes the pond's SSH forwards before anything is stopped. */
  disconnectPond: (pond: string) => Promise<void>;
  /** Is this an existing directory (the claim's repo root, where crabbox should run)? */
  isDirectory: (dir: string) => Promise<boolean>;
  /** Where crabbox runs when the claim's repo root is gone. */
  fallbackCwd: string;
  stopTimeoutMs?: number;
  concurrency?: number;
}

export interface ReleaseOptions {
  /** Keys of the members the user confirmed; absent means "every member of the pond now". */
  confirmed?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (event: ReleaseProgress) => void;
}

/** The pond name as crabbox normalizes it, or a PondError saying why it names no pond or is too long. */
export function releasePondName(input: string): string {
  const pond = parsePondName(input);
  const requested = requestedPondName(input);
  if (!requested.ok) throw new PondError('INVALID_INPUT', requested.error);
  return pond;
}

function crabboxMember(claim: Claim): ReleaseMember {
  const provider = claim.provider === '' ? '(no provider)' : claim.provider;
  return {
    key: `crabbox:${claim.leaseID}`,
    kind: 'crabbox',
    slug: claim.slug,
    provider: claim.provider,
    id: claim.leaseID,
    action: 'stop',
    detail: `crabbox stop (${provider} lease ${claim.leaseID})`,
  };
}

function manualReleaseMember(m: { id: string; slug: string; user: string; host: string; port: number }): ReleaseMember {
  return {
    key: `manual:${m.id}`,
    kind: 'manual',
    slug: m.slug,
    provider: 'ssh',
    id: m.id,
    action: 'forget',
    detail: `forget the hand-added host ${m.user}@${m.host}:${m.port} (the machine is not touched)`,
  };
}

/** A member known only by its key: it left the pond between confirmation and release. */
function memberFromKey(key: string): ReleaseMember {
  const manual = key.startsWith('manual:');
  const id = key.slice(key.indexOf(':') + 1);
  return { key, kind: manual ? 'manual' : 'crabbox', slug: '', provider: '', id, action: manual ? 'forget' : 'stop', detail: '' };
}

/** Who is in the pond and whether it can be released now. Touches nothing. */
export async function planRelease(deps: ReleaseDeps, pondInput: string): Promise<ReleasePlan> {
  const pond = releasePondName(pondInput);
  const [listing, crabbox] = await Promise.all([deps.listPondClaims(pond), deps.crabbox.status()]);
  const manual = deps.settings.get('manualMembers').filter((m) => normalizePondName(m.pond) === pond);
  const members = [...listing.claims.map(crabboxMember), ...manual.map(manualReleaseMember)];
  const warnings = listing.problems.map((p) => `${p} (a member of this pond may be missing from this list)`);
  const plan: ReleasePlan = { pond, members, crabbox, warnings };
  if (members.length === 0) plan.disabledReason = `pond "${pond}" has no active leases`;
  else if (crabbox.state !== 'ready' && listing.claims.length > 0) plan.disabledReason = crabbox.message;
  return plan;
}

function summarize(pond: string, plan: ReleasePlan, members: MemberResult[], notes: string[], cancelled: boolean): ReleaseSummary {
  const counts = { released: 0, retained: 0, forgotten: 0, failed: 0, skipped: 0, cancelled: 0 };
  for (const { outcome } of members) {
    if (outcome.status === 'released') {
      if (outcome.claim === 'retained') counts.retained++;
      else if (outcome.claim === 'forgotten') counts.forgotten++;
      else counts.released++;
    } else counts[outcome.status]++;
  }
  const status: ReleaseStatus = counts.failed > 0 ? 'failed' : cancelled ? 'cancelled' : 'released';
  const done = counts.released + counts.retained + counts.forgotten;
  const parts = [`${done} of ${members.length} member(s) released`];
  if (counts.retained > 0) parts.push(`${counts.retained} with claims kept by crabbox`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (counts.cancelled > 0) parts.push(`${counts.cancelled} not started (cancelled)`);
  const crabbox = plan.crabbox.state === 'ready' ? { path: plan.crabbox.path, version: plan.crabbox.version } : null;
  return { pond, status, crabbox, members, counts, notes, message: `pond "${pond}": ${parts.join(', ')}` };
}

/** The summary of a pond with nothing in it (crabbox prints `pond "<name>" has no active leases`). */
export function emptyReleaseSummary(plan: ReleasePlan): ReleaseSummary {
  return { ...summarize(plan.pond, plan, [], [], false), message: `pond "${plan.pond}" has no active leases` };
}

class Releaser {
  constructor(
    private readonly deps: ReleaseDeps,
    private readonly pond: string,
    private readonly crabboxPath: string,
  ) {}

  async release(member: ReleaseMember): Promise<MemberOutcome> {
    try {
      return member.kind === 'manual' ? this.forget(member) : await this.stop(member);
    } catch (error) {
      return { status: 'failed', message: (error as Error).message, output: '' };
    }
  }

  private forget(member: ReleaseMember): MemberOutcome {
    const current = this.deps.settings.get('manualMembers').find((m) => m.id === member.id);
    if (!current) return { status: 'skipped', reason: 'it was already removed from Pond Desktop', warning: false, output: '' };
    const pond = normalizePondName(current.pond);
    if (pond !== this.pond) {
      return { status: 'skipped', reason: `it moved to pond "${pond}" after the release was confirmed; left as it is`, warning: true, output: '' };
    }
    const forgotten = forgetManualMember(this.deps.settings, member.id);
    if (forgotten.kind === 'gone') return { status: 'skipped', reason: 'it was already removed from Pond Desktop', warning: false, output: '' };
    return { status: 'released', claim: 'forgotten', output: '' };
  }

  private async stop(member: ReleaseMember): Promise<MemberOutcome> {
    const claim = await this.deps.readClaim(member.id);
    if (!claim) {
      return {
        status: 'skipped',
        reason: 'its claim disappeared before Pond Desktop stopped it (released elsewhere); nothing left to do',
        warning: false,
        output: '',
      };
    }
    const pond = normalizePondName(claim.pond);
    if (pond !== this.pond) {
      const where = pond === '' ? 'left the pond' : `moved to pond "${pond}"`;
      return { status: 'skipped', reason: `its claim ${where} after the release was confirmed; not stopped`, warning: true, output: '' };
    }
    if (canonicalProvider(claim.provider) !== canonicalProvider(member.provider)) {
      return {
        status: 'failed',
        message: `its claim changed provider from ${member.provider || '(none)'} to ${claim.provider || '(none)'} after the release was confirmed; not stopped. Review the pond and release it again.`,
        output: '',
      };
    }
    const cwd = claim.repoRoot !== '' && (await this.deps.isDirectory(claim.repoRoot)) ? claim.repoRoot : this.deps.fallbackCwd;
    const stopped = await this.deps.crabbox.stop(this.crabboxPath, {
      provider: claim.provider,
      leaseID: claim.leaseID,
      cwd,
      timeoutMs: this.deps.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    });
    switch (stopped.kind) {
      case 'failed':
        return { status: 'failed', message: stopped.message, output: stopped.output };
      case 'unsupported':
        return { status: 'skipped', reason: `provider does not support stop (${stopped.message})`, warning: true, output: stopped.output };
      case 'stopped': {
        // §6: some providers keep a reusable stopped resource and crabbox keeps its claim.
        const after = await this.deps.readClaim(member.id).catch(() => claim);
        return { status: 'released', claim: after ? 'retained' : 'removed', output: stopped.output };
      }
    }
  }
}

/**
 * Releases the pond: disconnects its forwards, then stops/forgets each member with at most
 * `concurrency` at a time. Throws (touching nothing) only when it cannot start at all:
 * bad name, no members, crabbox missing or too old. Otherwise always returns a summary.
 */
export async function releasePond(deps: ReleaseDeps, pondInput: string, options: ReleaseOptions = {}): Promise<ReleaseSummary> {
  const plan = await planRelease(deps, pondInput);
  const { pond } = plan;
  if (plan.disabledReason !== undefined) {
    throw new PondError(plan.members.length === 0 ? 'NOT_FOUND' : 'UNAVAILABLE', plan.disabledReason);
  }
  const notes: string[] = [];
  let members = plan.members;
  const extra: MemberResult[] = [];
  if (options.confirmed) {
    const confirmed = new Set(options.confirmed);
    const current = new Set(members.map((m) => m.key));
    for (const m of members.filter((m) => !confirmed.has(m.key))) {
      extra.push({
        ...m,
        outcome: { status: 'skipped', reason: 'it joined the pond after the release was confirmed; left running', warning: true, output: '' },
      });
    }
    for (const key of options.confirmed.filter((k) => !current.has(k))) {
      extra.push({
        ...memberFromKey(key),
        outcome: { status: 'skipped', reason: 'it was no longer in the pond when the release started; nothing to do', warning: false, output: '' },
      });
    }
    members = members.filter((m) => confirmed.has(m.key));
  }

  const emit = (event: ReleaseProgress) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A broken listener must not turn a release into a half-release.
    }
  };
  for (const m of members) emit({ pond, key: m.key, phase: 'queued' });

  try {
    await deps.disconnectPond(pond);
  } catch (error) {
    notes.push(`could not disconnect the pond's forwards first (${(error as Error).message}); they stop working as their members go away`);
  }

  const releaser = new Releaser(deps, pond, plan.crabbox.state === 'ready' ? plan.crabbox.path : '');
  const stops = new PQueue({ concurrency: Math.max(1, deps.concurrency ?? RELEASE_CONCURRENCY) });
  const results = await stops.addAll(
    members.map((member) => async (): Promise<MemberResult | undefined> => {
      if (options.signal?.aborted) return undefined;
      emit({ pond, key: member.key, phase: 'running' });
      const result: MemberResult = { ...member, outcome: await releaser.release(member) };
      emit({ pond, key: member.key, phase: 'done', result });
      return result;
    }),
  );

  const finished = members.map((member, i): MemberResult => {
    const done = results[i];
    if (done) return done;
    const result: MemberResult = { ...member, outcome: { status: 'cancelled' } };
    emit({ pond, key: member.key, phase: 'done', result });
    return result;
  });
  const cancelled = finished.some((r) => r.outcome.status === 'cancelled');
  if (cancelled) {
    const released = finished.filter((r) => r.outcome.status === 'released').map((r) => r.slug || r.id);
    notes.push(
      released.length > 0
        ? `cancelled: no new stops were started; already released: ${released.join(', ')}`
        : 'cancelled before any member was released',
    );
  }
  return summarize(pond, plan, [...finished, ...extra], notes, cancelled);
}
