// The decisions that harden every window and session (STYLE 5; Electron's docs/tutorial/security.md
// checklist items 4–15). The listeners themselves are attached in plain sight where each window is
// made (main/windows.ts) and, as a safety net for any other web contents, in main/app.ts; they call
// these functions. Written against narrow interfaces so the unit tests drive each decision with a
// fake `electron` (main/security.test.ts).
import { isConsoleDocumentUrl, isTrustedExternalUrl, originOf, urlForLog } from './trusted-url.js';

export interface PreventableEvent {
  preventDefault(): void;
}

/** The parts of Electron's WebContents that the guards attach to. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent, ...rest: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export interface GuardOptions {
  /** The console's origin right now (the host may come back on another port after a crash). */
  consoleOrigin: () => string | null;
  /**
   * Opens a link in the system browser; called only for trusted URLs. Left out by the app-wide safety
   * net, so a link the window's own guard opens is not opened twice.
   */
  openExternal?: (url: string) => void;
  log?: (message: string) => void;
}

/**
 * True when `url` is the console's own document (same origin, path "/"), e.g. a sign-out reload.
 * Other pages the host serves on the same origin (API docs, share pages, crew view) are not.
 */
export function isConsoleUrl(url: string, consoleOrigin: string | null): boolean {
  return isConsoleDocumentUrl(url, consoleOrigin);
}

/**
 * `will-navigate`: the window only ever shows the console document. A link to an allowlisted site
 * opens in the system browser instead; anything else (another site, another page of the host) is
 * refused, because whatever page the window shows gets the preload bridge.
 */
export function guardNavigation(event: PreventableEvent, url: string, opts: GuardOptions): void {
  if (isConsoleUrl(url, opts.consoleOrigin())) return;
  event.preventDefault();
  if (isTrustedExternalUrl(url)) opts.openExternal?.(url);
  else opts.log?.(`blocked navigation to ${urlForLog(url)}`);
}

/** `will-redirect`: a redirect is a navigation the page did not ask for; the console never redirects. */
export function guardRedirect(event: PreventableEvent, url: string, opts: GuardOptions): void {
  if (isConsoleUrl(url, opts.consoleOrigin())) return;
  event.preventDefault();
  opts.log?.(`blocked redirect to ${urlForLog(url)}`);
}

/** `will-attach-webview`: no <webview> ever (webviewTag is off too; this holds if that changes). */
export function blockWebview(event: PreventableEvent, opts: GuardOptions): void {
  event.preventDefault();
  opts.log?.('blocked <webview>');
}

/** `setWindowOpenHandler`: never a new Electron window; trusted links go to the OS browser. */
export function windowOpenDecision(url: string, opts: GuardOptions): { action: 'deny' } {
  if (isTrustedExternalUrl(url)) opts.openExternal?.(url);
  else opts.log?.(`blocked window.open of ${urlForLog(url)}`);
  return { action: 'deny' };
}

/** Permissions the console may use, and only from its own origin. Everything else is denied. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  // "Copy link" buttons (pairing links, work-order links) write plain text to the clipboard.
  'clipboard-sanitized-write',
]);

export interface HeadersDetails {
  url: string;
  resourceType?: string;
  responseHeaders?: Record<string, string[] | string>;
}

/** What Electron tells the permission handlers about the asking frame. */
export interface PermissionDetails {
  /** The last URL the requesting frame loaded (absent e.g. for a service worker's check). */
  requestingUrl?: string;
  isMainFrame?: boolean;
}

/** The parts of Electron's Session that the permission, device and CSP hooks use. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetails) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string, details: PermissionDetails) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  on(
    event: 'select-serial-port' | 'select-hid-device' | 'select-usb-device',
    listener: (event: PreventableEvent, ...args: unknown[]) => void,
  ): unknown;
  webRequest: {
    onHeadersReceived(
      listener: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void) => void,
    ): void;
  };
}

/**
 * The console's Content-Security-Policy, added to every response from the host's origin. The host
 * sends its own policy too (server/http/security-headers.ts, and stricter ones on attachments and
 * share pages); both are kept and a browser enforces every policy, so the strictest wins. This one is
 * no looser than the host's in any directive (main/csp-consistency.test.ts), so in the desktop window
 * it is the policy in force even if the host's were loosened by mistake.
 */
export function contentSecurityPolicy(hostOrigin: string): string {
  const ws = hostOrigin.replace(/^http/, 'ws');
  return [
    // Anything not named below: only from the host itself.
    "default-src 'self'",
    // Vite's production build has no inline scripts and nothing uses eval.
    "script-src 'self'",
    // React, maplibre and frappe-gantt set style attributes; inline styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    // Map canvases and photo previews are blob:/data: URLs; everything else comes from the host.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    // The REST API ('self') and the live-update WebSocket on the host's loopback origin; nothing else.
    `connect-src 'self' ${ws}`,
    // maplibre-gl runs its tile worker from a file on the host or from a blob: URL.
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    // No plugins, no <base> rewriting, no framing either way, forms only post to the host.
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Deny-by-default permissions, no device pickers (serial stays in the host), and the CSP header. */
export function guardSession(session: GuardedSession, opts: { consoleOrigin: () => string | null; log?: (m: string) => void }): void {
  const log = opts.log ?? (() => {});
  // Only the console document's own top-level frame, judged by the frame's URL (not just its origin,
  // which the API docs and share pages have too). A check without a document URL is refused.
  const allowed = (permission: string, details: PermissionDetails | undefined) =>
    ALLOWED_PERMISSIONS.has(permission) &&
    details?.isMainFrame !== false &&
    details?.requestingUrl !== undefined &&
    isConsoleUrl(details.requestingUrl, opts.consoleOrigin());
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = allowed(permission, details);
    if (!granted) log(`denied permission ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, _requestingOrigin, details) => allowed(permission, details));
  // Web Serial / WebHID / WebUSB: the renderer never talks to hardware; the depot host owns the ports.
  session.setDevicePermissionHandler(() => false);
  for (const picker of ['select-serial-port', 'select-hid-device', 'select-usb-device'] as const) {
    session.on(picker, (event, ...args) => {
      event.preventDefault();
      const callback = args.find((a): a is (id: string) => void => typeof a === 'function');
      callback?.('');
    });
  }
  session.webRequest.onHeadersReceived((details, callback) => {
    const origin = opts.consoleOrigin();
    if (!origin || originOf(details.url) !== origin) return callback({});
    callback({ responseHeaders: withHeader(details.responseHeaders ?? {}, 'Content-Security-Policy', contentSecurityPolicy(origin)) });
  });
}

/** Adds a header value, merging with an existing header of any letter case instead of replacing it. */
export function withHeader(headers: Record<string, string[] | string>, name: string, value: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let key = name;
  for (const [k, v] of Object.entries(headers)) {
    out[k] = Array.isArray(v) ? [...v] : [v];
    if (k.toLowerCase() === name.toLowerCase()) key = k;
  }
  out[key] = [...(out[key] ?? []), value];
  return out;
}
