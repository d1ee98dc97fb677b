import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { orgFormat, type OrgFormat } from '../format/format';
import { isKnownZone } from '../period/zoned';

interface OrgValue {
  /** The zone periods are cut in and times are shown in. */
  zone: string;
  fmt: OrgFormat;
  /** Set when the organization's zone could not be used, saying which one is used instead. */
  zoneNote: string | null;
}

const OrgContext = createContext<OrgValue | null>(null);

/** Browsers ship their own zone database: an organization's zone may be missing from an old one. */
export function OrgProvider({ zone, fallbackNote, children }: { zone: string; fallbackNote?: string; children: ReactNode }) {
  const value = useMemo<OrgValue>(() => {
    const known = isKnownZone(zone);
    const used = known ? zone : 'UTC';
    return {
      zone: used,
      fmt: orgFormat(used),
      zoneNote:
        fallbackNote ?? (known ? null : `This browser does not know the organization's time zone (${zone}); periods and times are in UTC.`),
    };
  }, [zone, fallbackNote]);
  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}

export function useOrg(): OrgValue {
  const v = useContext(OrgContext);
  if (!v) throw new Error('useOrg outside OrgProvider');
  return v;
}
