// Which links may leave the app for the system browser (STYLE 5). Decided on the parsed URL, never on
// substrings: "https://evil.example/?q=openstreetmap.org" contains an allowed name and is refused.

/** Exact host names (no wildcard subdomains): documentation, maps and directions sites. */
export const TRUSTED_HOSTS: readonly string[] = [
  'depotdesk.dev',
  'docs.depotdesk.dev',
  'www.openstreetmap.org',
  'openstreetmap.org',
  'maps.apple.com',
  'www.google.com', // Google Maps directions (https://www.google.com/maps/dir/...)
  'github.com',
];

const MAX_URL_LENGTH = 2048;

/**
 * True when `raw` is an https URL on one of `hosts`, on the default port, with no user-info.
 * IDN look-alikes fail naturally: the URL parser turns them into punycode (`xn--…`), which is not
 * in the list; a trailing-dot host ("openstreetmap.org.") is a different name and fails too.
 */
export function isTrustedExternalUrl(raw: unknown, hosts: readonly string[] = TRUSTED_HOSTS): boolean {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  // "https://openstreetmap.org@evil.example/" has host evil.example, but refuse user-info outright:
  // it exists mainly to mislead whoever reads the link.
  if (url.username !== '' || url.password !== '') return false;
  if (url.port !== '') return false;
  return hosts.includes(url.hostname);
}

/** The origin ("http://127.0.0.1:4400") of a URL, or null when it does not parse. */
export function originOf(raw: string): string | null {
  try {
    const origin = new URL(raw).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
