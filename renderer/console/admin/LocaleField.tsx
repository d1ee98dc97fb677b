import { useMemo } from 'react';
import { localeForZone, supportedLocale } from '../../../server/depots/contract-locale';
import { depotFormat } from '../../shared/locale/format';

/** Tags offered in the list; any BCP 47 tag the host supports may be typed. */
const COMMON = [
  'en-GB',
  'en-IE',
  'en-US',
  'en-CA',
  'en-AU',
  'en-NZ',
  'de-DE',
  'de-AT',
  'de-CH',
  'fr-FR',
  'fr-BE',
  'nl-NL',
  'nl-BE',
  'es-ES',
  'it-IT',
  'pt-PT',
  'sv-SE',
  'da-DK',
  'nb-NO',
  'fi-FI',
  'pl-PL',
];
const SAMPLE = Date.UTC(2026, 11, 5, 6, 50);

/**
 * The depot's locale, edited beside its time zone: empty means the zone's default (shown as the
 * placeholder), and a preview shows how dates and numbers will read with both, so an admin sees the
 * effect before saving. The host checks the tag again (400 on one it cannot format in).
 */
export function LocaleField({ value, timeZone, onChange }: { value: string; timeZone: string; onChange(next: string): void }) {
  const fallback = localeForZone(timeZone);
  const preview = useMemo(() => {
    const locale = value.trim() ? supportedLocale(value.trim()) : fallback;
    if (!locale) return null;
    try {
      const fmt = depotFormat({ locale, timeZone });
      return `${fmt.dateTimeFull(SAMPLE)} · ${fmt.pattern.placeholder} · ${fmt.number(1234.5, { min: 1, max: 1 })}`;
    } catch {
      return null; // a zone still being typed
    }
  }, [value, timeZone, fallback]);
  return (
    <>
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={`${fallback} (from the time zone)`}
        list="locale-list"
        data-testid="depot-locale"
      />
      <datalist id="locale-list">
        {COMMON.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <small className="muted" data-testid="depot-locale-preview">
        {preview ? `Dates read: ${preview}` : 'Not a locale this depot can show dates in (try en-GB, en-US, de-DE)'}
      </small>
    </>
  );
}
