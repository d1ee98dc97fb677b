import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useSession } from '../api/session';
import { BEFORE_SIGN_IN, depotFormat, type DepotFormat } from './format';

const FormatContext = createContext<DepotFormat | null>(null);

/**
 * Gives every screen below it the depot's formatter, from the depot /auth/me names (its locale and
 * zone). Placed inside SessionProvider in both apps; before sign-in, the browser's zone in en-GB.
 */
export function DepotFormatProvider({ children }: { children: ReactNode }) {
  const depot = useSession().user?.depot;
  const locale = depot?.locale ?? BEFORE_SIGN_IN.locale;
  const timeZone = depot?.timeZone ?? BEFORE_SIGN_IN.timeZone;
  const value = useMemo(() => depotFormat({ locale, timeZone }), [locale, timeZone]);
  return <FormatContext.Provider value={value}>{children}</FormatContext.Provider>;
}

/** The depot's formatter (dates, times, numbers in its locale and zone). */
export function useDepotFormat(): DepotFormat {
  const v = useContext(FormatContext);
  if (!v) throw new Error('useDepotFormat outside DepotFormatProvider');
  return v;
}
