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

/**
 * The paths at which the host serves the console's document (server/http/static.ts: exactly "/").
 * Every other page of the same origin — the API docs (/api/docs), share pages (/s/…), the crew view
 * (/crew/) — is a different document that must never reach the desktop bridge.
 */
export const CONSOLE_DOCUMENT_PATHS: readonly string[] = ['/'];

/**
 * True when `raw` is the console's own document on the host's current origin. Any query and any
 * fragment are allowed: they do not change which document runs, and the console routes by fragment
 * (`#/board`, and `#setup=…` on first run). The path is compared after the URL parser's
 * normalisation, so "/./" counts as "/" while "//", "/%2F" and "/index.html" do not.
 */
export function isConsoleDocumentUrl(raw: string, consoleOrigin: string | null): boolean {
  if (consoleOrigin === null || raw.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.origin === consoleOrigin && url.username === '' && url.password === '' && CONSOLE_DOCUMENT_PATHS.includes(url.pathname);
}

/**
 * A URL as main may log it: scheme, host and path only, at most 200 characters. The query and the
 * fragment are dropped because they carry secrets (`?token=`, `#setup=<one-time code>`).
 */
export function urlForLog(raw: string): string {
  try {
    const url = new URL(raw);
    // file:, data: and javascript: URLs have no origin; their path is what says what they were.
    const base = url.origin === 'null' ? `${url.protocol}${url.pathname}` : `${url.origin}${url.pathname}`;
    return redactSecrets(base.slice(0, 200));
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Masks secrets that may appear in text main relays to its log (the host's start-up banner prints the
 * console address with `#setup=<code>`; request lines may carry `?token=`). `known` are exact secrets
 * to mask wherever they appear, whatever surrounds them.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text.replace(/([#?&](?:setup|setupCode|token)=)[^&#\s"'<>]+/gi, '$1[redacted]');
  for (const secret of known) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}
