const KEY = 'depotdesk.setupCode';

/**
 * The host prints its one-time setup code as `#setup=<code>` on the console address, and the desktop
 * app opens its window there. The fragment never reaches the server or its logs; we move it into this
 * tab's session storage at once so it does not linger in the address bar, history or a screenshot.
 */
export function takeSetupCodeFromUrl(): void {
  const match = /^#setup=([\w-]{1,128})$/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY, match[1]!);
  history.replaceState(null, '', location.pathname + location.search);
}

export function storedSetupCode(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

export function forgetSetupCode(): void {
  sessionStorage.removeItem(KEY);
}
