import type { AccountAuth, NodeAuth } from './auth.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by the hub's node auth (a depot's credential): the org comes from here, never from a body. */
      hubNode?: NodeAuth;
      /** Set by the hub's account auth (a hub account's bearer token). */
      hubAccount?: AccountAuth;
      /** A dictionary-compressed push body as decoded (server/hub/sync/push-body.ts): what the node's next push may refer to. */
      pushBody?: Buffer;
    }
  }
}
export {};
