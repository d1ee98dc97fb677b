import { describe, expect, it } from 'vitest';
import { isConsoleDocumentUrl, isTrustedExternalUrl, originOf, redactSecrets, urlForLog } from './trusted-url.js';

describe('trusted external URLs', () => {
  it.each([
    'https://www.openstreetmap.org/directions?to=51.5,-0.1',
    'https://maps.apple.com/?daddr=51.5,-0.1',
    'https://docs.depotdesk.dev/guide/board',
    'https://www.google.com/maps/dir/?api=1&destination=51.5,-0.1',
  ])('when the link is https on an allowlisted host (%s), then it opens', (url) => {
    expect(isTrustedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['an allowed name only in the query', 'https://evil.com/?x=openstreetmap.org'],
    ['an allowed name only in the path', 'https://evil.com/www.openstreetmap.org'],
    ['an allowed name as a prefix of the host', 'https://www.openstreetmap.org.evil.com/'],
    ['an allowed name as a suffix of the host', 'https://evilopenstreetmap.org/'],
    ['a subdomain not on the list', 'https://tile.openstreetmap.org/'],
    ['user-info that looks like the host', 'https://www.openstreetmap.org@evil.com/'],
    ['user-info on an allowed host', 'https://user:pass@www.openstreetmap.org/'],
    ['plain http', 'http://www.openstreetmap.org/'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: wearing the name', 'javascript://www.openstreetmap.org/%0aalert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a non-default port', 'https://www.openstreetmap.org:8443/'],
    ['an IDN look-alike (Cyrillic о)', 'https://www.\u043epenstreetmap.org/'],
    ['a trailing-dot host', 'https://www.openstreetmap.org./'],
    ['a relative URL', '/api/v1/work-orders'],
    ['not a URL', 'openstreetmap.org'],
    ['an empty string', ''],
    ['a very long URL', `https://www.openstreetmap.org/?q=${'a'.repeat(3000)}`],
  ])('when the link is %s, then it is refused', (_what, url) => {
    expect(isTrustedExternalUrl(url)).toBe(false);
  });

  it('when the input is not a string, then it is refused', () => {
    expect(isTrustedExternalUrl(undefined)).toBe(false);
    expect(isTrustedExternalUrl({ href: 'https://www.openstreetmap.org/' })).toBe(false);
  });

  it('when host names differ only in letter case, then the parser normalises them and they match', () => {
    expect(isTrustedExternalUrl('https://WWW.OpenStreetMap.org/')).toBe(true);
  });

  it('when an origin is asked for, then it is scheme, host and port, and null for opaque URLs', () => {
    expect(originOf('http://127.0.0.1:4400/#/board')).toBe('http://127.0.0.1:4400');
    expect(originOf('file:///x')).toBeNull();
    expect(originOf('nonsense')).toBeNull();
  });
});

describe('the console document', () => {
  const ORIGIN = 'http://127.0.0.1:4400';

  it.each([
    `${ORIGIN}/`,
    `${ORIGIN}`,
    `${ORIGIN}/#/board`,
    `${ORIGIN}/#setup=abcdefghijklmnop1234`,
    `${ORIGIN}/?a=1`,
    `${ORIGIN}/./`,
    'HTTP://127.0.0.1:4400/',
  ])('when the URL is %s, then it is the console', (url) => {
    expect(isConsoleDocumentUrl(url, ORIGIN)).toBe(true);
  });

  it.each([
    `${ORIGIN}/api/docs`,
    `${ORIGIN}/api/docs/`,
    `${ORIGIN}/s/abc`,
    `${ORIGIN}/crew/`,
    `${ORIGIN}/crew/index.html`,
    `${ORIGIN}/index.html`,
    `${ORIGIN}//`,
    `${ORIGIN}/%2F`,
    `${ORIGIN}/api/docs/../../s/abc`,
    'http://user:pw@127.0.0.1:4400/',
    'http://127.0.0.1:4401/',
    'http://localhost:4400/',
    'https://127.0.0.1:4400/',
    'file:///',
    'about:blank',
    '',
    'not a url',
  ])('when the URL is %s, then it is not the console', (url) => {
    expect(isConsoleDocumentUrl(url, ORIGIN)).toBe(false);
  });

  it('when the host is down (no origin), then nothing is the console', () => {
    expect(isConsoleDocumentUrl(`${ORIGIN}/`, null)).toBe(false);
  });
});

describe("URLs and text in main's log", () => {
  it('when a URL is logged, then its query and fragment (tokens, setup codes) are left out', () => {
    expect(urlForLog('http://127.0.0.1:4400/s/x?token=secret-1#setup=secret-2')).toBe('http://127.0.0.1:4400/s/x');
    expect(urlForLog('file:///tmp/a.html?x#y')).toBe('file:/tmp/a.html');
    expect(urlForLog('nonsense')).toBe('(unparsable URL)');
  });

  it('when text carries #setup=, ?setup=, &token= or a known secret, then each is masked', () => {
    expect(redactSecrets('  console:  http://127.0.0.1:4400/#setup=Abc_def-123456789012')).toBe(
      '  console:  http://127.0.0.1:4400/#setup=[redacted]',
    );
    expect(redactSecrets('GET /ws?x=1&token=eyJhbGciOi.x.y 101')).toBe('GET /ws?x=1&token=[redacted] 101');
    expect(redactSecrets('code is Abc_def-123456789012.', ['Abc_def-123456789012'])).toBe('code is [redacted].');
  });
});
