/**
 * Flag parsing for every command. Unlike crabbox (Go's flag package stops at the first
 * positional), flags are honoured wherever they appear on the line.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './types';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export function parseFlags<const T extends FlagSpec>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: { ...spec, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** A `--flag N` port value in 1..65535, or the message crabbox prints. */
export function portFlag(value: string | undefined, flag: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (allowZero && n === 0) return 0;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${flag} must be between 1 and 65535`);
  return n;
}
