import type { Position } from './actions';

/**
 * The phone's position for stamping actions (status steps, photos, check-in). Never throws and
 * never waits longer than the timeout: a step must not hang on a GPS fix (indoors, permission
 * denied, no secure origin). The last fix is kept so a tap right after another gets it at once.
 */
let lastFix: { at: number; position: Position } | null = null;
const FRESH_MS = 60_000;

function remember(p: GeolocationPosition): Position {
  const position = { lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy) };
  lastFix = { at: Date.now(), position };
  return position;
}

/** A fix from the last minute, if any (synchronous: for a tap that must not wait). */
export function freshPosition(): Position | null {
  return lastFix && Date.now() - lastFix.at < FRESH_MS ? lastFix.position : null;
}

/**
 * One reading, or null after `timeoutMs` (5 s by default) or when the browser says no. `maxAgeMs`
 * lets the browser answer with a cached fix that recent (0 = a new reading).
 */
export function currentPosition(timeoutMs = 5000, maxAgeMs = 30_000): Promise<Position | null> {
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    let done = false;
    const finish = (p: Position | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(p);
    };
    // Belt and braces: some browsers never call back while a permission prompt is left open.
    const timer = setTimeout(() => finish(maxAgeMs > 0 ? freshPosition() : null), timeoutMs + 250);
    try {
      navigator.geolocation.getCurrentPosition(
        (p) => finish(remember(p)),
        () => finish(maxAgeMs > 0 ? freshPosition() : null),
        { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: maxAgeMs },
      );
    } catch {
      finish(null);
    }
  });
}

/**
 * The position to stamp a tap with, waiting only when it is worth it: a fix from the last minute
 * goes at once; without location permission (or before it is granted) nothing is waited for;
 * with permission, a new reading gets `timeoutMs`. Until the action is queued it is not durable,
 * so the wait is short.
 */
export async function stampPosition(timeoutMs = 3000): Promise<Position | null> {
  const fresh = freshPosition();
  if (fresh) return fresh;
  try {
    const state = await navigator.permissions?.query({ name: 'geolocation' as PermissionName });
    if (state && state.state !== 'granted') return null;
  } catch {
    // No Permissions API (older Safari): ask, within the timeout.
  }
  return currentPosition(timeoutMs);
}

/** Keeps `lastFix` warm while the work-order page is open (returns the stop function). */
export function watchPosition(onFix?: (p: Position) => void): () => void {
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) return () => {};
  const id = navigator.geolocation.watchPosition(
    (p) => {
      const position = remember(p);
      onFix?.(position);
    },
    () => {},
    { enableHighAccuracy: false, maximumAge: 60_000, timeout: 20_000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
