import { useEffect, useState } from 'react';

/**
 * A clock that re-renders every `everyMs` so countdowns stay live: one per screen, not one per card
 * (the board, SLA clocks, the map's "last known" vehicles and the crew's lists share it).
 */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
