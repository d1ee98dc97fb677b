import { describe, expect, it } from 'vitest';
import { isTrustedExternalUrl, originOf } from './trusted-url.js';

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
