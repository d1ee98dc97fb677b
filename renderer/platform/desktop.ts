import { browserPlatform } from './browser';
import type { DesktopPlatform } from './types';

/**
 * The preload's object when it is a complete desktop platform, else null. Checked rather than
 * trusted blindly so an older shell (missing a method) falls back to the browser implementation
 * instead of failing at the first call.
 */
export function pickDesktop(candidate: unknown): DesktopPlatform | null {
  if (!candidate || typeof candidate !== 'object') return null;
  const c = candidate as Record<string, unknown>;
  if (c.kind !== 'desktop') return null;
  for (const key of Object.keys(browserPlatform) as (keyof DesktopPlatform)[]) {
    if (key !== 'kind' && typeof c[key] !== 'function') return null;
  }
  return candidate as DesktopPlatform;
}

/** What the console uses: `window.depotdesk` inside the desktop shell, the browser's otherwise. */
export const platform: DesktopPlatform = pickDesktop(typeof window === 'undefined' ? undefined : window.depotdesk) ?? browserPlatform;
