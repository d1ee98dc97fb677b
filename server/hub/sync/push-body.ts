import type { Request, RequestHandler } from 'express';
import { AppError, ValidationError } from '../../errors.js';
import {
  decodePushAsync,
  dictionaryAfter,
  PUSH_DICTIONARY_HEADER,
  PUSH_ENCODING,
  STATIC_DICTIONARY,
  STATIC_DICTIONARY_NAME,
  type PushDictionary,
} from '../../sync/push-dictionary.js';
import type { HubDeps } from '../deps.js';

/**
 * The hub's end of push bodies compressed against a dictionary (server/sync/push-dictionary.ts). Per
 * depot node the hub keeps in memory the dictionaries its last two applied pushes leave (each body's
 * last 32 KiB): the newest for the depot's next push, the one before for a copy of a push sent again
 * (a duplicate on the way, a retry after a lost answer). A body naming one the hub does not hold (the
 * hub restarted, another hub process took the previous push, a copy arriving late) is a 412
 * `push_dictionary_unknown`, after which the depot sends again against the fixed dictionary. Nothing
 * is applied from a body that does not decode.
 */

/** Nodes whose dictionaries are kept; past it the least recently pushing node's are dropped (up to 64 KiB each). */
const MAX_NODES = 1_000;
const byDeps = new WeakMap<HubDeps, Map<string, PushDictionary[]>>();
const pulledByDeps = new WeakMap<HubDeps, Map<string, PushDictionary[]>>();

function dictionaries(deps: HubDeps, of: WeakMap<HubDeps, Map<string, PushDictionary[]>> = byDeps): Map<string, PushDictionary[]> {
  let map = of.get(deps);
  if (!map) of.set(deps, (map = new Map()));
  return map;
}

/** After a push from `nodeId` was applied: its body is what that node's next push may refer to. */
export function rememberPushBody(deps: HubDeps, nodeId: string, body: Buffer | undefined): void {
  if (body) remember(dictionaries(deps), nodeId, body);
}

/** A pull page sent to `nodeId`: what that node may name as held in its next pull. */
export function rememberPulledPage(deps: HubDeps, nodeId: string, body: Buffer): void {
  remember(dictionaries(deps, pulledByDeps), nodeId, body);
}

/** The dictionary a small pull page goes out against: the page the node says it holds, else the fixed one. */
export function pullDictionaryFor(deps: HubDeps, nodeId: string, held: string): PushDictionary {
  if (held === STATIC_DICTIONARY_NAME) return STATIC_DICTIONARY;
  return (
    dictionaries(deps, pulledByDeps)
      .get(nodeId)
      ?.find((d) => d.name === held) ?? STATIC_DICTIONARY
  );
}

function remember(map: Map<string, PushDictionary[]>, nodeId: string, body: Buffer): void {
  const kept = map.get(nodeId) ?? [];
  const next = dictionaryAfter(body);
  map.delete(nodeId);
  map.set(nodeId, [next, ...kept.filter((d) => d.name !== next.name)].slice(0, 2));
  if (map.size > MAX_NODES) map.delete(map.keys().next().value!);
}

function dictionaryFor(deps: HubDeps, nodeId: string, name: string | undefined): PushDictionary | null {
  if (name === STATIC_DICTIONARY_NAME) return STATIC_DICTIONARY;
  return (
    dictionaries(deps)
      .get(nodeId)
      ?.find((d) => d.name === name) ?? null
  );
}

/** A raw request body, refused (413) past `limit` bytes; `what` names it in the refusal. */
export async function readCapped(req: Request, limit: number, what = 'a push'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError(413, 'body_too_large', `The request body is larger than the ${limit} bytes ${what} may be.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Middleware after the node's authentication and before the JSON parser: decodes a dictionary-
 * compressed push body into `req.body` (inflated size capped at `limit`, like gzip's), and keeps the
 * decoded bytes on `req.pushBody` for rememberPushBody. Other encodings (gzip, plain: a depot that does not
 * refer to earlier bodies) pass on, and are not kept.
 */
export function decodePushBody(deps: HubDeps, limit: number): RequestHandler {
  return (req, _res, next) => {
    if (req.get('content-encoding') !== PUSH_ENCODING) return next();
    const dictionary = dictionaryFor(deps, req.hubNode!.nodeId, req.get(PUSH_DICTIONARY_HEADER));
    if (!dictionary) {
      return next(
        new AppError(
          412,
          'push_dictionary_unknown',
          'This hub does not hold the dictionary the push body was compressed against; send it again against the fixed one.',
        ),
      );
    }
    readCapped(req, limit).then(async (payload) => {
      let raw: Buffer;
      try {
        raw = await decodePushAsync(payload, dictionary, limit);
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          return next(new AppError(413, 'body_too_large', `The push body inflates past the ${limit} bytes a push may be.`));
        return next(new ValidationError(`The push body does not decode as ${PUSH_ENCODING} with dictionary ${dictionary.name}.`));
      }
      try {
        req.body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        return next(new ValidationError('The push body is not valid JSON.'));
      }
      req.pushBody = raw;
      // body-parser's own flag: the hub's JSON parser after this one leaves a parsed body alone.
      (req as Request & { _body?: boolean })._body = true;
      next();
    }, next);
  };
}
