import { gzipSync } from 'node:zlib';
import {
  decodePush,
  dictionaryAfter,
  encodePush,
  PULL_DICTIONARY_HEADER,
  PUSH_DICTIONARY_HEADER,
  PUSH_ENCODING,
  STATIC_DICTIONARY,
  type PushDictionary,
} from './push-dictionary.js';
import WebSocket from 'ws';
import type { z } from 'zod';
import {
  BlobStatus,
  ChecksumsAnswer,
  ContentPage,
  type ContentQuery,
  EnrolAnswer,
  IdsPage,
  RowsByIdAnswer,
  LivePoke,
  OwnMutationsPage,
  PullPage,
  PushAnswer,
  type EnrolRequest,
  type PullQuery,
  type PushBatch,
} from './contract-protocol.js';
import { isPrivateHost } from './hub-address.js';

/**
 * The depot's side of the wire to its organization's hub (docs/sync.md): enrol, push, pull, leave,
 * and the live socket. Stateless apart from the address and credential; the loop (loop.ts) decides
 * when to call it and what a failure means. Every answer is validated with the shared contract
 * before anything is written, so a hub (or something pretending to be one) that sends a malformed
 * answer is an error here, not a half-applied page.
 */

/** The hub said something definite that a retry will not change (4xx other than the ones below). */
export class HubRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubRefusedError';
  }
}

/** 401: the credential is unknown or revoked; the depot must enrol again. */
export class HubCredentialError extends HubRefusedError {}

/** Network failure, timeout, 5xx, 429 or an unreadable answer: try again later. */
export class HubUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubUnavailableError';
  }
}

export type PushOutcome = { kind: 'answer'; answer: PushAnswer } | { kind: 'gap'; expectedAfterSeq: number | null };
export type PullOutcome = { kind: 'page'; page: PullPage } | { kind: 'resnapshot'; reason: string };

export interface HubClientOptions {
  /** Per request; a pull of a large page over a slow link is the longest. */
  timeoutMs?: number;
  /** Bodies larger than this are gzip-encoded (JSON of a push compresses 5–10×). */
  gzipAbove?: number;
  /** Told of the bytes of every request and answer body, for /metrics. */
  onBytes?: (direction: 'up' | 'down', bytes: number) => void;
  /**
   * Push bodies and small pull pages compressed against a dictionary (push-dictionary.ts). The state
   * outlives a client: the loop makes a client per cycle, and a lone edit is a cycle of its own.
   */
  compression?: WireCompression;
  /** Aborts every request of this client (the loop's "sync now" giving up on a silent hub). */
  signal?: AbortSignal;
  /** Told whenever the hub answers (headers in, or a body read): the loop's measure of a silent hub. */
  onActivity?: () => void;
}

/**
 * What bodies may be compressed against (push-dictionary.ts): `pushed`, the last push body the hub
 * answered 200; `pulled`, the last pull page received. `off` once a hub answered that it does not take
 * the encoding (older than it).
 */
export interface WireCompression {
  pushed: PushDictionary | null;
  pulled: PushDictionary | null;
  off: boolean;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
  expectedAfterSeq?: number | null;
}

export function normaliseHubUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new HubRefusedError(
      400,
      'hub_url_invalid',
      `"${raw}" is not a web address. Enter the hub's address, e.g. https://hub.example.org.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HubRefusedError(400, 'hub_url_invalid', 'The hub address must start with https:// (or http:// on a private network).');
  if (url.protocol === 'http:' && !isPrivateHost(url.hostname))
    throw new HubRefusedError(
      400,
      'hub_url_insecure',
      `${url.hostname} is not on a private network, so the hub must be reached over https://: this depot's credential and the organization's data would otherwise cross the internet unencrypted.`,
    );
  if (url.username || url.password || url.search || url.hash)
    throw new HubRefusedError(400, 'hub_url_invalid', 'The hub address must not carry a user name, password, query or fragment.');
  return url.toString().replace(/\/+$/, '');
}

const PUSH_PATH = '/hub/v1/sync/push';
/** A pull page's inflated size cap (a 5,000-row snapshot page is ~2 MB of JSON). */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;

export class HubClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly gzipAbove: number;

  constructor(
    url: string,
    private readonly credential: string | null,
    private readonly options: HubClientOptions = {},
  ) {
    this.url = normaliseHubUrl(url);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.gzipAbove = options.gzipAbove ?? 1024;
  }

  async enrol(request: EnrolRequest): Promise<EnrolAnswer> {
    const res = await this.request('POST', '/hub/v1/enrol', request, { auth: false });
    return this.read(res, EnrolAnswer);
  }

  async push(batch: PushBatch): Promise<PushOutcome> {
    const res = await this.sendPush(Buffer.from(JSON.stringify(batch)));
    if (res.status === 409) {
      const problem = await this.problem(res);
      if (problem.code === 'sync_gap') return { kind: 'gap', expectedAfterSeq: problem.expectedAfterSeq ?? null };
      throw new HubRefusedError(409, problem.code ?? 'conflict', problem.detail ?? problem.title ?? 'The hub refused the push.');
    }
    return { kind: 'answer', answer: await this.read(res, PushAnswer) };
  }

  /**
   * The body against the dictionary the hub should hold: the previous acknowledged push's, else the
   * fixed one. A hub that lost it (412) gets the body again against the fixed one; a hub that does not
   * know the encoding (415: older than it) gets it gzipped, and so does every later push of this state.
   */
  private async sendPush(json: Buffer): Promise<Response> {
    const state = this.options.compression;
    if (!state || state.off) return this.request('POST', PUSH_PATH, json);
    const dictionary = state.pushed ?? STATIC_DICTIONARY;
    const res = await this.request('POST', PUSH_PATH, encodePush(json, dictionary), {
      encoding: { 'content-encoding': PUSH_ENCODING, [PUSH_DICTIONARY_HEADER]: dictionary.name },
    });
    if (res.status === 412 || res.status === 415) {
      const problem = await this.problem(res);
      if (res.status === 412 && problem.code === 'push_dictionary_unknown' && dictionary !== STATIC_DICTIONARY) {
        state.pushed = null;
        return this.sendPush(json);
      }
      if (res.status === 415) {
        state.off = true;
        state.pushed = null;
        return this.request('POST', PUSH_PATH, json);
      }
      throw new HubRefusedError(res.status, problem.code ?? 'refused', problem.detail ?? problem.title ?? 'The hub refused the push.');
    }
    // The hub keeps an applied body's dictionary before it answers; any other answer leaves ours as it was.
    if (res.status === 200) state.pushed = dictionaryAfter(json);
    return res;
  }

  async pull(query: PullQuery): Promise<PullOutcome> {
    const qs = new URLSearchParams({ after: String(query.after), limit: String(query.limit), schema: String(query.schema) });
    if (query.since !== undefined) qs.set('since', String(query.since));
    const state = this.options.compression;
    // Names the page this depot holds, so the hub may compress a small page against it.
    const headers = state && !state.off ? { [PULL_DICTIONARY_HEADER]: state.pulled?.name ?? STATIC_DICTIONARY.name } : undefined;
    const res = await this.request('GET', `/hub/v1/sync/pull?${qs}`, undefined, { headers });
    if (res.status === 410) {
      const problem = await this.problem(res);
      return { kind: 'resnapshot', reason: problem.detail ?? 'The hub asks for a new snapshot.' };
    }
    const page = await this.read(res, PullPage, (raw) => {
      let body = raw;
      if (res.headers.get('content-encoding') === PUSH_ENCODING) {
        const name = res.headers.get(PULL_DICTIONARY_HEADER);
        const dictionary = name === STATIC_DICTIONARY.name ? STATIC_DICTIONARY : state?.pulled?.name === name ? state.pulled : null;
        if (!dictionary)
          throw new HubUnavailableError(`The hub compressed a pull page against a dictionary this depot does not hold (${name}).`);
        try {
          body = decodePush(raw, dictionary, MAX_PAGE_BYTES);
        } catch (err) {
          throw new HubUnavailableError(`The hub's pull page did not decode: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (state && !state.off) state.pulled = dictionaryAfter(body);
      return body;
    });
    return { kind: 'page', page };
  }

  /**
   * This depot's own mutations the hub holds in the seq range (after, before), one page; null from a
   * hub too old to have the route (the caller asks again later, after the hub's upgrade).
   */
  async ownMutations(query: { after: number; before: number; limit: number }): Promise<OwnMutationsPage | null> {
    const qs = new URLSearchParams({ after: String(query.after), before: String(query.before), limit: String(query.limit) });
    const res = await this.request('GET', `/hub/v1/sync/own-mutations?${qs}`);
    if (res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    return this.read(res, OwnMutationsPage);
  }

  /** Drift check: the hub's per-table counts and id checksums; null from a hub too old to have the route. */
  async checksums(): Promise<ChecksumsAnswer | null> {
    const res = await this.request('GET', '/hub/v1/sync/checksums');
    if (res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    return this.read(res, ChecksumsAnswer);
  }

  async ids(query: { t: string; after: string; limit: number }): Promise<IdsPage> {
    const qs = new URLSearchParams({ t: query.t, after: query.after, limit: String(query.limit) });
    return this.read(await this.request('GET', `/hub/v1/sync/ids?${qs}`), IdsPage);
  }

  async rowsById(body: { t: string; ids: string[] }): Promise<RowsByIdAnswer> {
    return this.read(await this.request('POST', '/hub/v1/sync/rows', body), RowsByIdAnswer);
  }

  /** Drift check, contents: the hub's bucket digests of one table; null from a hub too old to have the route. */
  async content(query: ContentQuery): Promise<ContentPage | null> {
    const res = await this.request('POST', '/hub/v1/sync/content', query);
    if (res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    return this.read(res, ContentPage);
  }

  /** How much of an attachment file the hub has; null from a hub too old to take files. */
  async blobStatus(sha256: string): Promise<BlobStatus | null> {
    const res = await this.request('GET', `/hub/v1/blobs/${sha256}/status`);
    if (res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    return this.read(res, BlobStatus);
  }

  /** One part of a file at `offset`; 409 (another offset expected) and 422 (bytes do not hash to the name) come back as answers. */
  async putBlobPart(
    sha256: string,
    size: number,
    offset: number,
    data: Buffer,
  ): Promise<{ status: number; body: BlobStatus & { code?: string } }> {
    const res = await this.request('PUT', `/hub/v1/blobs/${sha256}?size=${size}&offset=${offset}`, data, {
      encoding: { 'content-type': 'application/octet-stream' },
    });
    if (res.status === 409 || res.status === 422) {
      const problem = (await this.problem(res)) as Problem & Partial<BlobStatus>;
      return { status: res.status, body: { size, received: Number(problem.received ?? offset), complete: false, code: problem.code } };
    }
    return { status: res.status, body: await this.read(res, BlobStatus) };
  }

  /** A whole file, or null when the hub does not have it (yet). */
  async getBlob(sha256: string): Promise<Buffer | null> {
    const res = await this.request('GET', `/hub/v1/blobs/${sha256}`);
    if (res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    if (res.status !== 200) await this.read(res, null);
    try {
      const bytes = Buffer.from(await res.arrayBuffer());
      this.options.onBytes?.('down', bytes.length);
      return bytes;
    } catch (err) {
      throw new HubUnavailableError(`The hub's file was cut off: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Revokes this depot's own credential at the hub. */
  async leave(): Promise<void> {
    const res = await this.request('POST', '/hub/v1/nodes/self/leave', {});
    if (res.status === 401) return; // already revoked: leaving is done either way
    await this.read(res, null);
  }

  /**
   * The live socket: `onPoke` with each new org version. The caller reconnects after `onClose`
   * (with its own backoff); an error always ends in a close.
   */
  live(handlers: { onOpen?: () => void; onPoke: (version: number) => void; onClose: (reason: string) => void }): { close(): void } {
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/hub/v1/sync/live`;
    const socket = new WebSocket(wsUrl, {
      headers: this.credential ? { authorization: `Bearer ${this.credential}` } : {},
      handshakeTimeout: this.timeoutMs,
      maxPayload: 64 * 1024,
    });
    let reason = 'closed';
    socket.on('open', () => handlers.onOpen?.());
    socket.on('unexpected-response', (_req, res) => {
      reason = `hub answered ${res.statusCode} to the live socket`;
      socket.terminate();
    });
    socket.on('error', (err) => (reason = err.message));
    socket.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return;
      }
      const poke = LivePoke.safeParse(parsed);
      if (poke.success) handlers.onPoke(poke.data.version);
    });
    socket.on('close', () => handlers.onClose(reason));
    return { close: () => socket.terminate() };
  }

  /** `body` is sent as JSON: a Buffer as it is (already JSON text, or already encoded when `encoding` names how). */
  private async request(
    method: string,
    path: string,
    body?: unknown,
    opts: { auth?: boolean; encoding?: Record<string, string>; headers?: Record<string, string> | undefined } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.auth !== false && this.credential) headers.authorization = `Bearer ${this.credential}`;
    let payload: Buffer | undefined;
    if (body !== undefined) {
      payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      headers['content-type'] = 'application/json';
      if (opts.encoding) Object.assign(headers, opts.encoding);
      else if (payload.length > this.gzipAbove) {
        payload = gzipSync(payload, { level: 6 });
        headers['content-encoding'] = 'gzip';
      }
      this.options.onBytes?.('up', payload.length);
    }
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(payload ? { body: Uint8Array.from(payload) } : {}),
        signal: this.options.signal
          ? AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.options.signal])
          : AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      if (this.options.signal?.aborted) throw abortReason(this.options.signal);
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new HubUnavailableError(`The hub at ${this.url} could not be reached: ${cause}`);
    }
    this.options.onActivity?.();
    return res;
  }

  private async problem(res: Response): Promise<Problem> {
    const text = await res.text().catch(() => '');
    this.options.onBytes?.('down', Buffer.byteLength(text));
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Problem) : {};
    } catch {
      return { detail: text.slice(0, 200) };
    }
  }

  /** `decode` turns the body's bytes into JSON bytes (a pull page compressed against a dictionary). */
  private async read<S extends z.ZodType>(res: Response, schema: S | null, decode?: (raw: Buffer) => Buffer): Promise<z.infer<S>> {
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      const problem = await this.problem(res);
      throw new HubUnavailableError(`The hub answered ${res.status}: ${problem.detail ?? problem.title ?? res.statusText}`);
    }
    if (res.status >= 400) {
      const problem = await this.problem(res);
      const message = problem.detail ?? problem.title ?? `The hub answered ${res.status}.`;
      if (res.status === 401) throw new HubCredentialError(401, problem.code ?? 'unauthorized', message);
      throw new HubRefusedError(res.status, problem.code ?? 'refused', message);
    }
    let raw: Buffer;
    try {
      raw = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (this.options.signal?.aborted) throw abortReason(this.options.signal);
      // A cut in the middle of the body: nothing was applied, the same request can be made again.
      throw new HubUnavailableError(`The hub's answer was cut off: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.options.onActivity?.();
    this.options.onBytes?.('down', raw.length);
    const text = (decode ? decode(raw) : raw).toString('utf8');
    if (schema === null) return undefined as z.infer<S>;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HubUnavailableError(`The hub's answer was not JSON (${text.length} bytes).`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new HubUnavailableError(
        `The hub's answer did not match the sync contract at ${first?.path.join('.') || '(root)'}: ${first?.message}`,
      );
    }
    return parsed.data as z.infer<S>;
  }
}

/** The reason the loop gave when it aborted, as an error the cycle reports. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new HubUnavailableError(String(reason));
}
