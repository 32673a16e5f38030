import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError } from './errors';

const schema = z.object({
  port: z.number().int().min(1, 'port must be between 1 and 65535'),
  value: z.string().min(1).max(4),
  format: z.enum(['sh', 'fish']),
  url: z.string().url(),
  count: z.number().max(3),
});

function described(input: unknown): string {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a failure');
  return describeZodError(parsed.error, 'input');
}

describe('describeZodError', () => {
  it('says what each field must be, without zod’s schema wording', () => {
    const text = described({ port: '8080', value: 'abcdef', format: 'zsh', url: 'nope', count: 9 });
    expect(text).toBe(
      'port must be a number; value must have at most 4 characters; format must be one of "sh", "fish"; url must be a web address (http:// or https://); count must be at most 3',
    );
    expect(text).not.toMatch(/Invalid|received|expected/);
  });

  it('keeps a message the schema sets and names a missing field', () => {
    expect(described({ port: 0, value: '', format: 'sh', url: 'https://a.test/', count: 1 })).toBe('port: port must be between 1 and 65535; value must not be empty');
    expect(described({ value: 'a', format: 'sh', url: 'https://a.test/', count: 1 })).toBe('port is missing');
  });
});
