/** Errors as they cross every transport: a code a UI can act on and a message for people. */
import { z } from 'zod';

/** Codes a UI can act on. */
export const errorCodeSchema = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'CANCELLED',
  'TIMEOUT',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const apiErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

/** What crosses IPC/WebSocket for every call: a result or an error, never a throw. */
export type Envelope<T> = { result: T } | { error: ApiErrorShape };

/** A zod issue list as one line that names the offending field. */
export function describeZodError(error: z.ZodError, what: string): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : what;
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
