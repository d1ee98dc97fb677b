/**
 * Named a contract (zod-free, no imports) because it is the rule for the `locale` field that the
 * depot contract validates with and the renderer may bundle.
 *
 * The depot's locale: which language conventions its dates, times and numbers are written in, on
 * screen and in reports (issue 17, 6). A depot stores a BCP 47 tag or nothing; nothing means the
 * default for its zone, so depots that predate the setting (or replicas that never saw it) read the
 * same as before without a data migration.
 */

/** When nothing better is known: day-month-year and a 24-hour clock read unambiguously to most crews. */
export const FALLBACK_LOCALE = 'en-GB';

/**
 * A zone's usual locale. Depots record no country, so the zone is the best hint we have of one;
 * only zones whose country is plain are listed (Europe/Brussels or Europe/Zurich have several
 * languages and fall back to the whole-region guesses below or en-GB, which an admin then changes).
 */
const BY_ZONE: Record<string, string> = {
  'Europe/London': 'en-GB',
  'Europe/Belfast': 'en-GB',
  'Europe/Dublin': 'en-IE',
  'Europe/Berlin': 'de-DE',
  'Europe/Vienna': 'de-AT',
  'Europe/Paris': 'fr-FR',
  'Europe/Madrid': 'es-ES',
  'Europe/Lisbon': 'pt-PT',
  'Europe/Rome': 'it-IT',
  'Europe/Amsterdam': 'nl-NL',
  'Europe/Copenhagen': 'da-DK',
  'Europe/Stockholm': 'sv-SE',
  'Europe/Oslo': 'nb-NO',
  'Europe/Helsinki': 'fi-FI',
  'Europe/Warsaw': 'pl-PL',
  'Europe/Prague': 'cs-CZ',
  'America/Toronto': 'en-CA',
  'America/Vancouver': 'en-CA',
  'America/Edmonton': 'en-CA',
  'America/Winnipeg': 'en-CA',
  'America/Halifax': 'en-CA',
  'America/Mexico_City': 'es-MX',
  'America/Sao_Paulo': 'pt-BR',
  'America/Argentina/Buenos_Aires': 'es-AR',
  'Pacific/Auckland': 'en-NZ',
  'Pacific/Honolulu': 'en-US',
  'Asia/Tokyo': 'ja-JP',
  'Asia/Kolkata': 'en-IN',
  'Asia/Singapore': 'en-SG',
  'Africa/Johannesburg': 'en-ZA',
  UTC: FALLBACK_LOCALE,
};

/** The United States' zones (America/ also holds Canada, Mexico and South America, so not by prefix). */
const US_ZONES =
  /^America\/(New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Detroit|Boise|Juneau|Indiana\/.+|Kentucky\/.+|North_Dakota\/.+)$/;

/** The default locale for a depot in `timeZone`. */
export function localeForZone(timeZone: string): string {
  const known = BY_ZONE[timeZone];
  if (known) return known;
  if (US_ZONES.test(timeZone)) return 'en-US';
  if (timeZone.startsWith('Australia/')) return 'en-AU';
  return FALLBACK_LOCALE;
}

/**
 * The tag in canonical case ("en-gb" → "en-GB") when this runtime can format in it, else null.
 * `supportedLocalesOf` drops tags it would only serve by falling back to another language, so an
 * unknown language ("xx-YY") is refused rather than silently printed in English.
 */
export function supportedLocale(tag: string): string | null {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0];
  } catch {
    return null; // not a well-formed BCP 47 tag
  }
  if (!canonical) return null;
  const numbers = Intl.NumberFormat.supportedLocalesOf([canonical]);
  return Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0 && numbers.length > 0 ? canonical : null;
}

/** What a depot's dates are shown in: its own tag, else its zone's default. */
export function effectiveLocale(stored: string | null | undefined, timeZone: string): string {
  return (stored ? supportedLocale(stored) : null) ?? localeForZone(timeZone);
}
