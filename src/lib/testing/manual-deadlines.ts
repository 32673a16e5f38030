/**
 * Deadlines a test ends itself, for HttpClientOptions.deadline, so no test waits out a
 * real timeout: hand `deadline` to the client, wait until the server has the request,
 * then `expire()`.
 */
export class ManualDeadlines {
  /** The budget of every deadline asked for, in order. */
  readonly asked: number[] = [];
  private readonly pending: AbortController[] = [];

  readonly deadline = (ms: number): AbortSignal => {
    this.asked.push(ms);
    const controller = new AbortController();
    this.pending.push(controller);
    return controller.signal;
  };

  /** Ends every deadline handed out so far, as AbortSignal.timeout would. */
  expire(): void {
    for (const controller of this.pending.splice(0)) controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }
}
