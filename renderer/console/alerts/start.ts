import { platform } from '../../platform/desktop';
import { watchAlerts, type AlertSources } from './alerts';

/**
 * Loaded by the shell only inside the desktop app. An older preload that misses a method leaves
 * the browser platform in place, which raises no OS alerts, so nothing is watched then.
 */
export function startAlerts(sources: AlertSources): () => void {
  return platform.kind === 'desktop' ? watchAlerts(sources, platform) : () => undefined;
}
