import type { ErrorCode } from '../contract/index';

/** An engine error with a code the UI can act on; its message is shown to the user. */
export class PondError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PondError';
  }
}
