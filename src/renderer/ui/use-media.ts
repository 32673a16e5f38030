import { useSyncExternalStore } from 'react';

function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (changed) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', changed);
      return () => list.removeEventListener('change', changed);
    },
    () => window.matchMedia(query).matches,
  );
}

/** Narrow enough that tables become cards (styles.css uses the same width). */
export function useCompact(): boolean {
  return useMedia('(max-width: 899px)');
}
