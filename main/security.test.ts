import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, guardSession, guardWebContents, withHeader } from './security.js';
import { FakeSession, FakeWebContents, preventable } from './testing/fake-electron.js';

const ORIGIN = 'http://127.0.0.1:4400';

function guarded(origin: string | null = ORIGIN) {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  const logs: string[] = [];
  guardWebContents(contents, { consoleOrigin: () => origin, openExternal: (u) => opened.push(u), log: (l) => logs.push(l) });
  return { contents, opened, logs };
}

describe('navigation guards', () => {
  it('when the console navigates within its own origin (sign-out reload), then it is allowed', () => {
    const { contents } = guarded();
    expect(contents.attempt('will-navigate', `${ORIGIN}/`)).toBe(false);
  });

  it('when the page tries to navigate to another site, then it is blocked and nothing opens', () => {
    const { contents, opened, logs } = guarded();
    expect(contents.attempt('will-navigate', 'https://evil.com/')).toBe(true);
    expect(opened).toEqual([]);
    expect(logs[0]).toMatch(/blocked navigation/);
  });

  it('when the page navigates to an allowlisted site, then the window stays and the OS browser opens it', () => {
    const { contents, opened } = guarded();
    expect(contents.attempt('will-navigate', 'https://www.openstreetmap.org/')).toBe(true);
    expect(opened).toEqual(['https://www.openstreetmap.org/']);
  });

  it('when the host is on another port than the console was loaded from, then that is another origin and blocked', () => {
    const { contents } = guarded();
    expect(contents.attempt('will-navigate', 'http://127.0.0.1:4401/')).toBe(true);
    expect(contents.attempt('will-navigate', 'http://localhost:4400/')).toBe(true);
  });

  it('when the host is not up (no console origin), then every navigation is blocked', () => {
    const { contents } = guarded(null);
    expect(contents.attempt('will-navigate', `${ORIGIN}/`)).toBe(true);
  });

  it('when a redirect leaves the console, then it is blocked and not opened elsewhere, even to a trusted site', () => {
    const { contents, opened } = guarded();
    expect(contents.attempt('will-redirect', 'https://www.openstreetmap.org/')).toBe(true);
    expect(contents.attempt('will-redirect', `${ORIGIN}/login`)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('when a <webview> is about to attach, then it is blocked', () => {
    const { contents } = guarded();
    expect(contents.attempt('will-attach-webview')).toBe(true);
  });
});

describe('window.open handler', () => {
  it('when the page opens any window, then Electron is told to deny it; trusted links go to the OS browser', () => {
    const { contents, opened } = guarded();
    expect(contents.openHandler!({ url: 'https://maps.apple.com/?daddr=1,2' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'https://evil.com/?x=maps.apple.com' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: `${ORIGIN}/#/board` })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
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
      expect(session.check!(null, permission, ORIGIN)).toBe(false);
    },
  );

  it('when the console writes to the clipboard, then that one permission is granted — only to its own origin', () => {
    expect(session.requestPermission('clipboard-sanitized-write', `${ORIGIN}/`)).toBe(true);
    expect(session.requestPermission('clipboard-sanitized-write', 'https://evil.com/')).toBe(false);
    expect(session.check!(null, 'clipboard-sanitized-write', 'https://evil.com')).toBe(false);
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
    expect(directive('connect-src')).toBe(`connect-src 'self' ${ORIGIN} ws://127.0.0.1:4400`);
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
  });

  it('when the console page is served, then the header is added, keeping a stricter one the host already set', () => {
    const headers = session.respond({ url: `${ORIGIN}/`, responseHeaders: { 'content-type': ['text/html'] } });
    expect(headers!['Content-Security-Policy']).toEqual([csp]);
    const attachment = session.respond({ url: `${ORIGIN}/api/v1/attachments/1`, responseHeaders: { 'content-security-policy': ["default-src 'none'"] } });
    expect(attachment!['content-security-policy']).toEqual(["default-src 'none'", csp]);
  });

  it('when a response comes from anywhere else, then it is left alone', () => {
    expect(session.respond({ url: 'https://tile.openstreetmap.org/1/1/1.png', responseHeaders: {} })).toBeUndefined();
  });

  it('when a header value is a plain string, then it is kept as a one-element list', () => {
    expect(withHeader({ 'X-A': 'b' }, 'Content-Security-Policy', 'x')).toEqual({ 'X-A': ['b'], 'Content-Security-Policy': ['x'] });
  });
});
