import type { Tone } from './tones';

/** A state in words and colour; never wraps. */
export function Badge({ tone, children, testId, title }: { tone: Tone; children: string; testId?: string; title?: string }) {
  return (
    <span className={`badge ${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}
