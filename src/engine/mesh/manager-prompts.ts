/**
 * Passphrase prompts between the mesh and a UI: a request goes out as an event
 * (`mesh:passphraseRequest`), the answer comes back with its id (`mesh:passphrase`). The
 * passphrase is handed to the waiting session and kept nowhere. A request nobody answers
 * counts as cancelled after a while, so a member never waits forever on a closed window.
 */
import { randomUUID } from 'node:crypto';
import type { PassphraseRequest } from './manager';

export type PassphrasePrompt = PassphraseRequest & { requestId: string };

interface Pending {
  resolve(passphrase: string | null): void;
  timer: NodeJS.Timeout;
}

export const PROMPT_TIMEOUT_MS = 5 * 60_000;

export class PassphrasePrompts {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly show: (prompt: PassphrasePrompt) => void,
    private readonly timeoutMs = PROMPT_TIMEOUT_MS,
  ) {}

  ask(request: PassphraseRequest): Promise<string | null> {
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(requestId, null), this.timeoutMs);
      timer.unref();
      this.pending.set(requestId, { resolve, timer });
      this.show({ ...request, requestId });
    });
  }

  /** Hands the answer (null: cancelled) to the waiting member; false if nothing waits for it. */
  answer(requestId: string, passphrase: string | null): boolean {
    const pending = this.pending.get(requestId);
    if (!pending) return false;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(passphrase);
    return true;
  }

  /** Cancels every open prompt (the app is quitting). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.answer(id, null);
  }

  get waiting(): number {
    return this.pending.size;
  }
}
