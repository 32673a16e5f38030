/**
 * Runs the live checks: every applicable (member, checker) pair, a few at a time, each
 * with its own deadline, each result handed to `onResult` the moment it is known. A slow
 * or hung check costs its own timeout and nothing else.
 */
import PQueue from 'p-queue';
import type { PeerRow } from '../../contract/index';
import { CHECKERS } from './checks/index';
import type { CheckDeps, CheckOutcome, Checker, DoctorMember } from './checks/types';

export interface PlannedCheck {
  /** `<checker>:<member>`, unique in a run. */
  id: string;
  check: string;
  title: string;
  member: string;
  transport: PeerRow['transport'];
}

export type CheckResult = PlannedCheck & CheckOutcome & { durationMs: number };

export interface RunChecksOptions {
  pond: string;
  members: readonly DoctorMember[];
  deps: CheckDeps;
  checkers?: readonly Checker[];
  concurrency?: number;
  /** Per check. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onResult?: (result: CheckResult) => void;
  now?: () => number;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;

interface Task {
  planned: PlannedCheck;
  checker: Checker;
  member: DoctorMember;
}

function tasksFor(pond: string, members: readonly DoctorMember[], deps: CheckDeps, checkers: readonly Checker[]): Task[] {
  return members.flatMap((member) =>
    checkers
      .filter((checker) => checker.applies({ pond, member, deps }))
      .map((checker) => ({
        checker,
        member,
        planned: { id: `${checker.id}:${member.name}`, check: checker.id, title: checker.title, member: member.name, transport: member.row.transport },
      })),
  );
}

/** The checks a run will make, in result order (for showing them before they finish). */
export function planChecks(pond: string, members: readonly DoctorMember[], deps: CheckDeps, checkers: readonly Checker[] = CHECKERS): PlannedCheck[] {
  return tasksFor(pond, members, deps, checkers).map((t) => t.planned);
}

async function runOne(task: Task, options: RunChecksOptions, timeoutMs: number): Promise<CheckOutcome> {
  const finished = new AbortController();
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), finished.signal, ...(options.signal ? [options.signal] : [])]);
  const stopped = new Promise<CheckOutcome>((resolve) => {
    const onAbort = () =>
      resolve(
        options.signal?.aborted
          ? { status: 'skip', summary: 'cancelled', fixes: [] }
          : {
              status: 'fail',
              summary: `${task.planned.title} for ${task.member.name} gave no answer within ${timeoutMs / 1000} s`,
              fixes: ['Run the doctor again; if it keeps timing out, the member or the network path to it is hanging.'],
              reason: 'timed out',
            },
      );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const work = task.checker.run({ pond: options.pond, member: task.member, deps: options.deps }, signal).catch(
      (error: unknown): CheckOutcome => ({
        status: 'fail',
        summary: `${task.planned.title} for ${task.member.name} could not run: ${(error as Error).message}`,
        fixes: [],
        reason: (error as Error).message,
      }),
    );
    return await Promise.race([work, stopped]);
  } finally {
    // Whatever the check left running stops with it.
    finished.abort();
  }
}

/** Runs every applicable check; resolves with all results in plan order. */
export async function runChecks(options: RunChecksOptions): Promise<CheckResult[]> {
  const now = options.now ?? (() => performance.now());
  const tasks = tasksFor(options.pond, options.members, options.deps, options.checkers ?? CHECKERS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) });
  return queue.addAll(
    tasks.map((task) => async () => {
      const started = now();
      const outcome = await runOne(task, options, timeoutMs);
      const result: CheckResult = { ...task.planned, ...outcome, durationMs: Math.round(now() - started) };
      options.onResult?.(result);
      return result;
    }),
  );
}
