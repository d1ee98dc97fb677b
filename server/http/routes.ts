import type { AnyRoute } from './route.js';
import { authRoutes } from '../auth/routes.js';

/**
 * Every API v1 route, by feature. Each feature folder exports its route list; add new features here.
 */
export function allRoutes(): AnyRoute[] {
  return [...authRoutes];
}
