import { useEffect, useState } from 'react';

/** Copies `text` to the clipboard and says so; `what` names what is copied for screen readers. */
export function CopyButton({ text, label = 'Copy', what, testId }: { text: string; label?: string; what?: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className="small" onClick={() => void copy()} aria-label={state === 'idle' ? `${label} ${what ?? text}` : undefined} data-testid={testId}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
