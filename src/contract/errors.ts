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

/**
 * zod's own messages ("Invalid input: expected number, received string") are schema
 * wording; these say the same in plain words. Messages a schema sets itself are kept.
 */
function plainIssue(issue: z.core.$ZodIssue): string | undefined {
  if (!/^(Invalid|Too (big|small)|Unrecognized)/.test(issue.message)) return undefined;
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'is missing' : `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'a list of values' : `a ${issue.expected === 'int' ? 'whole number' : issue.expected}`}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must have at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} entries`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must have at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a web address (http:// or https://)' : `is not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `has fields it does not know: ${issue.keys.join(', ')}`;
    default:
      return 'is not valid';
  }
}

/** A zod issue list as one line that names the offending field, in plain words: `port must be a number`. */
export function describeZodError(error: z.ZodError, what: string): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : what;
      const plain = plainIssue(issue);
      return plain === undefined ? `${where}: ${issue.message}` : `${where} ${plain}`;
    })
    .join('; ');
}
