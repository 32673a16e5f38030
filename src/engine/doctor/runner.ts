/**
 * Runs the live checks: every applicable (member, checker) pair, a few at a time, each
 * with its own deadline, each result handed to `onResult` the moment it is known. A slow
 * or hung check costs its own timeout and nothing else.
 */
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
  const controller = new AbortController();
  let cancel: (outcome: CheckOutcome) => void = () => {};
  const cancelled = new Promise<CheckOutcome>((resolve) => (cancel = resolve));
  const onAbort = () => {
    controller.abort();
    cancel({ status: 'skip', summary: 'cancelled', fixes: [] });
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        status: 'fail',
        summary: `${task.planned.title} for ${task.member.name} gave no answer within ${timeoutMs / 1000} s`,
        fixes: ['Run the doctor again; if it keeps timing out, the member or the network path to it is hanging.'],
        reason: 'timed out',
      });
    }, timeoutMs);
  });
  try {
    const work = task.checker.run({ pond: options.pond, member: task.member, deps: options.deps }, controller.signal).catch(
      (error: unknown): CheckOutcome => ({
        status: 'fail',
        summary: `${task.planned.title} for ${task.member.name} could not run: ${(error as Error).message}`,
        fixes: [],
        reason: (error as Error).message,
      }),
    );
    return await Promise.race([work, expired, cancelled]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}

/** Runs every applicable check; resolves with all results in plan order. */
export async function runChecks(options: RunChecksOptions): Promise<CheckResult[]> {
  const now = options.now ?? (() => performance.now());
  const tasks = tasksFor(options.pond, options.members, options.deps, options.checkers ?? CHECKERS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const results: CheckResult[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      const task = tasks[index] as Task;
      const started = now();
      const outcome = await runOne(task, options, timeoutMs);
      const result: CheckResult = { ...task.planned, ...outcome, durationMs: Math.round(now() - started) };
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, tasks.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
