import type { z } from 'zod';
import { ApiError, problemError } from '../../shared/api/errors';
import { fileNameFromDisposition } from './disposition';

/**
 * The managers' console's only door to the hub (STYLE 4, 12): views use the `queries.ts` of their
 * folder, which use this. Every JSON answer is parsed with its contract schema, so a hub and a page
 * of different versions fail with a clear message instead of drawing wrong numbers.
 *
 * The token lives in sessionStorage, not localStorage: this page is on the internet rather than the
 * depot's LAN, and a session should end with the browser tab.
 */

export const HUB_API = '/hub/v1';
const TOKEN_KEY = 'depotdesk.hub.token';

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
const unauthorizedListeners = new Set<() => void>();

export function getHubToken(): string | null {
  return token;
}

export function setHubToken(next: string | null): void {
  token = next;
  if (next) sessionStorage.setItem(TOKEN_KEY, next);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called when the hub no longer takes the token (expired, revoked, account disabled). */
export function onHubUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type HubQuery = Record<string, string | number | undefined>;

export function hubUrl(path: string, query?: HubQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return `${HUB_API}${path}${search ? `?${search}` : ''}`;
}

/** One request with the bearer header; a refusal becomes an ApiError carrying the problem's detail. */
async function send(method: string, path: string, opts: { query?: HubQuery; body?: unknown; accept?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(hubUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'hub_unreachable', 'The hub cannot be reached. Check your connection and try again.');
  }
  if (res.ok) return res;
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: the status line is all there is to say.
  }
  // Only a token the hub refused ends the session; a wrong password at sign-in (no token yet) does not.
  if (res.status === 401 && token) for (const l of unauthorizedListeners) l();
  throw problemError(res.status, res.statusText, body);
}

async function parsed<T>(res: Response, schema: z.ZodType<T>, path: string): Promise<T> {
  const data: unknown = await res.json();
  const result = schema.safeParse(data);
  if (!result.success) {
    const where = result.error.issues[0]?.path.join('.') || '(top)';
    throw new ApiError(
      0,
      'unexpected_answer',
      `The hub's answer to ${path} is not what this page expects (at ${where}). Reload the page; if it stays, the hub and this page are different versions.`,
    );
  }
  return result.data;
}

export interface HubFile {
  blob: Blob;
  fileName: string;
}

export const hub = {
  get: async <T>(path: string, schema: z.ZodType<T>, query?: HubQuery): Promise<T> =>
    parsed(await send('GET', path, { query }), schema, path),
  post: async <T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> =>
    parsed(await send('POST', path, { body }), schema, path),
  patch: async <T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> =>
    parsed(await send('PATCH', path, { body }), schema, path),
  /** A call whose success has no body (204). */
  run: async (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<void> => {
    await send(method, path, { body });
  },
  /** A file download: an <a href> cannot carry the bearer header, so the bytes come through fetch. */
  file: async (path: string, query: HubQuery, fallbackName: string): Promise<HubFile> => {
    const res = await send('GET', path, { query, accept: '*/*' });
    return { blob: await res.blob(), fileName: fileNameFromDisposition(res.headers.get('content-disposition')) ?? fallbackName };
  },
};
