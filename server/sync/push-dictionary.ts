import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateSync, inflate, inflateSync } from 'node:zlib';

/**
 * Push bodies compressed against what the hub already has (docs/sync.md "Push on the wire").
 *
 * A lone edit is one small batch: gzip alone cannot shrink it much, because every key, table name and
 * id in it is new to the compressor (340 B on the wire for a title edit). Deflate with a preset
 * dictionary can refer back to text both ends hold: the depot's previous acknowledged push body
 * (the same node id, user, work order, keys and actions) or, when there is none, a fixed sample of
 * the wire. What is left is mostly the new ids' random bits and the edited text.
 *
 * The zlib format carries the dictionary's Adler-32, so a body compressed against another dictionary
 * fails to inflate instead of inflating to garbage. Shared by the depot (hub-client.ts) and the hub.
 */

export const PUSH_ENCODING = 'x-depotdesk-deflate';
/** Names the dictionary a push body was compressed against: STATIC_DICTIONARY_NAME or a previous body's name. */
export const PUSH_DICTIONARY_HEADER = 'depotdesk-push-dictionary';
export const STATIC_DICTIONARY_NAME = 'static';
/**
 * Pull: the depot names the last page it received (or `static`); the hub may compress a small page
 * against it, and names the dictionary it used in the same header of its answer.
 */
export const PULL_DICTIONARY_HEADER = 'depotdesk-pull-dictionary';
/** Deflate looks back at most 32 KiB: only the end of a previous body can be referred to. */
const WINDOW = 32 * 1024;

export interface PushDictionary {
  name: string;
  bytes: Buffer;
}

const ID = '01900000-0000-7000-8000-000000000000';
const AT = 1_790_000_000_000;
/**
 * A fixed sample of the wire: the envelope, the common tables, actions and keys. Changing it is a
 * protocol change (a hub and a depot would disagree; the Adler-32 check turns that into a 400).
 */
const SAMPLE = {
  node: ID,
  epoch: 1,
  afterSeq: 1,
  toSeq: 2,
  key: ID,
  schema: 1,
  mutations: [
    {
      id: ID,
      seq: 2,
      hlc: `00${AT}:00000:${ID}`,
      action: 'work_order.updated',
      actorId: ID,
      at: AT,
      changes: [
        { t: 'work_orders', r: ID, op: 'update', f: { title: 'Leaking valve', priority: 'high', status: 'DISPATCHED', assignee_id: ID } },
        {
          t: 'work_order_events',
          r: ID,
          op: 'insert',
          f: {
            work_order_id: ID,
            type: 'status_changed',
            from_status: 'SCHEDULED',
            to_status: 'DISPATCHED',
            actor_id: ID,
            at: AT,
            data: { changed: { title: { from: 'Leaking valve', to: 'Leaking valve' } } },
          },
        },
        { t: 'work_order_messages', r: ID, op: 'insert', f: { work_order_id: ID, author_id: ID, body: 'On my way', at: AT } },
        { t: 'stock_movements', r: ID, op: 'insert', f: { depot_id: ID, item_id: ID, delta: -1, reason: 'used', work_order_id: ID } },
      ],
      audit: [
        {
          id: ID,
          actorId: ID,
          action: 'work_orders.update',
          entity: 'work_orders',
          entityId: ID,
          before: { title: 'Leaking valve', version: 1 },
          after: { title: 'Leaking valve', version: 2 },
          requestId: ID,
          at: AT,
        },
      ],
    },
  ],
};

export const STATIC_DICTIONARY: PushDictionary = { name: STATIC_DICTIONARY_NAME, bytes: Buffer.from(JSON.stringify(SAMPLE)) };

/** The dictionary the next push may use after `body` was acknowledged: its last 32 KiB, named by their hash. */
export function dictionaryAfter(body: Buffer): PushDictionary {
  const bytes = Buffer.from(body.length > WINDOW ? body.subarray(body.length - WINDOW) : body);
  return { name: createHash('sha256').update(bytes).digest('base64url').slice(0, 22), bytes };
}

export function encodePush(json: Buffer, dictionary: PushDictionary): Buffer {
  // The best ratio where it matters (a lone edit) and where it is cheap; a 2,000-mutation batch takes the default.
  return deflateSync(json, { dictionary: dictionary.bytes, level: json.length < 65_536 ? 9 : 6 });
}

/** Throws a RangeError (code ERR_BUFFER_TOO_LARGE) past `maxBytes`, and a zlib error on a wrong dictionary or bad data. */
export function decodePush(payload: Buffer, dictionary: PushDictionary, maxBytes: number): Buffer {
  return inflateSync(payload, { dictionary: dictionary.bytes, maxOutputLength: maxBytes });
}

const inflateAsync = promisify(inflate);

/** decodePush on zlib's thread pool: the hub inflates up to 32 MB per push without holding its event loop. */
export function decodePushAsync(payload: Buffer, dictionary: PushDictionary, maxBytes: number): Promise<Buffer> {
  return inflateAsync(payload, { dictionary: dictionary.bytes, maxOutputLength: maxBytes });
}
