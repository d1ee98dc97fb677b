import { describe, expect, it } from 'vitest';
import {
  blockWebview,
  contentSecurityPolicy,
  guardNavigation,
  guardRedirect,
  guardSession,
  windowOpenDecision,
  withHeader,
  type GuardOptions,
} from './security.js';
import { FakeSession, preventable } from './testing/fake-electron.js';

const ORIGIN = 'http://127.0.0.1:4400';

function guards(origin: string | null = ORIGIN) {
  const opened: string[] = [];
  const logs: string[] = [];
  const opts: GuardOptions = { consoleOrigin: () => origin, openExternal: (u) => opened.push(u), log: (l) => logs.push(l) };
  /** Runs one guard as its listener would and says whether it prevented the event. */
  const prevented = (guard: typeof guardNavigation, url: string) => {
    const e = preventable();
    guard(e, url, opts);
    return e.prevented;
  };
  return {
    opts,
    opened,
    logs,
    navigate: (url: string) => prevented(guardNavigation, url),
    redirect: (url: string) => prevented(guardRedirect, url),
  };
}

describe('navigation guards', () => {
  it.each([`${ORIGIN}/`, `${ORIGIN}/#/board`, `${ORIGIN}/#setup=abcdefghijklmnop1234`, `${ORIGIN}/?lang=fr#/map`])(
    'when the console navigates to its own document (%s), then it is allowed',
    (url) => {
      expect(guards().navigate(url)).toBe(false);
    },
  );

  it.each([
    ['the API docs', `${ORIGIN}/api/docs`],
    ['a share page', `${ORIGIN}/s/abc123`],
    ['the crew view', `${ORIGIN}/crew/`],
    ['the OpenAPI document', `${ORIGIN}/api/v1/openapi.json`],
    ['an index.html the host does not serve the console at', `${ORIGIN}/index.html`],
    ['a double slash', `${ORIGIN}//`],
  ])('when the page navigates to %s on the host, then it is blocked (that page would get the preload bridge)', (_what, url) => {
    const { navigate, redirect, opened } = guards();
    expect(navigate(url)).toBe(true);
    expect(redirect(url)).toBe(true);
    expect(opened).toEqual([]);
  });

  it('when the page tries to navigate to another site, then it is blocked and logged without its query or fragment', () => {
    const { navigate, opened, logs } = guards();
    expect(navigate('https://evil.com/x?token=tok-123456789#setup=frag-123456789')).toBe(true);
    expect(opened).toEqual([]);
    expect(logs).toEqual(['blocked navigation to https://evil.com/x']);
  });

  it('when the page navigates to an allowlisted site, then the window stays and the OS browser opens it', () => {
    const { navigate, opened } = guards();
    expect(navigate('https://www.openstreetmap.org/')).toBe(true);
    expect(opened).toEqual(['https://www.openstreetmap.org/']);
  });

  it('when the safety net (no openExternal) sees an allowlisted link, then it blocks it and opens nothing', () => {
    const { opts } = guards();
    const e = preventable();
    guardNavigation(e, 'https://www.openstreetmap.org/', { ...opts, openExternal: undefined });
    expect(e.prevented).toBe(true);
    expect(windowOpenDecision('https://www.openstreetmap.org/', { consoleOrigin: opts.consoleOrigin })).toEqual({ action: 'deny' });
  });

  it('when the host is on another port than the console was loaded from, then that is another origin and blocked', () => {
    const { navigate } = guards();
    expect(navigate('http://127.0.0.1:4401/')).toBe(true);
    expect(navigate('http://localhost:4400/')).toBe(true);
  });

  it('when the host is not up (no console origin), then every navigation is blocked', () => {
    expect(guards(null).navigate(`${ORIGIN}/`)).toBe(true);
  });

  it('when a redirect leaves the console document, then it is blocked and not opened elsewhere, even to a trusted site', () => {
    const { redirect, opened } = guards();
    expect(redirect('https://www.openstreetmap.org/')).toBe(true);
    expect(redirect(`${ORIGIN}/login`)).toBe(true);
    expect(redirect(`${ORIGIN}/`)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('when a <webview> is about to attach, then it is blocked', () => {
    const { opts, logs } = guards();
    const e = preventable();
    blockWebview(e, opts);
    expect(e.prevented).toBe(true);
    expect(logs).toEqual(['blocked <webview>']);
  });
});

describe('window.open handler', () => {
  it('when the page opens any window, then Electron is told to deny it; trusted links go to the OS browser', () => {
    const { opts, opened } = guards();
    expect(windowOpenDecision('https://maps.apple.com/?daddr=1,2', opts)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('https://evil.com/?x=maps.apple.com', opts)).toEqual({ action: 'deny' });
    expect(windowOpenDecision(`${ORIGIN}/#/board`, opts)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('javascript:alert(1)', opts)).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://maps.apple.com/?daddr=1,2']);
  });
});

describe('permissions and devices', () => {
  const session = new FakeSession();
  guardSession(session, { consoleOrigin: () => ORIGIN });

  it.each(['geolocation', 'media', 'notifications', 'midi', 'openExternal', 'fullscreen', 'serial', 'hid', 'usb', 'clipboard-read'])(
    'when the console asks for %s, then it is denied',
    (permission) => {
      expect(session.requestPermission(permission, `${ORIGIN}/`)).toBe(false);
      expect(session.checkPermission(permission, `${ORIGIN}/`)).toBe(false);
    },
  );

  it('when the console writes to the clipboard, then that one permission is granted — only to the console document', () => {
    expect(session.requestPermission('clipboard-sanitized-write', `${ORIGIN}/#/board`)).toBe(true);
    expect(session.checkPermission('clipboard-sanitized-write', `${ORIGIN}/#/board`)).toBe(true);
    expect(session.requestPermission('clipboard-sanitized-write', 'https://evil.com/')).toBe(false);
    expect(session.checkPermission('clipboard-sanitized-write', 'https://evil.com/')).toBe(false);
  });

  it.each([`${ORIGIN}/api/docs`, `${ORIGIN}/s/abc123`, `${ORIGIN}/crew/`])(
    'when another page of the host (%s) asks for the clipboard, then it is denied though its origin is the same',
    (url) => {
      expect(session.requestPermission('clipboard-sanitized-write', url)).toBe(false);
      expect(session.checkPermission('clipboard-sanitized-write', url)).toBe(false);
    },
  );

  it('when a subframe of the console, or a check with no document, asks, then it is denied', () => {
    expect(session.requestPermission('clipboard-sanitized-write', `${ORIGIN}/`, false)).toBe(false);
    expect(session.checkPermission('clipboard-sanitized-write', undefined)).toBe(false);
  });

  it('when a page asks for a serial, HID or USB device, then no device is ever chosen (the host owns hardware)', () => {
    expect(session.device!({ deviceType: 'serial' })).toBe(false);
    for (const picker of ['select-serial-port', 'select-hid-device', 'select-usb-device']) {
      const e = preventable();
      let chosen: string | null = null;
      session.emit(picker, e, [{ portId: 'x' }], null, (id: string) => (chosen = id));
      expect(e.prevented).toBe(true);
      expect(chosen).toBe('');
    }
  });
});

describe('Content-Security-Policy', () => {
  const session = new FakeSession();
  guardSession(session, { consoleOrigin: () => ORIGIN });
  const csp = contentSecurityPolicy(ORIGIN);
  const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

  it('when the policy is built, then scripts come only from the host and maplibre may run blob: workers', () => {
    expect(directive('default-src')).toBe("default-src 'self'");
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(directive('worker-src')).toBe("worker-src 'self' blob:");
    expect(directive('img-src')).toBe("img-src 'self' data: blob:");
    expect(directive('connect-src')).toBe("connect-src 'self' ws://127.0.0.1:4400");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
  });

  it('when the console page is served, then the header is added, keeping a stricter one the host already set', () => {
    const headers = session.respond({ url: `${ORIGIN}/`, responseHeaders: { 'content-type': ['text/html'] } });
    expect(headers!['Content-Security-Policy']).toEqual([csp]);
    const attachment = session.respond({
      url: `${ORIGIN}/api/v1/attachments/1`,
      responseHeaders: { 'content-security-policy': ["default-src 'none'"] },
    });
    expect(attachment!['content-security-policy']).toEqual(["default-src 'none'", csp]);
  });

  it('when a response comes from anywhere else, then it is left alone', () => {
    expect(session.respond({ url: 'https://tile.openstreetmap.org/1/1/1.png', responseHeaders: {} })).toBeUndefined();
  });

  it('when a header value is a plain string, then it is kept as a one-element list', () => {
    expect(withHeader({ 'X-A': 'b' }, 'Content-Security-Policy', 'x')).toEqual({ 'X-A': ['b'], 'Content-Security-Policy': ['x'] });
  });
});
