/**
 * The console's only door to the depot host (STYLE 4, 12): components never call fetch directly;
 * feature `queries.ts` files use this client.
 */
import { ApiError, type FieldError } from './errors';

export { ApiError, type FieldError };

const TOKEN_KEY = 'depotdesk.token';
let token: string | null = sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
const unauthorizedListeners = new Set<() => void>();

export function getToken(): string | null {
  return token;
}

export function setToken(next: string | null, remember = true): void {
  token = next;
  localStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(TOKEN_KEY);
  if (next) (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, next);
}

/** Called when the host says the token is no longer good (expired, revoked): the shell shows sign-in. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

function toSearch(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Optimistic concurrency: the version the user was looking at. */
  ifMatch?: number;
  /** A token other than the stored one (sign-out sends the old one after forgetting it). */
  token?: string;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const bearer = opts.token ?? token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.ifMatch !== undefined) headers['if-match'] = `"${opts.ifMatch}"`;
  // A retried POST (flaky Wi-Fi, double click) must not act twice.
  if (method === 'POST') headers['idempotency-key'] = crypto.randomUUID();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${toSearch(opts.query)}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'host_unreachable', 'The depot host cannot be reached. Check that it is running.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; errors?: FieldError[]; requestId?: string };
    if (res.status === 401 && token) for (const l of unauthorizedListeners) l();
    throw new ApiError(res.status, p.code ?? 'error', p.detail ?? `${res.status} ${res.statusText}`, p.errors ?? [], p.requestId);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts: { ifMatch?: number; token?: string } = {}) =>
    request<T>('POST', path, { body: body ?? {}, ...opts }),
  patch: <T>(path: string, body: unknown, opts: { ifMatch?: number } = {}) => request<T>('PATCH', path, { body, ...opts }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: (path: string) => request<void>('DELETE', path),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Follows cursors to collect a whole (bounded) list: for pickers and small catalogs. */
export async function getAll<T>(path: string, query: Query = {}, max = 5000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api.get<Page<T>>(path, { ...query, limit: 500, cursor: cursor ?? undefined });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/**
 * Binary content (attachment files, thumbnails) as a Blob. An <img src> cannot carry the Bearer
 * header, so the console fetches bytes here and shows them through an object URL.
 */
export async function getBlob(path: string): Promise<Blob> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { headers });
  } catch {
    throw new ApiError(0, 'host_unreachable', 'The depot host cannot be reached. Check that it is running.');
  }
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new ApiError(res.status, p.code ?? 'error', p.detail ?? `${res.status} ${res.statusText}`);
  }
  return res.blob();
}
