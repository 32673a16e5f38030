import { useEffect, useState } from 'react';

/** The time now, redrawn every second while `ticking` (a countdown is on screen). */
export function useNow(ticking: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!ticking) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  return Date.now();
}
